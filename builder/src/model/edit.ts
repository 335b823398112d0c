/** Edits of a workflow document, each a pure function returning a new document. */
import type { Position, WorkflowDocument, WorkflowNode } from './document';
import { freshEdgeId, freshNodeId } from './ids';

/** Adds a node. */
export function addNode(doc: WorkflowDocument, node: WorkflowNode): WorkflowDocument {
  return { ...doc, nodes: [...doc.nodes, node] };
}

/** Replaces a node's config; the same document when nothing changes. */
export function setConfig(doc: WorkflowDocument, id: string, config: Record<string, unknown>): WorkflowDocument {
  const node = doc.nodes.find((n) => n.id === id);
  if (!node || JSON.stringify(node.config) === JSON.stringify(config)) return doc;
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, config } : n)) };
}

/** Moves nodes to new positions; the same document when none moves. */
export function moveNodes(doc: WorkflowDocument, positions: Map<string, Position>): WorkflowDocument {
  const moves = doc.nodes.some((n) => {
    const p = positions.get(n.id);
    return p && (Math.round(p.x) !== n.position.x || Math.round(p.y) !== n.position.y);
  });
  if (!moves) return doc;
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const p = positions.get(n.id);
      return p ? { ...n, position: { x: Math.round(p.x), y: Math.round(p.y) } } : n;
    }),
  };
}

/** Removes nodes and every edge touching them. */
export function removeNodes(doc: WorkflowDocument, ids: Set<string>): WorkflowDocument {
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !ids.has(n.id)),
    edges: doc.edges.filter((e) => !ids.has(e.source) && !ids.has(e.target)),
  };
}

/** Removes edges. */
export function removeEdges(doc: WorkflowDocument, ids: Set<string>): WorkflowDocument {
  return { ...doc, edges: doc.edges.filter((e) => !ids.has(e.id)) };
}

/** Connects `source`'s `outcome` to `target`; an outcome leads to one node, so an older edge is replaced. */
export function connect(doc: WorkflowDocument, source: string, outcome: string, target: string): WorkflowDocument {
  if (source === target) return doc;
  const kept = doc.edges.filter((e) => !(e.source === source && e.outcome === outcome));
  const id = freshEdgeId({ ...doc, edges: kept });
  return { ...doc, edges: [...kept, { id, source, target, outcome }] };
}

/** Nodes and the edges between them, as copied to the clipboard. */
export interface Fragment {
  nodes: WorkflowNode[];
  edges: WorkflowDocument['edges'];
}

/** The selected nodes and the edges among them. */
export function copyFragment(doc: WorkflowDocument, ids: Set<string>): Fragment {
  return {
    nodes: doc.nodes.filter((n) => ids.has(n.id)),
    edges: doc.edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
  };
}

/** Pastes a fragment with fresh ids, shifted by `offset`; returns the document and the new ids. */
export function pasteFragment(doc: WorkflowDocument, fragment: Fragment, offset: Position): { doc: WorkflowDocument; ids: string[] } {
  const renamed = new Map<string, string>();
  const taken = new Set<string>();
  const nodes = fragment.nodes.map((n) => {
    const id = freshNodeId(doc, n.id.replace(/_\d+$/, ''), taken);
    taken.add(id);
    renamed.set(n.id, id);
    return { ...n, id, position: { x: n.position.x + offset.x, y: n.position.y + offset.y }, config: structuredClone(n.config) };
  });
  const edgeIds = new Set<string>();
  const edges = fragment.edges.map((e) => {
    const id = freshEdgeId(doc, edgeIds);
    edgeIds.add(id);
    return { ...e, id, source: renamed.get(e.source)!, target: renamed.get(e.target)! };
  });
  return { doc: { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] }, ids: nodes.map((n) => n.id) };
}
