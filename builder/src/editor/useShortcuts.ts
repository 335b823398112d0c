/** Editor keyboard shortcuts; ignored while typing in a field (except save). */
import { useEffect, useRef } from 'react';

export interface ShortcutHandlers {
  undo: () => void;
  redo: () => void;
  copy: () => void;
  paste: () => void;
  duplicate: () => void;
  remove: () => void;
  selectAll: () => void;
  save: () => void;
  layout: () => void;
  clear: () => void;
  help: () => void;
}

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || !!el.closest('dialog');
}

export function useShortcuts(handlers: ShortcutHandlers): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const h = ref.current;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === 's') {
        e.preventDefault();
        return h.save();
      }
      if (typing(e.target)) return;
      const run = (fn: () => void) => {
        e.preventDefault();
        fn();
      };
      if (mod && key === 'z' && e.shiftKey) run(h.redo);
      else if (mod && key === 'z') run(h.undo);
      else if (mod && key === 'y') run(h.redo);
      else if (mod && key === 'c') run(h.copy);
      else if (mod && key === 'v') run(h.paste);
      else if (mod && key === 'd') run(h.duplicate);
      else if (mod && key === 'a') run(h.selectAll);
      else if (mod && key === 'l') run(h.layout);
      else if (!mod && (e.key === 'Delete' || e.key === 'Backspace')) run(h.remove);
      else if (e.key === 'Escape') h.clear();
      else if (e.key === '?') run(h.help);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
