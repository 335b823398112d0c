/** Time zones for waits: the IANA names the browser knows, filtered for the picker, and the node's `time_zone` field. */

/** The picker value meaning "no `time_zone` field": the contact's zone, else the organisation's. */
export const DEFAULT_ZONE = '';

/** The label of the default choice. */
export const DEFAULT_ZONE_LABEL = "Contact's time zone (default)";

/** One choice of the picker. */
export interface ZoneOption {
  value: string;
  label: string;
}

/** Every IANA zone this browser knows, sorted, with `UTC` (which some engines leave out). */
export function allTimeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: 'timeZone') => string[] };
  const zones = intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : [];
  return [...new Set([...zones, 'UTC'])].sort();
}

/** `America/Argentina/Buenos_Aires` → `America / Argentina / Buenos Aires`: a zone as people read it. */
export function zoneLabel(zone: string): string {
  return zone.replace(/_/g, ' ').split('/').join(' / ');
}

/** The city part of a zone (`Europe/Madrid` → `Madrid`), for the node face. */
export function zoneCity(zone: string): string {
  return (zone.split('/').pop() ?? zone).replace(/_/g, ' ');
}

const squash = (text: string) => text.toLowerCase().replace(/[\s_/]+/g, ' ').trim();

/**
 * The picker's options for a search: the default first, then every zone whose
 * name holds each word of the query (spaces, `_` and `/` alike). The current
 * value is always offered, even when the search or this browser would hide it,
 * so a select never shows a value it does not list. `defaultLabel` names the
 * default choice where it means something else than the contact's zone.
 */
export function zoneOptions(zones: string[], query: string, current: string, defaultLabel: string = DEFAULT_ZONE_LABEL): ZoneOption[] {
  const words = squash(query).split(' ').filter(Boolean);
  const matching = zones.filter((zone) => {
    const name = squash(zone);
    return words.every((word) => name.includes(word));
  });
  if (current !== DEFAULT_ZONE && !matching.includes(current)) matching.unshift(current);
  return [{ value: DEFAULT_ZONE, label: defaultLabel }, ...matching.map((zone) => ({ value: zone, label: zoneLabel(zone) }))];
}

/** A wait's `time_zone`, or the default when it has none. */
export function configZone(config: Record<string, unknown>): string {
  return typeof config.time_zone === 'string' ? config.time_zone : DEFAULT_ZONE;
}

/** The config with `time_zone` set to `zone`, or without the field for the default. */
export function withZone<T extends Record<string, unknown>>(config: T, zone: string): T {
  const next: Record<string, unknown> = { ...config };
  if (zone === DEFAULT_ZONE) delete next.time_zone;
  else next.time_zone = zone;
  return next as T;
}
