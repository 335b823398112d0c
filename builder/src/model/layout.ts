/** Auto-layout: nodes in layers by distance from the entry points, top to bottom. */
import type { Position, WorkflowDocument } from './document';
import { successors } from './scope';

export const NODE_WIDTH = 240;
const COLUMN = NODE_WIDTH + 60;
const ROW = 150;

/** New positions for every node: layer by breadth-first depth, centred per layer. */
export function autoLayout(doc: WorkflowDocument): Map<string, Position> {
  const next = successors(doc);
  const depth = new Map<string, number>();
  const entries = doc.nodes.filter((n) => n.kind === 'trigger' || n.kind === 'goal').map((n) => n.id);
  const queue = entries.map((id) => ({ id, d: 0 }));
  for (const e of entries) depth.set(e, 0);
  while (queue.length > 0) {
    const { id, d } = queue.shift()!;
    for (const target of next.get(id) ?? []) {
      if (!depth.has(target)) {
        depth.set(target, d + 1);
        queue.push({ id: target, d: d + 1 });
      }
    }
  }
  const deepest = Math.max(0, ...depth.values());
  const layers = new Map<number, string[]>();
  for (const node of doc.nodes) {
    const d = depth.get(node.id) ?? deepest + 1;
    layers.set(d, [...(layers.get(d) ?? []), node.id]);
  }
  const positions = new Map<string, Position>();
  for (const [d, ids] of layers) {
    const width = (ids.length - 1) * COLUMN;
    ids.forEach((id, i) => positions.set(id, { x: i * COLUMN - width / 2, y: d * ROW }));
  }
  return positions;
}
