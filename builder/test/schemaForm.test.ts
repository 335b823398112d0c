import { describe, expect, it } from 'vitest';
import { formErrors, formSchema, formUiSchema, humanize, inputFromForm, inputPath } from '../src/model/schemaForm';
import { smsEntry } from './fixtures';

describe('schema to form', () => {
  const schema = formSchema(smsEntry.input_schema);
  const properties = schema.properties as Record<string, Record<string, unknown>>;

  it('drops the dialect and unknown formats, and edits optional fields as plain types', () => {
    expect(schema.$schema).toBeUndefined();
    expect(schema.title).toBeUndefined();
    expect(properties.from.type).toBe('string');
    expect(properties.from.default).toBeUndefined();
    expect(properties.timeout_ms.type).toBe('integer');
    expect(properties.timeout_ms.format).toBeUndefined();
    expect(properties.timeout_ms.minimum).toBe(0);
  });

  it('gives every field a title and keeps descriptions', () => {
    expect(properties.to.title).toBe('To');
    expect(properties.timeout_ms.title).toBe('Timeout ms');
    expect(properties.to.description).toBe('Recipient in E.164 form');
    expect(humanize('statusCallback')).toBe('Status callback');
  });

  it('unwraps anyOf with null', () => {
    const s = formSchema({ type: 'object', properties: { n: { anyOf: [{ type: 'number' }, { type: 'null' }], default: null } } });
    expect((s.properties as Record<string, unknown>).n).toEqual({ type: 'number', title: 'N' });
  });

  it('orders required fields first and writes long text in paragraphs', () => {
    const ui = formUiSchema(schema);
    expect((ui['ui:order'] as string[])[0]).toBe('to');
    expect(ui.body).toEqual({ 'ui:widget': 'textarea', 'ui:options': { rows: 4 } });
    expect(ui.to).toBeUndefined();
  });
});

describe('form to input', () => {
  it('leaves out empty fields, required ones too, and keeps zeros and false', () => {
    const input = inputFromForm({ to: undefined, from: '', body: 'Hi {{contact.first_name}}', content_variables: {}, timeout_ms: 0, flag: false });
    expect(input).toEqual({ body: 'Hi {{contact.first_name}}', timeout_ms: 0, flag: false });
  });

  it('keeps lists, even empty ones', () => {
    expect(inputFromForm({ tags: [] })).toEqual({ tags: [] });
    expect(inputFromForm(null)).toEqual({});
  });
});

describe('server problems to form errors', () => {
  it('maps config.input paths, including nested and indexed ones', () => {
    expect(inputPath('config.input.to')).toEqual(['to']);
    expect(inputPath('config.input.body.name')).toEqual(['body', 'name']);
    expect(inputPath('config.input.items[2].id')).toEqual(['items', '2', 'id']);
    expect(inputPath('config.version')).toBeNull();
  });

  it('collects reasons of one node only', () => {
    const errors = formErrors(
      [
        { node_id: 'sms_1', field: 'config.input.to', reason: 'is required by the plugin' },
        { node_id: 'sms_1', field: 'config.input.to', reason: 'unknown variable' },
        { node_id: 'sms_2', field: 'config.input.body', reason: 'other node' },
        { node_id: 'sms_1', field: 'config.version', reason: 'not an input' },
      ],
      'sms_1',
    );
    expect(errors).toEqual({ to: { __errors: ['is required by the plugin', 'unknown variable'] } });
  });
});
