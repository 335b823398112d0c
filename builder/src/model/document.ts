/** The workflow document exchanged with the API (see host/src/graph/model). */

export type NodeKindName =
  | 'trigger'
  | 'action'
  | 'if_else'
  | 'switch'
  | 'delay'
  | 'wait_until'
  | 'wait_for_event'
  | 'ab_split'
  | 'goal'
  | 'goto'
  | 'exit';

export interface Position {
  x: number;
  y: number;
}

/** One node: its id, kind, place on the canvas and kind-specific config. */
export interface WorkflowNode {
  id: string;
  kind: NodeKindName;
  position: Position;
  config: Record<string, unknown>;
}

/** A connection from one node's outcome to the next node. */
export interface WorkflowEdge {
  id: string;
  source: string;
  target: string;
  outcome: string;
}

/** A whole workflow document. */
export interface WorkflowDocument {
  name: string;
  tags?: string[];
  settings?: Record<string, unknown>;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
}

/** A condition tree of if/else, switch and goal nodes. */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | Rule;

/** One comparison `left op right`. */
export interface Rule {
  left: string;
  op: string;
  right?: unknown;
}

/** A blank document with one trigger, the starting point of a new workflow. */
export function blankDocument(name: string): WorkflowDocument {
  return {
    name,
    settings: { reentry: { policy: 'never' } },
    nodes: [
      { id: 'trigger', kind: 'trigger', position: { x: 0, y: 0 }, config: { event: 'lead_created' } },
    ],
    edges: [],
  };
}
