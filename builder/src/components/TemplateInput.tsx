/**
 * A text field with `{{ variable }}` autocomplete: typing `{{` lists the
 * variables valid at this node (an ARIA combobox; arrows, Enter or Tab pick,
 * Escape closes).
 */
import { useId, useRef, useState } from 'react';
import { insertVariable, matchVariables, openTemplateAt, type OpenTemplate } from '../model/completion';
import { useVariables } from './variables';

interface Props {
  id?: string;
  value: string;
  onChange: (value: string) => void;
  multiline?: boolean;
  rows?: number;
  placeholder?: string;
  required?: boolean;
  disabled?: boolean;
  invalid?: boolean;
  describedBy?: string;
  label?: string;
  onBlur?: () => void;
}

export function TemplateInput(props: Props) {
  const variables = useVariables();
  const listId = useId();
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const [open, setOpen] = useState<OpenTemplate | null>(null);
  const [active, setActive] = useState(0);
  const options = open ? matchVariables(variables, open.query) : [];
  const expanded = open !== null && options.length > 0;

  function refresh(text: string, caret: number | null) {
    const found = caret === null ? null : openTemplateAt(text, caret);
    setOpen(found);
    setActive(0);
  }

  function pick(index: number) {
    const el = ref.current;
    if (!el || !open) return;
    const caret = el.selectionStart ?? props.value.length;
    const result = insertVariable(props.value, caret, open, options[index].path);
    props.onChange(result.text);
    setOpen(result.text.endsWith('.') ? openTemplateAt(result.text, result.caret) : null);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(result.caret, result.caret);
    });
  }

  function onKeyDown(e: React.KeyboardEvent) {
    if (!expanded) return;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => (a + 1) % options.length);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => (a - 1 + options.length) % options.length);
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      pick(active);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setOpen(null);
    }
  }

  const common = {
    id: props.id,
    ref,
    value: props.value,
    placeholder: props.placeholder,
    required: props.required,
    disabled: props.disabled,
    'aria-label': props.label,
    'aria-invalid': props.invalid || undefined,
    'aria-describedby': props.describedBy,
    role: 'combobox',
    'aria-autocomplete': 'list' as const,
    'aria-expanded': expanded,
    'aria-controls': listId,
    'aria-activedescendant': expanded ? `${listId}-${active}` : undefined,
    spellCheck: false,
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      props.onChange(e.target.value);
      refresh(e.target.value, e.target.selectionStart);
    },
    onKeyDown,
    onKeyUp: (e: React.KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) refresh(e.currentTarget.value, e.currentTarget.selectionStart);
    },
    onBlur: () => {
      setTimeout(() => setOpen(null), 150);
      props.onBlur?.();
    },
  };

  return (
    <div className="template-input">
      {props.multiline ? <textarea rows={props.rows ?? 3} {...common} /> : <input type="text" {...common} />}
      <ul id={listId} role="listbox" className="completions" hidden={!expanded} aria-label="Variables">
        {options.map((v, i) => (
          <li
            key={v.path}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'active' : undefined}
            onMouseDown={(e) => {
              e.preventDefault();
              pick(i);
            }}
          >
            <span className="var-path">{v.path}</span>
            <span className="var-group">{v.detail ?? v.group}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
