/** Pure helpers for workflow analytics: ranges, rates, formatting and the series chart's geometry. */
import type { ErrorCategory, ExecutionTotals, NodeAnalytics, SeriesPoint } from '../api/types';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** The ranges the analytics view offers. */
export const RANGES = [
  { id: '24h', label: 'Last 24 hours', span: DAY_MS, bucket: 'hour' },
  { id: '7d', label: 'Last 7 days', span: 7 * DAY_MS, bucket: 'hour' },
  { id: '30d', label: 'Last 30 days', span: 30 * DAY_MS, bucket: 'day' },
  { id: '90d', label: 'Last 90 days', span: 90 * DAY_MS, bucket: 'day' },
] as const;

export type RangeId = (typeof RANGES)[number]['id'];

/** The analytics query string of a range ending at `now`. */
export function rangeQuery(id: RangeId, now: number): string {
  const range = RANGES.find((r) => r.id === id) ?? RANGES[1];
  return new URLSearchParams({ from: String(now - range.span), to: String(now), bucket: range.bucket }).toString();
}

/** `part / whole`, or null when there is no whole. */
export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** Share of the executions entered in the range that completed, and that failed. */
export function executionRates(e: ExecutionTotals): { completion: number | null; failure: number | null } {
  return { completion: ratio(e.completed, e.entered), failure: ratio(e.failed, e.entered) };
}

/** `0.4567` → `45.7%`; whole numbers without a decimal; `—` when absent. */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const pct = value * 100;
  const rounded = Math.round(pct * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}%`;
}

/** `1234` → `1,234`; `1234567` → `1.2M`. */
export function formatCount(n: number): string {
  if (Math.abs(n) >= 1_000_000) return `${(n / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
  return n.toLocaleString('en-US');
}

/** A duration in ms for people: `850 ms`, `2.4 s`, `3 min`, `5.5 h`, `2 d`. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const trim = (n: number) => n.toFixed(1).replace(/\.0$/, '');
  if (ms < 60_000) return `${trim(ms / 1000)} s`;
  if (ms < HOUR_MS) return `${trim(ms / 60_000)} min`;
  if (ms < DAY_MS) return `${trim(ms / HOUR_MS)} h`;
  return `${trim(ms / DAY_MS)} d`;
}

/** A p-value for people: `p < 0.001`, `p = 0.042`; `—` when undefined. */
export function formatPValue(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return '—';
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

/** A signed difference of rates in percentage points: `+12.5 pts`. */
export function formatDifference(d: number): string {
  const pts = Math.round(d * 1000) / 10;
  return `${pts > 0 ? '+' : pts < 0 ? '−' : '±'}${Math.abs(pts).toFixed(1)} pts`;
}

const CATEGORY_LABELS: Record<ErrorCategory, string> = {
  provider_rejected: 'Provider rejected the request',
  provider_unavailable: 'Provider unavailable',
  rate_limited: 'Rate limited',
  sandbox_limit: 'Sandbox limit reached',
  permission_denied: 'Permission or consent denied',
  invalid_input: 'Invalid input',
  other: 'Other errors',
};

/** The label of an error category. */
export function categoryLabel(category: string): string {
  return CATEGORY_LABELS[category as ErrorCategory] ?? category.replace(/_/g, ' ');
}

/** The start of a bucket as axis or table text, in the viewer's time zone. */
export function bucketLabel(start: number, bucket: 'hour' | 'day'): string {
  const d = new Date(start);
  const date = d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });
  return bucket === 'day' ? date : `${date} ${d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}`;
}

/** The metrics the chart draws. */
export const SERIES_METRICS = [
  { key: 'entered', label: 'Entered' },
  { key: 'completed', label: 'Completed' },
  { key: 'failed', label: 'Failed' },
  { key: 'goals_reached', label: 'Goals reached' },
] as const;

export type SeriesMetric = (typeof SERIES_METRICS)[number]['key'];

/** A "nice" axis maximum at or above `max`: 1, 2, 5 × 10ⁿ (at least 1). */
export function niceMax(max: number): number {
  if (max <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/** The chart's geometry: one polyline per metric, y-axis ticks and x labels, in a `width` × `height` plot area. */
export interface ChartGeometry {
  max: number;
  lines: { key: SeriesMetric; points: string; total: number }[];
  yTicks: { value: number; y: number }[];
  xLabels: { x: number; text: string }[];
}

export function chartGeometry(series: SeriesPoint[], bucket: 'hour' | 'day', width: number, height: number, labelCount = 6): ChartGeometry {
  const peak = Math.max(0, ...series.flatMap((p) => SERIES_METRICS.map((m) => p[m.key])));
  const max = niceMax(peak);
  const n = series.length;
  const x = (i: number) => (n <= 1 ? width / 2 : (i / (n - 1)) * width);
  const y = (v: number) => height - (v / max) * height;
  const round = (v: number) => Math.round(v * 10) / 10;
  const lines = SERIES_METRICS.map((m) => ({
    key: m.key,
    points: series.map((p, i) => `${round(x(i))},${round(y(p[m.key]))}`).join(' '),
    total: series.reduce((sum, p) => sum + p[m.key], 0),
  }));
  const yTicks = [0, max / 2, max].filter((v, i, all) => Number.isInteger(v) && all.indexOf(v) === i).map((value) => ({ value, y: round(y(value)) }));
  const step = Math.max(1, Math.ceil(n / labelCount));
  const xLabels: ChartGeometry['xLabels'] = [];
  for (let i = 0; i < n; i += step) xLabels.push({ x: round(x(i)), text: bucketLabel(series[i].start, bucket) });
  return { max, lines, yTicks, xLabels };
}

/** Node figures by node id, for the canvas. */
export function statsByNode(nodes: NodeAnalytics[]): Map<string, NodeAnalytics> {
  return new Map(nodes.map((n) => [n.node_id, n]));
}

/** A node's figures in a few words for its canvas card: `12 runs · 2 failed · 1 waiting`. */
export function nodeStatsText(n: NodeAnalytics): string {
  const parts = [`${formatCount(n.entered)} run${n.entered === 1 ? '' : 's'}`];
  if (n.failed > 0) parts.push(`${formatCount(n.failed)} failed`);
  if (n.waiting_now > 0) parts.push(`${formatCount(n.waiting_now)} waiting`);
  return parts.join(' · ');
}
