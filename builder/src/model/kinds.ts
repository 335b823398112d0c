/** What the builder knows about each node kind: label, icon, defaults, outcomes and summary. */
import type { CatalogEntry } from '../api/types';
import type { Condition, NodeKindName, WorkflowNode } from './document';
import { describeDuration } from './duration';
import { zoneCity } from './timeZones';
import { eventLabel } from './triggers';

/** One entry of the palette's built-in groups. */
export interface KindInfo {
  kind: NodeKindName;
  label: string;
  icon: string;
  group: 'Triggers' | 'Flow';
  description: string;
  defaultConfig: () => Record<string, unknown>;
}

const emptyRule = (): Condition => ({ left: '{{contact.status}}', op: 'equals', right: 'lead' });

/** Kinds owned by the engine, in palette order. */
export const KINDS: KindInfo[] = [
  { kind: 'trigger', label: 'Trigger', icon: 'zap', group: 'Triggers', description: 'Starts the workflow when an event happens', defaultConfig: () => ({ event: 'lead_created' }) },
  { kind: 'delay', label: 'Wait', icon: 'clock', group: 'Flow', description: 'Waits a fixed time', defaultConfig: () => ({ duration: '1h' }) },
  {
    kind: 'wait_until',
    label: 'Wait until open',
    icon: 'calendar',
    group: 'Flow',
    description: 'Waits for business hours or a date',
    defaultConfig: () => ({
      mode: 'business_hours',
      windows: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '17:00']]])),
      holidays: [],
    }),
  },
  { kind: 'wait_for_event', label: 'Wait for event', icon: 'hourglass', group: 'Flow', description: 'Waits for an event, up to a timeout', defaultConfig: () => ({ event: 'booking_created', timeout: '2d' }) },
  { kind: 'if_else', label: 'If / else', icon: 'split', group: 'Flow', description: 'Branches on a condition', defaultConfig: () => ({ condition: { all: [emptyRule()] } }) },
  { kind: 'switch', label: 'Switch', icon: 'list', group: 'Flow', description: 'Branches on the first matching case', defaultConfig: () => ({ cases: [{ name: 'case_1', condition: { all: [emptyRule()] } }] }) },
  {
    kind: 'ab_split',
    label: 'A/B split',
    icon: 'shuffle',
    group: 'Flow',
    description: 'Sends each contact down one weighted path',
    defaultConfig: () => ({ variants: [{ name: 'a', weight: 50 }, { name: 'b', weight: 50 }] }),
  },
  { kind: 'goal', label: 'Goal', icon: 'flag', group: 'Flow', description: 'Jumps here when an event happens', defaultConfig: () => ({ event: 'booking_created' }) },
  { kind: 'goto', label: 'Go to', icon: 'corner', group: 'Flow', description: 'Continues at another node', defaultConfig: () => ({ target: '' }) },
  { kind: 'exit', label: 'Exit', icon: 'stop', group: 'Flow', description: 'Ends the execution', defaultConfig: () => ({}) },
];

/** The built-in info of a kind. */
export function kindInfo(kind: NodeKindName): KindInfo | undefined {
  return KINDS.find((k) => k.kind === kind);
}

/** The catalog entry an action node runs (exact version first, else any version of the id). */
export function actionEntry(node: WorkflowNode, catalog: CatalogEntry[]): CatalogEntry | undefined {
  const plugin = node.config.plugin;
  const version = node.config.version;
  return catalog.find((c) => c.id === plugin && c.version === version) ?? catalog.find((c) => c.id === plugin);
}

