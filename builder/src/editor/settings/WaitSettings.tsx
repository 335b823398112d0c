/** Delay, wait-for-event and wait-until (business hours in a chosen time zone, or a date). */
import { useId, useMemo, useState } from 'react';
import { TemplateInput } from '../../components/TemplateInput';
import { allTimeZones, configZone, withZone, zoneOptions } from '../../model/timeZones';
import { DurationPicker, EventSelect, Field } from './Field';
import type { SettingsProps } from './types';

export function DelaySettings({ node, update }: SettingsProps) {
  return <DurationPicker label="Wait for" value={String(node.config.duration ?? '1h')} onChange={(duration) => update({ duration })} />;
}

export function WaitForEventSettings({ node, update }: SettingsProps) {
  const c = node.config as { event: string; timeout: string };
  return (
    <>
      <Field label="Wait for this event">{(id) => <EventSelect id={id} contactOnly value={c.event} onChange={(event) => update({ ...c, event })} />}</Field>
      <DurationPicker label="Give up after" value={c.timeout} onChange={(timeout) => update({ ...c, timeout })} />
    </>
  );
}

const DAYS: [string, string][] = [
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
];

type Windows = Record<string, [string, string][]>;

/** A searchable time-zone picker: a filter box narrowing a select of every IANA zone, with the default first. */
export function TimeZonePicker({
  value,
  onChange,
  defaultLabel,
  defaultHint = "The default uses the contact's zone, else the organisation's.",
}: {
  value: string;
  onChange: (zone: string) => void;
  defaultLabel?: string;
  defaultHint?: string;
}) {
  const zones = useMemo(allTimeZones, []);
  const [query, setQuery] = useState('');
  const options = useMemo(() => zoneOptions(zones, query, value, defaultLabel), [zones, query, value, defaultLabel]);
  const hint = useId();
  return (
    <div className="zone-picker">
      <Field label="Find a time zone">
        {(id) => <input id={id} type="search" placeholder="e.g. Madrid, New York" value={query} onChange={(e) => setQuery(e.target.value)} />}
      </Field>
      <Field label="Time zone">
        {(id) => (
          <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={hint}>
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <p className="hint" id={hint}>
        {options.length - 1} of {zones.length} zones shown. {defaultHint}
      </p>
    </div>
  );
}

export function WaitUntilSettings({ node, update }: SettingsProps) {
  const c = node.config as { mode: string; windows?: Windows; holidays?: string[]; time_zone?: string; at?: string; offset?: string };
  const windows: Windows = c.windows ?? {};
  const setDay = (day: string, value: [string, string][]) => update({ ...c, windows: { ...windows, [day]: value } });
  return (
    <>
      <Field label="Wait until">
        {(id) => (
          <select
            id={id}
            value={c.mode}
            onChange={(e) =>
              update(
                e.target.value === 'datetime'
                  ? { mode: 'datetime', at: '{{trigger.class_start}}' }
                  : { mode: 'business_hours', windows: { mon: [['09:00', '17:00']] }, holidays: [] },
              )
            }
          >
            <option value="business_hours">The studio is open</option>
            <option value="datetime">A date and time</option>
          </select>
        )}
      </Field>
      {c.mode === 'business_hours' ? (
        <fieldset className="hours">
          <legend>Opening hours</legend>
          <TimeZonePicker value={configZone(c)} onChange={(zone) => update(withZone(c, zone))} />
          {DAYS.map(([day, name]) => {
            const w = windows[day]?.[0];
            return (
              <div key={day} className="hours-row">
                <label>
                  <input type="checkbox" checked={!!w} onChange={(e) => setDay(day, e.target.checked ? [['09:00', '17:00']] : [])} />
                  {name}
                </label>
                {w && (
                  <>
                    <input type="time" aria-label={`${name} opens`} value={w[0]} onChange={(e) => setDay(day, [[e.target.value, w[1]]])} />
                    <input type="time" aria-label={`${name} closes`} value={w[1]} onChange={(e) => setDay(day, [[w[0], e.target.value]])} />
                  </>
                )}
              </div>
            );
          })}
          <Field label="Closed dates (YYYY-MM-DD, comma separated)">
            {(id) => (
              <input
                id={id}
                value={(c.holidays ?? []).join(', ')}
                onChange={(e) => update({ ...c, holidays: e.target.value.split(',').map((s) => s.trim()).filter(Boolean) })}
              />
            )}
          </Field>
        </fieldset>
      ) : (
        <>
          <Field label="Date and time (RFC 3339, or a variable)">
            {(id) => <TemplateInput id={id} value={c.at ?? ''} onChange={(at) => update({ ...c, at })} />}
          </Field>
          <Field label="Shift (e.g. -2h)">
            {(id) => <input id={id} value={c.offset ?? ''} onChange={(e) => update(e.target.value ? { ...c, offset: e.target.value } : { mode: c.mode, at: c.at })} />}
          </Field>
        </>
      )}
    </>
  );
}
