/** New nodes from palette entries. */
import type { CatalogEntry } from '../api/types';
import type { NodeKindName, Position, WorkflowDocument, WorkflowNode } from '../model/document';
import { actionPrefix, freshNodeId } from '../model/ids';
import { kindInfo } from '../model/kinds';

/** What a palette entry adds: an engine kind, or an action of the catalog. */
export interface PaletteItem {
  kind: NodeKindName;
  plugin?: string;
  version?: string;
  label: string;
  icon: string;
  group: string;
  description: string;
  /** Input a new action node starts with. */
  defaultInput?: Record<string, unknown>;
  /** Renamed or restyled by the org's reseller. */
  branded?: boolean;
  publisher?: string;
}

const PREFIX: Partial<Record<NodeKindName, string>> = {
  delay: 'wait',
  wait_until: 'wait_until',
  wait_for_event: 'wait_for',
  if_else: 'if',
  ab_split: 'split',
};

/** The node a palette entry adds at `position`. */
export function createNode(item: PaletteItem, doc: WorkflowDocument, position: Position): WorkflowNode {
  if (item.kind === 'action' && item.plugin) {
    return {
      id: freshNodeId(doc, actionPrefix(item.plugin)),
      kind: 'action',
      position,
      config: { plugin: item.plugin, version: item.version, input: initialInput(item.defaultInput) },
    };
  }
  return {
    id: freshNodeId(doc, PREFIX[item.kind] ?? item.kind),
    kind: item.kind,
    position,
    config: kindInfo(item.kind)?.defaultConfig() ?? {},
  };
}

/** A fresh copy of an action's default input when it is a JSON object, else `{}`. */
export function initialInput(defaults: unknown): Record<string, unknown> {
  if (!defaults || typeof defaults !== 'object' || Array.isArray(defaults)) return {};
  return JSON.parse(JSON.stringify(defaults)) as Record<string, unknown>;
}

/** Palette entries of installed actions: the newest version of each id. */
export function actionItems(catalog: CatalogEntry[]): PaletteItem[] {
  const newest = new Map<string, CatalogEntry>();
  for (const entry of catalog) {
    const seen = newest.get(entry.id);
    if (!seen || compareVersions(entry.version, seen.version) > 0) newest.set(entry.id, entry);
  }
  return [...newest.values()].map((e) => ({
    kind: 'action',
    plugin: e.id,
    version: e.version,
    label: e.name,
    icon: e.icon,
    group: e.category.charAt(0).toUpperCase() + e.category.slice(1),
    description: e.description,
    defaultInput: initialInput(e.default_input),
    branded: e.branded === true,
    publisher: e.publisher,
  }));
}

/** Compares semantic versions numerically (pre-release tags ignored). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map(Number);
  const pb = b.split(/[.+-]/).map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d !== 0) return d;
  }
  return 0;
}
