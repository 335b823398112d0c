/** Readable, unique node and edge ids. */
import type { WorkflowDocument } from './document';

/** `sms_1`, `sms_2`, …: the first free id with `prefix`. */
export function freshNodeId(doc: WorkflowDocument, prefix: string, taken: Set<string> = new Set()): string {
  const base = prefix.toLowerCase().replace(/[^a-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40) || 'node';
  const used = new Set([...doc.nodes.map((n) => n.id), ...taken]);
  for (let i = 1; ; i++) {
    const id = `${base}_${i}`;
    if (!used.has(id)) return id;
  }
}

/** `e1`, `e2`, …: the first free edge id. */
export function freshEdgeId(doc: WorkflowDocument, taken: Set<string> = new Set()): string {
  const used = new Set([...doc.edges.map((e) => e.id), ...taken]);
  for (let i = 1; ; i++) {
    const id = `e${i}`;
    if (!used.has(id)) return id;
  }
}

/** The prefix of new ids for an action (`atlas.sms.send` → `sms`). */
export function actionPrefix(pluginId: string): string {
  const parts = pluginId.split('.');
  return parts.length >= 2 ? parts[parts.length - 2] : parts[0];
}
