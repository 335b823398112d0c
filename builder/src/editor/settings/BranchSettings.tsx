/** If/else, switch cases, A/B variants, goals and go-to targets. */
import type { Condition } from '../../model/document';
import { ConditionBuilder } from './ConditionBuilder';
import { EventSelect, Field } from './Field';
import type { SettingsProps } from './types';

export function IfElseSettings({ node, update }: SettingsProps) {
  return <ConditionBuilder label="Go down “yes” when" value={node.config.condition as Condition} onChange={(condition) => update({ condition })} />;
}

export function SwitchSettings({ node, update }: SettingsProps) {
  const cases = (node.config.cases ?? []) as { name: string; condition: Condition }[];
  const set = (next: typeof cases) => update({ cases: next });
  return (
    <>
      {cases.map((c, i) => (
        <section key={i} className="case">
          <Field label={`Case ${i + 1} name (its outcome)`}>
            {(id) => <input id={id} value={c.name} onChange={(e) => set(cases.map((x, k) => (k === i ? { ...x, name: e.target.value } : x)))} />}
          </Field>
          <ConditionBuilder label={`Case ${i + 1} applies when`} value={c.condition} onChange={(condition) => set(cases.map((x, k) => (k === i ? { ...x, condition } : x)))} />
          <button type="button" onClick={() => set(cases.filter((_, k) => k !== i))}>
            Remove case {i + 1}
          </button>
        </section>
      ))}
      <button type="button" onClick={() => set([...cases, { name: `case_${cases.length + 1}`, condition: { all: [] } }])}>
        Add case
      </button>
      <p className="hint">Contacts matching no case follow “default”.</p>
    </>
  );
}

export function AbSplitSettings({ node, update }: SettingsProps) {
  const variants = (node.config.variants ?? []) as { name: string; weight: number }[];
  const set = (next: typeof variants) => update({ variants: next });
  const total = variants.reduce((s, v) => s + (Number(v.weight) || 0), 0);
  return (
    <>
      {variants.map((v, i) => (
        <div key={i} className="variant" role="group" aria-label={`Path ${i + 1}`}>
          <label>
            Path name
            <input value={v.name} onChange={(e) => set(variants.map((x, k) => (k === i ? { ...x, name: e.target.value } : x)))} />
          </label>
          <label>
            Weight
            <input type="number" min={1} max={100} value={v.weight} onChange={(e) => set(variants.map((x, k) => (k === i ? { ...x, weight: Number(e.target.value) } : x)))} />
          </label>
          <span className="muted">{total ? Math.round((v.weight / total) * 100) : 0}%</span>
          <button type="button" onClick={() => set(variants.filter((_, k) => k !== i))} aria-label={`Remove path ${v.name}`}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" onClick={() => set([...variants, { name: String.fromCharCode(97 + variants.length), weight: 50 }])}>
        Add path
      </button>
    </>
  );
}

export function GoalSettings({ node, update }: SettingsProps) {
  const c = node.config as { event: string; condition?: Condition };
  return (
    <>
      <Field label="Reached when this happens">{(id) => <EventSelect id={id} contactOnly value={c.event} onChange={(event) => update({ ...c, event })} />}</Field>
      <ConditionBuilder
        label="And (optional)"
        value={c.condition}
        onChange={(condition) => update('all' in condition && condition.all.length === 0 ? { event: c.event } : { ...c, condition })}
      />
    </>
  );
}

export function GotoSettings({ node, doc, update }: SettingsProps) {
  return (
    <Field label="Continue at">
      {(id) => (
        <select id={id} value={String(node.config.target ?? '')} onChange={(e) => update({ target: e.target.value })}>
          <option value="">Choose a step…</option>
          {doc.nodes
            .filter((n) => n.id !== node.id && n.kind !== 'trigger')
            .map((n) => (
              <option key={n.id} value={n.id}>
                {n.id}
              </option>
            ))}
        </select>
      )}
    </Field>
  );
}
