/** The palette: triggers, flow nodes and installed actions by category; searchable; drag onto the canvas or press Enter to add. */
import { useMemo, useState } from 'react';
import type { CatalogEntry } from '../api/types';
import { Icon } from '../components/Icon';
import { KINDS } from '../model/kinds';
import { actionItems, type PaletteItem } from './createNode';

export const DRAG_TYPE = 'application/atlas-node';

export function Palette({ catalog, onAdd }: { catalog: CatalogEntry[]; onAdd: (item: PaletteItem) => void }) {
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const items: PaletteItem[] = [
      ...KINDS.filter((k) => k.group === 'Triggers').map((k) => ({ ...k, group: 'Triggers' })),
      ...actionItems(catalog),
      ...KINDS.filter((k) => k.group === 'Flow').map((k) => ({ ...k, group: 'Flow' })),
    ];
    const q = query.trim().toLowerCase();
    const shown = q ? items.filter((i) => `${i.label} ${i.description} ${i.group} ${i.plugin ?? ''}`.toLowerCase().includes(q)) : items;
    const byGroup = new Map<string, PaletteItem[]>();
    for (const item of shown) byGroup.set(item.group, [...(byGroup.get(item.group) ?? []), item]);
    return [...byGroup.entries()];
  }, [catalog, query]);

  return (
    <nav className="palette" aria-label="Palette">
      <label className="palette-search">
        <span className="visually-hidden">Search the palette</span>
        <input type="search" placeholder="Search steps…" value={query} onChange={(e) => setQuery(e.target.value)} />
      </label>
      {groups.length === 0 && <p className="muted">Nothing matches “{query}”.</p>}
      {groups.map(([group, items]) => (
        <section key={group} aria-label={group}>
          <h3>{group}</h3>
          <ul>
            {items.map((item) => (
              <li key={item.plugin ?? item.kind}>
                <button
                  className={`palette-item${item.branded ? ' branded' : ''}`}
                  draggable
                  data-testid={`palette-${item.plugin ?? item.kind}`}
                  title={`${item.description}${item.branded && item.publisher ? ` (provided by ${item.publisher})` : ''}. Drag onto the canvas, or press Enter to add after the selected step.`}
                  onDragStart={(e) => {
                    e.dataTransfer.setData(DRAG_TYPE, JSON.stringify(item));
                    e.dataTransfer.effectAllowed = 'move';
                  }}
                  onClick={() => onAdd(item)}
                >
                  <Icon name={item.icon} />
                  <span>{item.label}</span>
                  {item.branded && <span className="branded-mark" aria-hidden="true" />}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}
