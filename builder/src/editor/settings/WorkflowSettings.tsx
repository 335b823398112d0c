/** Workflow-wide settings: tags, re-entry, stop on reply, quiet hours. */
import type { WorkflowDocument } from '../../model/document';
import { Field } from './Field';

interface Props {
  doc: WorkflowDocument;
  apply: (change: (doc: WorkflowDocument) => WorkflowDocument, mergeKey?: string) => void;
}

export function WorkflowSettings({ doc, apply }: Props) {
  const settings = (doc.settings ?? {}) as { reentry?: { policy: string; days?: number }; stop_on_reply?: boolean; quiet_hours?: { start: string; end: string } | null };
  const set = (patch: Record<string, unknown>, key?: string) => apply((d) => ({ ...d, settings: { ...(d.settings ?? {}), ...patch } }), key);
  const reentry = settings.reentry ?? { policy: 'never' };
  const quiet = settings.quiet_hours ?? null;
  return (
    <div className="stack">
      <h2>Workflow settings</h2>
      <p className="hint">Select a step on the canvas to edit it.</p>
      <Field label="Tags (comma separated)">
        {(id) => (
          <input
            id={id}
            value={(doc.tags ?? []).join(', ')}
            onChange={(e) => {
              const tags = e.target.value.split(',').map((t) => t.trim()).filter(Boolean);
              apply((d) => ({ ...d, tags }), 'tags');
            }}
          />
        )}
      </Field>
      <Field label="A contact may enter again">
        {(id) => (
          <select
            id={id}
            value={reentry.policy}
            onChange={(e) => set({ reentry: e.target.value === 'after_days' ? { policy: 'after_days', days: 30 } : { policy: e.target.value } })}
          >
            <option value="never">Never</option>
            <option value="always">Every time</option>
            <option value="after_days">After some days</option>
          </select>
        )}
      </Field>
      {reentry.policy === 'after_days' && (
        <Field label="Days between entries">
          {(id) => <input id={id} type="number" min={1} value={reentry.days ?? 30} onChange={(e) => set({ reentry: { policy: 'after_days', days: Number(e.target.value) } }, 'reentry')} />}
        </Field>
      )}
      <label className="check">
        <input type="checkbox" checked={!!settings.stop_on_reply} onChange={(e) => set({ stop_on_reply: e.target.checked })} />
        Stop when the contact replies
      </label>
      <label className="check">
        <input type="checkbox" checked={quiet !== null} onChange={(e) => set({ quiet_hours: e.target.checked ? { start: '21:00', end: '08:00' } : null })} />
        Hold messages during quiet hours
      </label>
      {quiet && (
        <div className="row">
          <label>
            Quiet from
            <input type="time" value={quiet.start} onChange={(e) => set({ quiet_hours: { ...quiet, start: e.target.value } })} />
          </label>
          <label>
            until
            <input type="time" value={quiet.end} onChange={(e) => set({ quiet_hours: { ...quiet, end: e.target.value } })} />
          </label>
        </div>
      )}
    </div>
  );
}
