/** Labelled form controls shared by the node settings. */
import { useId, type ReactNode } from 'react';
import { DURATION_UNITS, formatDuration, splitDuration } from '../../model/duration';
import { TRIGGER_EVENTS } from '../../model/triggers';

/** A label above its control. */
export function Field({ label, children, hint }: { label: string; children: (id: string) => ReactNode; hint?: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {hint && <p className="hint">{hint}</p>}
    </div>
  );
}

/** A duration as an amount and a unit (`10m`). */
export function DurationPicker({ label, value, onChange }: { label: string; value: string; onChange: (v: string) => void }) {
  const { amount, unit } = splitDuration(value);
  const id = useId();
  return (
    <fieldset className="duration">
      <legend>{label}</legend>
      <label htmlFor={`${id}-n`} className="visually-hidden">
        {label} amount
      </label>
      <input id={`${id}-n`} type="number" min={1} value={amount} onChange={(e) => onChange(formatDuration(Number(e.target.value), unit))} />
      <label htmlFor={`${id}-u`} className="visually-hidden">
        {label} unit
      </label>
      <select id={`${id}-u`} value={unit} onChange={(e) => onChange(formatDuration(amount, e.target.value))}>
        {DURATION_UNITS.map((u) => (
          <option key={u.unit} value={u.unit}>
            {u.name}s
          </option>
        ))}
      </select>
    </fieldset>
  );
}

/** A CRM event picker. */
export function EventSelect({ id, value, onChange, contactOnly }: { id: string; value: string; onChange: (v: string) => void; contactOnly?: boolean }) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
      {TRIGGER_EVENTS.filter((e) => !contactOnly || e.event !== 'schedule').map((e) => (
        <option key={e.event} value={e.event}>
          {e.label}
        </option>
      ))}
    </select>
  );
}
