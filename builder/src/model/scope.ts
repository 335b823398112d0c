/**
 * The template variables valid at a node, as the host's validator sees them
 * (host/src/graph/validate/variables.rs): contact, org, workflow and execution
 * fields everywhere; `trigger.*` fields every trigger reaching the node
 * provides; outputs of the actions that run before the node on every path.
 */
import type { CatalogEntry } from '../api/types';
import type { WorkflowDocument, WorkflowNode } from './document';
import { actionEntry } from './kinds';
import { COMMON_TRIGGER_FIELDS, triggerEvent } from './triggers';

/** One variable offered by autocomplete. */
export interface Variable {
  /** The path inside `{{ }}`. */
  path: string;
  group: 'Contact' | 'Trigger' | 'Steps' | 'Workflow' | 'Organisation' | 'Execution';
  detail?: string;
}

export const CONTACT_FIELDS = [
  'id', 'first_name', 'last_name', 'full_name', 'email', 'phone', 'source', 'status',
  'lifecycle_stage', 'owner_id', 'tags', 'time_zone', 'birthday',
];
export const CONSENT_CHANNELS = ['email', 'sms', 'whatsapp'];
const WORKFLOW_FIELDS = ['id', 'name', 'version'];
const ORG_FIELDS = ['id', 'name', 'time_zone'];
const EXECUTION_FIELDS = ['id', 'started_at'];

/** Where each node can go next: its edges, plus a go-to node's target. */
export function successors(doc: WorkflowDocument): Map<string, string[]> {
  const next = new Map<string, string[]>(doc.nodes.map((n) => [n.id, []]));
  for (const edge of doc.edges) next.get(edge.source)?.push(edge.target);
  for (const node of doc.nodes) {
    if (node.kind === 'goto' && typeof node.config.target === 'string') next.get(node.id)?.push(node.config.target);
  }
  return next;
}

function reachableFrom(starts: string[], next: Map<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [...starts];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id) || !next.has(id)) continue;
    seen.add(id);
    stack.push(...next.get(id)!);
  }
  return seen;
}

/**
 * Dominators of every node reachable from the entry points (triggers and
 * goals, which executions can jump to): the nodes on every path to it,
 * itself included.
 */
export function dominators(doc: WorkflowDocument): Map<string, Set<string>> {
  const next = successors(doc);
  const entries = doc.nodes.filter((n) => n.kind === 'trigger' || n.kind === 'goal').map((n) => n.id);
  const reachable = reachableFrom(entries, next);
  const preds = new Map<string, string[]>([...reachable].map((id) => [id, []]));
  for (const [source, targets] of next) {
    if (!reachable.has(source)) continue;
    for (const target of targets) if (reachable.has(target)) preds.get(target)!.push(source);
  }
  const entrySet = new Set(entries);
  const dom = new Map<string, Set<string>>();
  for (const id of reachable) dom.set(id, entrySet.has(id) ? new Set([id]) : new Set(reachable));
  for (let changed = true; changed; ) {
    changed = false;
    for (const id of reachable) {
      if (entrySet.has(id)) continue;
      let meet: string[] | null = null;
      for (const p of preds.get(id)!) {
        const pd = dom.get(p)!;
        meet = meet === null ? [...pd] : meet.filter((x: string) => pd.has(x));
      }
      const updated = new Set<string>(meet ?? []);
      updated.add(id);
      const old = dom.get(id)!;
      if (updated.size !== old.size || [...updated].some((x) => !old.has(x))) {
        dom.set(id, updated);
        changed = true;
      }
    }
  }
  return dom;
}

/** The `trigger.*` fields every trigger that can reach `nodeId` provides (`null`: any field). */
export function triggerFieldsAt(doc: WorkflowDocument, nodeId: string): string[] | null {
  const next = successors(doc);
  const triggers = doc.nodes.filter((n) => n.kind === 'trigger');
  const goalReaches = doc.nodes.some((n) => n.kind === 'goal' && reachableFrom([n.id], next).has(nodeId));
  const reaching = goalReaches ? triggers : triggers.filter((t) => reachableFrom([t.id], next).has(nodeId));
  let fields: string[] | null = null;
  for (const trigger of reaching) {
    const info = triggerEvent(String(trigger.config.event ?? ''));
    if (!info || info.fields === null) continue;
    const provided = [...COMMON_TRIGGER_FIELDS, ...info.fields];
    fields = fields === null ? provided : fields.filter((f) => provided.includes(f));
  }
  return fields;
}

/** Output property names of an action, from its output schema. */
function outputProperties(node: WorkflowNode, catalog: CatalogEntry[]): string[] {
  const schema = actionEntry(node, catalog)?.output_schema as { properties?: Record<string, unknown> } | undefined;
  return schema?.properties ? Object.keys(schema.properties) : [];
}

/** Every variable a template in `nodeId` may use. */
export function variablesAt(doc: WorkflowDocument, nodeId: string, catalog: CatalogEntry[]): Variable[] {
  const vars: Variable[] = [];
  for (const f of CONTACT_FIELDS) vars.push({ path: `contact.${f}`, group: 'Contact' });
  for (const c of CONSENT_CHANNELS) vars.push({ path: `contact.consent.${c}`, group: 'Contact', detail: 'consent' });
  vars.push({ path: 'contact.custom.', group: 'Contact', detail: 'custom field' });
  const triggerFields = triggerFieldsAt(doc, nodeId);
  for (const f of triggerFields ?? COMMON_TRIGGER_FIELDS) vars.push({ path: `trigger.${f}`, group: 'Trigger' });
  const dom = dominators(doc).get(nodeId);
  if (dom) {
    for (const node of doc.nodes) {
      if (node.id === nodeId || node.kind !== 'action' || !dom.has(node.id)) continue;
      for (const p of outputProperties(node, catalog)) {
        vars.push({ path: `steps.${node.id}.output.${p}`, group: 'Steps', detail: String(node.config.plugin ?? '') });
      }
      vars.push({ path: `steps.${node.id}.outcome`, group: 'Steps', detail: 'outcome' });
    }
  }
  for (const f of WORKFLOW_FIELDS) vars.push({ path: `workflow.${f}`, group: 'Workflow' });
  for (const f of ORG_FIELDS) vars.push({ path: `org.${f}`, group: 'Organisation' });
  for (const f of EXECUTION_FIELDS) vars.push({ path: `execution.${f}`, group: 'Execution' });
  return vars;
}
