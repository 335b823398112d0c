/** A trigger: the event, and the field that event needs (tag, days before expiry, form, cron). */
import { triggerEvent } from '../../model/triggers';
import { EventSelect, Field } from './Field';
import type { SettingsProps } from './types';

export function TriggerSettings({ node, update }: SettingsProps) {
  const event = String(node.config.event ?? 'lead_created');
  const info = triggerEvent(event);
  const set = (patch: Record<string, unknown>) => update({ event, ...patch });
  return (
    <>
      <Field label="When this happens">
        {(id) => (
          <EventSelect
            id={id}
            value={event}
            onChange={(e) => {
              const needs = triggerEvent(e)?.needs;
              update({
                event: e,
                ...(needs === 'tag' ? { tag: '' } : {}),
                ...(needs === 'days_before' ? { days_before: 7 } : {}),
                ...(needs === 'cron' ? { cron: '0 9 * * 1' } : {}),
              });
            }}
          />
        )}
      </Field>
      {info?.needs === 'tag' && (
        <Field label="Tag">{(id) => <input id={id} value={String(node.config.tag ?? '')} onChange={(e) => set({ tag: e.target.value })} />}</Field>
      )}
      {info?.needs === 'days_before' && (
        <Field label="Days before expiry">
          {(id) => <input id={id} type="number" min={1} max={365} value={Number(node.config.days_before ?? 7)} onChange={(e) => set({ days_before: Number(e.target.value) })} />}
        </Field>
      )}
      {info?.needs === 'form_id' && (
        <Field label="Only this form (empty: any form)">
          {(id) => (
            <input id={id} value={String(node.config.form_id ?? '')} onChange={(e) => set(e.target.value ? { form_id: e.target.value } : {})} />
          )}
        </Field>
      )}
      {info?.needs === 'cron' && (
        <Field label="Schedule (cron, organisation time zone)" hint="Five fields: minute hour day month weekday, e.g. 0 9 * * 1">
          {(id) => <input id={id} value={String(node.config.cron ?? '')} onChange={(e) => set({ cron: e.target.value })} />}
        </Field>
      )}
      {info && (
        <p className="hint">
          Provides {info.fields === null ? 'whatever the sender posts' : ['event', 'occurred_at', ...info.fields].map((f) => `trigger.${f}`).join(', ')}.
        </p>
      )}
    </>
  );
}
