/** Autocomplete of `{{ variables }}` inside a text field. */
import type { Variable } from './scope';

/** An open `{{` before the caret: where it starts and what was typed after it. */
export interface OpenTemplate {
  start: number;
  query: string;
}

/** The template the caret is in, if it was opened and not yet closed. */
export function openTemplateAt(text: string, caret: number): OpenTemplate | null {
  const before = text.slice(0, caret);
  const start = before.lastIndexOf('{{');
  if (start < 0) return null;
  const inside = before.slice(start + 2);
  if (inside.includes('}}')) return null;
  const query = inside.trim();
  if (!/^[A-Za-z0-9_.[\]]*$/.test(query)) return null;
  return { start, query };
}

/** Variables matching the typed query: prefix matches first, then any part. */
export function matchVariables(variables: Variable[], query: string, limit = 12): Variable[] {
  const q = query.toLowerCase();
  const prefix = variables.filter((v) => v.path.toLowerCase().startsWith(q));
  const part = variables.filter((v) => !v.path.toLowerCase().startsWith(q) && v.path.toLowerCase().includes(q));
  return [...prefix, ...part].slice(0, limit);
}

/** The text with the open template completed as `{{path}}`, and the caret after it. */
export function insertVariable(text: string, caret: number, open: OpenTemplate, path: string): { text: string; caret: number } {
  let rest = text.slice(caret);
  const closing = /^\s*}}/.exec(rest);
  if (closing) rest = rest.slice(closing[0].length);
  const inserted = `{{${path}}}`;
  if (path.endsWith('.')) {
    const partial = `{{${path}`;
    return { text: text.slice(0, open.start) + partial + rest, caret: open.start + partial.length };
  }
  return { text: text.slice(0, open.start) + inserted + rest, caret: open.start + inserted.length };
}
