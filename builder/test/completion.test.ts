import { describe, expect, it } from 'vitest';
import { insertVariable, matchVariables, openTemplateAt } from '../src/model/completion';
import type { Variable } from '../src/model/scope';

const vars: Variable[] = [
  { path: 'contact.first_name', group: 'Contact' },
  { path: 'contact.phone', group: 'Contact' },
  { path: 'trigger.source', group: 'Trigger' },
  { path: 'steps.sms_1.output.first', group: 'Steps' },
];

describe('template autocomplete', () => {
  it('opens after {{ and closes after }}', () => {
    expect(openTemplateAt('Hi {{', 5)).toEqual({ start: 3, query: '' });
    expect(openTemplateAt('Hi {{ cont', 10)).toEqual({ start: 3, query: 'cont' });
    expect(openTemplateAt('Hi {{contact.phone}} ', 21)).toBeNull();
    expect(openTemplateAt('Hi there', 8)).toBeNull();
    expect(openTemplateAt('{{a b', 5)).toBeNull();
  });

  it('ranks prefix matches before partial ones', () => {
    expect(matchVariables(vars, 'first').map((v) => v.path)).toEqual(['contact.first_name', 'steps.sms_1.output.first']);
    expect(matchVariables(vars, 'contact.').length).toBe(2);
    expect(matchVariables(vars, '').length).toBe(4);
  });

  it('inserts the variable, closing the braces once', () => {
    const open = openTemplateAt('Hi {{fi', 7)!;
    expect(insertVariable('Hi {{fi', 7, open, 'contact.first_name')).toEqual({ text: 'Hi {{contact.first_name}}', caret: 25 });
    const open2 = openTemplateAt('Hi {{fi}}!', 7)!;
    expect(insertVariable('Hi {{fi}}!', 7, open2, 'contact.first_name').text).toBe('Hi {{contact.first_name}}!');
  });

  it('leaves a path ending in a dot open for more typing', () => {
    const open = openTemplateAt('{{cu', 4)!;
    expect(insertVariable('{{cu', 4, open, 'contact.custom.')).toEqual({ text: '{{contact.custom.', caret: 17 });
  });
});
