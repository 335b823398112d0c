/** Durations as the host writes them (`10m`, `1h30m`, `2d`) and as people read them. */

const UNITS: [string, string, number][] = [
  ['w', 'week', 604_800],
  ['d', 'day', 86_400],
  ['h', 'hour', 3_600],
  ['m', 'minute', 60],
  ['s', 'second', 1],
];

/** Seconds in a duration text, or `null` when it is not one. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (!/^(\d+[wdhms])+$/.test(trimmed)) return null;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)([wdhms])/g)) {
    total += Number(amount) * UNITS.find(([u]) => u === unit)![2];
  }
  return total;
}

/** `10m` → `10 minutes`; text that is not a duration is returned as it is. */
export function describeDuration(text: string): string {
  if (parseDuration(text) === null) return text;
  return [...text.trim().matchAll(/(\d+)([wdhms])/g)]
    .map(([, amount, unit]) => {
      const name = UNITS.find(([u]) => u === unit)![1];
      return `${amount} ${name}${amount === '1' ? '' : 's'}`;
    })
    .join(' ');
}

/** A duration text from an amount and a unit letter. */
export function formatDuration(amount: number, unit: string): string {
  return `${Math.max(0, Math.floor(amount))}${unit}`;
}

/** Splits a single-unit duration into amount and unit for a picker. */
export function splitDuration(text: string): { amount: number; unit: string } {
  const match = /^(\d+)([wdhms])$/.exec(text.trim());
  return match ? { amount: Number(match[1]), unit: match[2] } : { amount: 10, unit: 'm' };
}

/** Units offered in pickers. */
export const DURATION_UNITS = UNITS.filter(([u]) => u !== 's').map(([unit, name]) => ({ unit, name }));
