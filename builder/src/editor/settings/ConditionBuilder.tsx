/** Builds a condition: rules (`left op right`) joined by all/any. */
import type { Condition, Rule } from '../../model/document';
import { TemplateInput } from '../../components/TemplateInput';

export const OPERATORS: [string, string][] = [
  ['equals', 'equals'],
  ['not_equals', 'does not equal'],
  ['contains', 'contains'],
  ['not_contains', 'does not contain'],
  ['starts_with', 'starts with'],
  ['ends_with', 'ends with'],
  ['greater_than', 'is greater than'],
  ['greater_or_equal', 'is at least'],
  ['less_than', 'is less than'],
  ['less_or_equal', 'is at most'],
  ['is_empty', 'is empty'],
  ['is_not_empty', 'is not empty'],
  ['in_list', 'is one of'],
  ['not_in_list', 'is not one of'],
];

const UNARY = new Set(['is_empty', 'is_not_empty']);

/** The rules of a flat all/any group, the shape this builder edits. */
function flatten(condition: Condition | undefined): { join: 'all' | 'any'; rules: Rule[] } {
  if (condition && 'all' in condition && condition.all.every((c) => 'left' in c)) return { join: 'all', rules: condition.all as Rule[] };
  if (condition && 'any' in condition && condition.any.every((c) => 'left' in c)) return { join: 'any', rules: condition.any as Rule[] };
  if (condition && 'left' in condition) return { join: 'all', rules: [condition] };
  return { join: 'all', rules: [] };
}

export function ConditionBuilder({ value, onChange, label }: { value: Condition | undefined; onChange: (c: Condition) => void; label: string }) {
  const { join, rules } = flatten(value);
  const nested = value !== undefined && rules.length === 0 && !('all' in value && value.all.length === 0) && !('any' in value && value.any.length === 0);
  const emit = (j: 'all' | 'any', r: Rule[]) => onChange(j === 'all' ? { all: r } : { any: r });
  const setRule = (i: number, rule: Rule) => emit(join, rules.map((r, k) => (k === i ? rule : r)));
  if (nested) {
    return <p className="hint">This condition has nested groups; edit it in the exported JSON.</p>;
  }
  return (
    <fieldset className="condition">
      <legend>{label}</legend>
      <label>
        Match
        <select value={join} onChange={(e) => emit(e.target.value as 'all' | 'any', rules)}>
          <option value="all">all of these rules</option>
          <option value="any">any of these rules</option>
        </select>
      </label>
      {rules.map((rule, i) => (
        <div key={i} className="rule" role="group" aria-label={`Rule ${i + 1}`}>
          <TemplateInput label={`Rule ${i + 1} value`} value={rule.left} onChange={(left) => setRule(i, { ...rule, left })} />
          <select aria-label={`Rule ${i + 1} comparison`} value={rule.op} onChange={(e) => setRule(i, UNARY.has(e.target.value) ? { left: rule.left, op: e.target.value } : { ...rule, op: e.target.value, right: rule.right ?? '' })}>
            {OPERATORS.map(([op, text]) => (
              <option key={op} value={op}>
                {text}
              </option>
            ))}
          </select>
          {!UNARY.has(rule.op) && (
            <TemplateInput label={`Rule ${i + 1} compared with`} value={String(rule.right ?? '')} onChange={(right) => setRule(i, { ...rule, right })} />
          )}
          <button type="button" onClick={() => emit(join, rules.filter((_, k) => k !== i))} aria-label={`Remove rule ${i + 1}`}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" onClick={() => emit(join, [...rules, { left: '{{contact.status}}', op: 'equals', right: '' }])}>
        Add rule
      </button>
    </fieldset>
  );
}
