import { describe, expect, it } from 'vitest';
import type { WorkflowNode } from '../src/model/document';
import { summarize } from '../src/model/kinds';
import { allTimeZones, configZone, DEFAULT_ZONE, DEFAULT_ZONE_LABEL, withZone, zoneCity, zoneLabel, zoneOptions } from '../src/model/timeZones';

const ZONES = ['America/Argentina/Buenos_Aires', 'America/New_York', 'Asia/Tokyo', 'Europe/London', 'Europe/Madrid', 'UTC'];

describe('time-zone picker', () => {
  it('lists every IANA zone the runtime knows, with UTC', () => {
    const zones = allTimeZones();
    expect(zones.length).toBeGreaterThan(300);
    expect(zones).toContain('Europe/Madrid');
    expect(zones).toContain('UTC');
    expect([...zones].sort()).toEqual(zones);
    expect(new Set(zones).size).toBe(zones.length);
  });

  it('offers the default first, then the zones matching every word', () => {
    const all = zoneOptions(ZONES, '', DEFAULT_ZONE);
    expect(all[0]).toEqual({ value: '', label: DEFAULT_ZONE_LABEL });
    expect(all.slice(1).map((o) => o.value)).toEqual(ZONES);
    expect(zoneOptions(ZONES, 'new york', '').map((o) => o.value)).toEqual(['', 'America/New_York']);
    expect(zoneOptions(ZONES, 'EUROPE', '').map((o) => o.value)).toEqual(['', 'Europe/London', 'Europe/Madrid']);
    expect(zoneOptions(ZONES, 'america buenos', '').map((o) => o.value)).toEqual(['', 'America/Argentina/Buenos_Aires']);
    expect(zoneOptions(ZONES, 'tokyo', '', 'UTC (default)')).toEqual([
      { value: DEFAULT_ZONE, label: 'UTC (default)' },
      { value: 'Asia/Tokyo', label: 'Asia / Tokyo' },
    ]);
    expect(zoneOptions(ZONES, 'atlantis', '').map((o) => o.value)).toEqual(['']);
  });

  it('always offers the current zone, even when filtered out or unknown here', () => {
    expect(zoneOptions(ZONES, 'tokyo', 'Europe/Madrid').map((o) => o.value)).toEqual(['', 'Europe/Madrid', 'Asia/Tokyo']);
    expect(zoneOptions(ZONES, '', 'Asia/Calcutta').map((o) => o.value)).toContain('Asia/Calcutta');
  });

  it('labels zones for reading', () => {
    expect(zoneLabel('America/Argentina/Buenos_Aires')).toBe('America / Argentina / Buenos Aires');
    expect(zoneCity('America/New_York')).toBe('New York');
    expect(zoneCity('UTC')).toBe('UTC');
  });

  it('maps the choice to the `time_zone` field and back', () => {
    const config = { mode: 'business_hours', windows: { mon: [['09:00', '17:00']] }, holidays: [] };
    expect(configZone(config)).toBe(DEFAULT_ZONE);
    const madrid = withZone(config, 'Europe/Madrid');
    expect(madrid).toEqual({ ...config, time_zone: 'Europe/Madrid' });
    expect(configZone(madrid)).toBe('Europe/Madrid');
    expect(config).not.toHaveProperty('time_zone');
    const back = withZone(madrid, DEFAULT_ZONE);
    expect(back).toEqual(config);
    expect(back).not.toHaveProperty('time_zone');
  });

  it('the node shows the zone when one is set', () => {
    const node: WorkflowNode = { id: 'open', kind: 'wait_until', position: { x: 0, y: 0 }, config: { mode: 'business_hours', windows: {} } };
    expect(summarize(node, [])).toBe('Until business hours');
    expect(summarize({ ...node, config: { ...node.config, time_zone: 'America/New_York' } }, [])).toBe('Until business hours, New York time');
  });
});
