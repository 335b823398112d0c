import { describe, expect, it } from 'vitest';
import { HISTORY_LIMIT, canRedo, canUndo, createHistory, record, redo, replacePresent, undo } from '../src/model/undo';

describe('undo history', () => {
  it('undoes and redoes in order', () => {
    let h = createHistory('a');
    h = record(h, 'b', undefined, 0);
    h = record(h, 'c', undefined, 10);
    expect(h.present).toBe('c');
    h = undo(h);
    expect(h.present).toBe('b');
    h = undo(h);
    expect(h.present).toBe('a');
    expect(canUndo(h)).toBe(false);
    h = redo(h);
    expect(h.present).toBe('b');
    expect(canRedo(h)).toBe(true);
  });

  it('drops the redo branch on a new edit', () => {
    let h = record(record(createHistory(1), 2, undefined, 0), 3, undefined, 0);
    h = undo(h);
    h = record(h, 4, undefined, 5000);
    expect(h.present).toBe(4);
    expect(canRedo(h)).toBe(false);
    expect(undo(h).present).toBe(2);
  });

  it('merges quick edits with the same key, not others', () => {
    let h = createHistory('');
    h = record(h, 'H', 'name', 1000);
    h = record(h, 'Hi', 'name', 1200);
    h = record(h, 'Hi!', 'name', 1400);
    expect(h.past).toEqual(['']);
    h = record(h, 'Hi!?', 'name', 5000);
    expect(h.past).toEqual(['', 'Hi!']);
    h = record(h, 'x', 'other', 5100);
    expect(h.past).toEqual(['', 'Hi!', 'Hi!?']);
  });

  it('ignores a no-op and keeps at most the limit', () => {
    let h = createHistory(0);
    expect(record(h, 0)).toBe(h);
    for (let i = 1; i <= HISTORY_LIMIT + 50; i++) h = record(h, i, undefined, i * 10_000);
    expect(h.past.length).toBe(HISTORY_LIMIT);
    expect(h.past[0]).toBe(50);
  });

  it('replaces the present without an undo step', () => {
    const h = replacePresent(record(createHistory('a'), 'b', 'k', 0), 'B');
    expect(h.present).toBe('B');
    expect(undo(h).present).toBe('a');
    expect(record(h, 'C', 'k', 1).past).toEqual(['a', 'B']);
  });

  it('undo and redo on an empty side change nothing', () => {
    const h = createHistory('only');
    expect(undo(h)).toBe(h);
    expect(redo(h)).toBe(h);
  });
});
