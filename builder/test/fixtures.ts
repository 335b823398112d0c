import type { CatalogEntry } from '../src/api/types';
import type { WorkflowDocument } from '../src/model/document';

/** A catalog with an SMS action shaped like the built-in one (schemars output). */
export const smsEntry: CatalogEntry = {
  id: 'atlas.sms.send',
  name: 'Send SMS',
  description: 'Sends a text message',
  version: '0.1.0',
  category: 'communication',
  icon: 'message-square',
  input_schema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'MessageInput',
    description: 'A text or template message to one phone number.',
    type: 'object',
    properties: {
      to: { type: 'string', description: 'Recipient in E.164 form' },
      from: { type: ['string', 'null'], default: null },
      body: { type: ['string', 'null'], default: null },
      content_variables: { type: 'object', additionalProperties: { type: 'string' }, default: {} },
      timeout_ms: { type: ['integer', 'null'], format: 'uint32', minimum: 0 },
    },
    required: ['to'],
    additionalProperties: false,
  },
  output_schema: { type: 'object', properties: { sid: { type: ['string', 'null'] }, status: {}, to: {}, skipped: {} } },
  outcomes: [{ name: 'sent', label: 'Sent' }],
  capability_descriptions: [],
};

/** trigger → sms → if → (true: email_like sms_2) / (false: exit); sms_3 after both branches join. */
export function branchingDoc(): WorkflowDocument {
  return {
    name: 't',
    nodes: [
      { id: 'lead', kind: 'trigger', position: { x: 0, y: 0 }, config: { event: 'lead_created' } },
      { id: 'sms_1', kind: 'action', position: { x: 0, y: 0 }, config: { plugin: 'atlas.sms.send', version: '0.1.0', input: {} } },
      { id: 'check', kind: 'if_else', position: { x: 0, y: 0 }, config: { condition: { all: [] } } },
      { id: 'sms_2', kind: 'action', position: { x: 0, y: 0 }, config: { plugin: 'atlas.sms.send', version: '0.1.0', input: {} } },
      { id: 'wait', kind: 'delay', position: { x: 0, y: 0 }, config: { duration: '1h' } },
      { id: 'sms_3', kind: 'action', position: { x: 0, y: 0 }, config: { plugin: 'atlas.sms.send', version: '0.1.0', input: {} } },
      { id: 'orphan', kind: 'exit', position: { x: 0, y: 0 }, config: {} },
    ],
    edges: [
      { id: 'e1', source: 'lead', target: 'sms_1', outcome: 'next' },
      { id: 'e2', source: 'sms_1', target: 'check', outcome: 'sent' },
      { id: 'e3', source: 'check', target: 'sms_2', outcome: 'true' },
      { id: 'e4', source: 'check', target: 'wait', outcome: 'false' },
      { id: 'e5', source: 'sms_2', target: 'sms_3', outcome: 'sent' },
      { id: 'e6', source: 'wait', target: 'sms_3', outcome: 'next' },
    ],
  };
}
