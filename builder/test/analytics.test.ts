import { describe, expect, it } from 'vitest';
import type { NodeAnalytics, SeriesPoint } from '../src/api/types';
import {
  categoryLabel,
  chartGeometry,
  DAY_MS,
  executionRates,
  formatCount,
  formatDifference,
  formatMs,
  formatPercent,
  formatPValue,
  HOUR_MS,
  niceMax,
  nodeStatsText,
  rangeQuery,
  statsByNode,
} from '../src/model/analytics';

const point = (start: number, entered: number, completed = 0, failed = 0, goals_reached = 0): SeriesPoint => ({ start, entered, completed, failed, cancelled: 0, goals_reached });
const node = (over: Partial<NodeAnalytics>): NodeAnalytics => ({
  node_id: 'sms',
  entered: 0,
  completed: 0,
  failed: 0,
  skipped: 0,
  retried: 0,
  waiting_now: 0,
  success_rate: null,
  duration: null,
  fuel: null,
  ...over,
});

describe('ranges', () => {
  it('end now and pick the bucket of the range', () => {
    const now = 100 * DAY_MS;
    expect(Object.fromEntries(new URLSearchParams(rangeQuery('24h', now)))).toEqual({ from: String(now - DAY_MS), to: String(now), bucket: 'hour' });
    expect(new URLSearchParams(rangeQuery('30d', now)).get('bucket')).toBe('day');
    expect(new URLSearchParams(rangeQuery('90d', now)).get('from')).toBe(String(now - 90 * DAY_MS));
  });
});

describe('rates and formatting', () => {
  it('completion and failure rates are shares of the executions entered', () => {
    expect(executionRates({ entered: 4, completed: 3, failed: 1, cancelled: 0, waiting_now: 0, success_rate: 0.75 })).toEqual({ completion: 0.75, failure: 0.25 });
    expect(executionRates({ entered: 0, completed: 0, failed: 0, cancelled: 0, waiting_now: 2, success_rate: null })).toEqual({ completion: null, failure: null });
  });

  it('percentages, counts, durations, p-values and differences', () => {
    expect(formatPercent(0.75)).toBe('75%');
    expect(formatPercent(2 / 3)).toBe('66.7%');
    expect(formatPercent(null)).toBe('—');
    expect(formatCount(1234)).toBe('1,234');
    expect(formatCount(2_500_000)).toBe('2.5M');
    expect(formatMs(850)).toBe('850 ms');
    expect(formatMs(2400)).toBe('2.4 s');
    expect(formatMs(3 * 60_000)).toBe('3 min');
    expect(formatMs(5.5 * HOUR_MS)).toBe('5.5 h');
    expect(formatMs(2 * DAY_MS)).toBe('2 d');
    expect(formatMs(null)).toBe('—');
    expect(formatPValue(0.0421)).toBe('p = 0.042');
    expect(formatPValue(0.00001)).toBe('p < 0.001');
    expect(formatPValue(null)).toBe('—');
    expect(formatDifference(0.125)).toBe('+12.5 pts');
    expect(formatDifference(-0.05)).toBe('−5.0 pts');
    expect(formatDifference(0)).toBe('±0.0 pts');
  });

  it('error categories have labels, unknown ones are readable', () => {
    expect(categoryLabel('rate_limited')).toBe('Rate limited');
    expect(categoryLabel('brand_new_thing')).toBe('brand new thing');
  });
});

describe('series chart geometry', () => {
  it('rounds the axis up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 7, 10, 11, 45, 120].map(niceMax)).toEqual([1, 1, 5, 10, 10, 20, 50, 200]);
  });

  it('maps every bucket to a point of each metric, scaled to the plot', () => {
    const series = [point(0, 0), point(HOUR_MS, 4, 3, 1, 2), point(2 * HOUR_MS, 2, 2)];
    const g = chartGeometry(series, 'hour', 200, 100);
    expect(g.max).toBe(5);
    const entered = g.lines.find((l) => l.key === 'entered')!;
    expect(entered.points).toBe('0,100 100,20 200,60');
    expect(entered.total).toBe(6);
    expect(g.lines.find((l) => l.key === 'failed')!.points).toBe('0,100 100,80 200,100');
    expect(g.lines.find((l) => l.key === 'goals_reached')!.total).toBe(2);
    expect(g.yTicks.map((t) => t.value)).toEqual([0, 5]);
  });

  it('labels at most about `labelCount` buckets and centres a single point', () => {
    const series = Array.from({ length: 168 }, (_, i) => point(i * HOUR_MS, i % 3));
    const g = chartGeometry(series, 'hour', 700, 100, 6);
    expect(g.xLabels.length).toBeLessThanOrEqual(6);
    expect(g.xLabels[0].x).toBe(0);
    const one = chartGeometry([point(0, 1)], 'day', 300, 100);
    expect(one.lines[0].points).toBe('150,0');
    expect(one.yTicks.map((t) => t.value)).toEqual([0, 1]);
  });
});

describe('node figures on the canvas', () => {
  it('are keyed by node id and summarised in a few words', () => {
    const byId = statsByNode([node({ node_id: 'a', entered: 1 }), node({ node_id: 'b', entered: 12, failed: 2, waiting_now: 1 })]);
    expect(nodeStatsText(byId.get('a')!)).toBe('1 run');
    expect(nodeStatsText(byId.get('b')!)).toBe('12 runs · 2 failed · 1 waiting');
  });
});