/** The outcomes a node can follow, each with a label; the order of its handles. */
export function outcomesOf(node: WorkflowNode, catalog: CatalogEntry[]): { name: string; label: string }[] {
  const named = (names: string[]) => names.map((name) => ({ name, label: name.replace(/_/g, ' ') }));
  switch (node.kind) {
    case 'trigger':
    case 'delay':
    case 'wait_until':
    case 'goal':
      return [{ name: 'next', label: 'next' }];
    case 'if_else':
      return [
        { name: 'true', label: 'yes' },
        { name: 'false', label: 'no' },
      ];
    case 'wait_for_event':
      return [
        { name: 'event', label: 'happened' },
        { name: 'timeout', label: 'timed out' },
      ];
    case 'switch': {
      const cases = Array.isArray(node.config.cases) ? (node.config.cases as { name: string }[]) : [];
      return [...named(cases.map((c) => c.name)), { name: 'default', label: 'default' }];
    }
    case 'ab_split': {
      const variants = Array.isArray(node.config.variants) ? (node.config.variants as { name: string }[]) : [];
      return named(variants.map((v) => v.name));
    }
    case 'action': {
      const entry = actionEntry(node, catalog);
      const outcomes = entry ? [...entry.outcomes] : [{ name: 'success', label: 'success' }];
      if (!outcomes.some((o) => o.name === 'error')) outcomes.push({ name: 'error', label: 'error' });
      return outcomes;
    }
    case 'goto':
    case 'exit':
      return [];
  }
}

/** Shortens text for a node face. */
export function clip(text: string, length = 38): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/** The key setting of a node in a few words ("Wait 10 minutes", "SMS: Welcome to …"). */
export function summarize(node: WorkflowNode, catalog: CatalogEntry[]): string {
  const c = node.config;
  switch (node.kind) {
    case 'trigger':
      return eventLabel(String(c.event ?? ''));
    case 'delay':
      return `Wait ${describeDuration(String(c.duration ?? ''))}`;
    case 'wait_until':
      if (c.mode === 'datetime') return `Until ${clip(String(c.at ?? ''), 28)}`;
      return typeof c.time_zone === 'string' && c.time_zone ? clip(`Until business hours, ${zoneCity(c.time_zone)} time`) : 'Until business hours';
    case 'wait_for_event':
      return `${eventLabel(String(c.event ?? ''))}, up to ${describeDuration(String(c.timeout ?? ''))}`;
    case 'if_else':
      return describeCondition(c.condition as Condition | undefined);
    case 'switch':
      return `${Array.isArray(c.cases) ? c.cases.length : 0} case(s)`;
    case 'ab_split':
      return Array.isArray(c.variants) ? (c.variants as { name: string; weight: number }[]).map((v) => `${v.name} ${v.weight}`).join(' / ') : '';
    case 'goal':
      return `When ${eventLabel(String(c.event ?? ''))}`;
    case 'goto':
      return c.target ? `Go to ${String(c.target)}` : 'Choose a node';
    case 'exit':
      return 'End';
    case 'action': {
      const entry = actionEntry(node, catalog);
      const input = (c.input ?? {}) as Record<string, unknown>;
      const text = ['body', 'subject', 'prompt', 'url', 'text', 'to'].map((k) => input[k]).find((v) => typeof v === 'string' && v !== '');
      const name = entry ? shortName(entry) : String(c.plugin ?? 'Action');
      return text ? `${name}: ${clip(String(text), 30)}` : name;
    }
  }
}

/** "Send SMS" → "SMS", "Send email" → "Email": the short name shown on a node. */
export function shortName(entry: CatalogEntry): string {
  const stripped = entry.name.replace(/^send\s+/i, '');
  return stripped.charAt(0).toUpperCase() + stripped.slice(1);
}

/** A condition in one line. */
export function describeCondition(condition: Condition | undefined): string {
  if (!condition) return 'No condition';
  if ('all' in condition) return condition.all.map(describeCondition).join(' and ') || 'Always';
  if ('any' in condition) return condition.any.map(describeCondition).join(' or ') || 'Never';
  if ('not' in condition) return `not (${describeCondition(condition.not)})`;
  const left = condition.left.replace(/^\{\{\s*|\s*\}\}$/g, '');
  const right = condition.right === undefined ? '' : ` ${String(condition.right)}`;
  return clip(`${left} ${condition.op.replace(/_/g, ' ')}${right}`, 40);
}
