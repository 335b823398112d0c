/** The keyboard shortcuts. */
import { Dialog } from '../components/Dialog';

export const SHORTCUTS: [string, string][] = [
  ['Ctrl+Z', 'Undo'],
  ['Ctrl+Shift+Z or Ctrl+Y', 'Redo'],
  ['Ctrl+C / Ctrl+V', 'Copy / paste the selected steps'],
  ['Ctrl+D', 'Duplicate the selected steps'],
  ['Delete or Backspace', 'Delete the selected steps or connections'],
  ['Ctrl+A', 'Select every step'],
  ['Shift+click, Shift+drag', 'Select several steps'],
  ['Ctrl+S', 'Save now'],
  ['Ctrl+L', 'Tidy up (auto-layout)'],
  ['Escape', 'Clear the selection'],
  ['?', 'Show this help'],
];

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <dl className="shortcuts">
        {SHORTCUTS.map(([keys, what]) => (
          <div key={keys}>
            <dt>
              <kbd>{keys}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <p className="hint">Palette entries can be added with Enter: the new step follows the selected one.</p>
    </Dialog>
  );
}
