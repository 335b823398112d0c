/**
 * Undo history over immutable values. Edits that share a key and follow each
 * other quickly (typing in one field, dragging one node) merge into one step.
 */

/** Past and future around the present value. */
export interface History<T> {
  past: T[];
  present: T;
  future: T[];
  /** Key and time of the last recorded edit, for merging. */
  lastKey?: string;
  lastAt?: number;
}

/** How many steps back are kept. */
export const HISTORY_LIMIT = 200;
/** Edits with the same key closer together than this merge. */
export const MERGE_WINDOW_MS = 800;

/** A history starting at `present`. */
export function createHistory<T>(present: T): History<T> {
  return { past: [], present, future: [] };
}

/** Records `next` as the new present; the redo branch is dropped. */
export function record<T>(history: History<T>, next: T, key?: string, at: number = Date.now()): History<T> {
  if (Object.is(next, history.present)) return history;
  const merge =
    key !== undefined && key === history.lastKey && history.lastAt !== undefined && at - history.lastAt < MERGE_WINDOW_MS;
  if (merge) {
    return { ...history, present: next, future: [], lastAt: at };
  }
  const past = [...history.past, history.present];
  if (past.length > HISTORY_LIMIT) past.splice(0, past.length - HISTORY_LIMIT);
  return { past, present: next, future: [], lastKey: key, lastAt: at };
}

/** Steps back one edit, if there is one. */
export function undo<T>(history: History<T>): History<T> {
  if (history.past.length === 0) return history;
  const previous = history.past[history.past.length - 1];
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
}

/** Steps forward one undone edit, if there is one. */
export function redo<T>(history: History<T>): History<T> {
  if (history.future.length === 0) return history;
  const [next, ...rest] = history.future;
  return { past: [...history.past, history.present], present: next, future: rest };
}

/** Replaces the present without an undo step (a value loaded from the server). */
export function replacePresent<T>(history: History<T>, present: T): History<T> {
  return { ...history, present, lastKey: undefined, lastAt: undefined };
}

export const canUndo = <T,>(history: History<T>) => history.past.length > 0;
export const canRedo = <T,>(history: History<T>) => history.future.length > 0;
