import { describe, expect, it } from 'vitest';
import { connect, copyFragment, moveNodes, pasteFragment, removeNodes, setConfig } from '../src/model/edit';
import { describeDuration, parseDuration } from '../src/model/duration';
import { autoLayout } from '../src/model/layout';
import { summarize } from '../src/model/kinds';
import { branchingDoc, smsEntry } from './fixtures';

describe('document edits', () => {
  it('keeps one edge per outcome', () => {
    const doc = connect(branchingDoc(), 'check', 'true', 'orphan');
    const fromTrue = doc.edges.filter((e) => e.source === 'check' && e.outcome === 'true');
    expect(fromTrue.map((e) => e.target)).toEqual(['orphan']);
    expect(connect(doc, 'orphan', 'next', 'orphan')).toBe(doc);
  });

  it('returns the same document for edits that change nothing', () => {
    const doc = branchingDoc();
    expect(setConfig(doc, 'wait', { duration: '1h' })).toBe(doc);
    expect(setConfig(doc, 'wait', { duration: '2h' })).not.toBe(doc);
    expect(moveNodes(doc, new Map([['lead', { x: 0.2, y: 0 }]]))).toBe(doc);
    expect(moveNodes(doc, new Map([['lead', { x: 10, y: 0 }]])).nodes[0].position).toEqual({ x: 10, y: 0 });
  });

  it('removes a node with its edges', () => {
    const doc = removeNodes(branchingDoc(), new Set(['check']));
    expect(doc.nodes.some((n) => n.id === 'check')).toBe(false);
    expect(doc.edges.some((e) => e.source === 'check' || e.target === 'check')).toBe(false);
  });

  it('pastes copies with fresh ids and their inner edges', () => {
    const original = branchingDoc();
    const fragment = copyFragment(original, new Set(['sms_2', 'sms_3']));
    expect(fragment.edges.map((e) => e.id)).toEqual(['e5']);
    const { doc, ids } = pasteFragment(original, fragment, { x: 40, y: 40 });
    expect(ids).toEqual(['sms_4', 'sms_5']);
    expect(doc.edges[doc.edges.length - 1]).toMatchObject({ source: 'sms_4', target: 'sms_5', outcome: 'sent' });
    expect(new Set(doc.edges.map((e) => e.id)).size).toBe(doc.edges.length);
  });

  it('lays out layers top to bottom', () => {
    const positions = autoLayout(branchingDoc());
    expect(positions.get('lead')!.y).toBeLessThan(positions.get('sms_1')!.y);
    expect(positions.get('sms_2')!.y).toBe(positions.get('wait')!.y);
    expect(positions.get('sms_2')!.x).not.toBe(positions.get('wait')!.x);
  });
});

describe('node faces', () => {
  it('shows the key setting', () => {
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('soon')).toBeNull();
    expect(describeDuration('10m')).toBe('10 minutes');
    expect(describeDuration('1d')).toBe('1 day');
    const doc = branchingDoc();
    doc.nodes[1].config.input = { to: '{{contact.phone}}', body: 'Welcome to the studio, we are glad to see you' };
    expect(summarize(doc.nodes[1], [smsEntry])).toBe('SMS: Welcome to the studio, we are…');
    expect(summarize(doc.nodes[4], [])).toBe('Wait 1 hour');
  });
});
