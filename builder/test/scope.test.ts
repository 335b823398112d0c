import { describe, expect, it } from 'vitest';
import { dominators, triggerFieldsAt, variablesAt } from '../src/model/scope';
import { branchingDoc, smsEntry } from './fixtures';

const paths = (nodeId: string, doc = branchingDoc()) => variablesAt(doc, nodeId, [smsEntry]).map((v) => v.path);

describe('variable scope', () => {
  it('computes dominators through branches that join', () => {
    const dom = dominators(branchingDoc());
    expect([...dom.get('sms_3')!].sort()).toEqual(['check', 'lead', 'sms_1', 'sms_3']);
    expect(dom.has('orphan')).toBe(false);
  });

  it('offers outputs of actions that run on every path, with their output properties', () => {
    const at3 = paths('sms_3');
    expect(at3).toContain('steps.sms_1.output.sid');
    expect(at3).toContain('steps.sms_1.outcome');
    expect(at3).not.toContain('steps.sms_2.output.sid');
    expect(at3).not.toContain('steps.sms_3.output.sid');
    expect(paths('sms_2')).toContain('steps.sms_1.output.to');
  });

  it('offers no step outputs before the first action or in unreachable nodes', () => {
    expect(paths('sms_1').some((p) => p.startsWith('steps.'))).toBe(false);
    expect(paths('orphan').some((p) => p.startsWith('steps.'))).toBe(false);
  });

  it('offers the trigger fields of the event, and only shared ones for several triggers', () => {
    expect(paths('sms_1')).toContain('trigger.source');
    expect(paths('sms_1')).toContain('trigger.occurred_at');
    expect(paths('sms_1')).not.toContain('trigger.class_name');
    const doc = branchingDoc();
    doc.nodes.push({ id: 'booked', kind: 'trigger', position: { x: 0, y: 0 }, config: { event: 'booking_created' } });
    doc.edges.push({ id: 'e9', source: 'booked', target: 'sms_1', outcome: 'next' });
    expect(triggerFieldsAt(doc, 'sms_1')).toEqual(['event', 'occurred_at']);
    // A free-form trigger does not narrow the fields.
    doc.nodes[doc.nodes.length - 1].config = { event: 'inbound_webhook' };
    expect(triggerFieldsAt(doc, 'sms_1')).toContain('source');
  });

  it('always offers contact, workflow, org and execution fields', () => {
    const all = paths('orphan');
    for (const p of ['contact.first_name', 'contact.consent.sms', 'workflow.name', 'org.time_zone', 'execution.id']) {
      expect(all).toContain(p);
    }
  });
});
