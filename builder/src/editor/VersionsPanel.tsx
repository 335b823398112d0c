/** Saved versions: preview one on the canvas, or restore it as the newest version. */
import { useEffect, useState } from 'react';
import type { ApiClient } from '../api/client';
import type { VersionSummary } from '../api/types';
import { Dialog } from '../components/Dialog';

export function VersionsPanel({ api, workflowId, current, onPreview, onClose }: { api: ApiClient; workflowId: string; current: number; onPreview: (version: number) => void; onClose: () => void }) {
  const [items, setItems] = useState<VersionSummary[] | null>(null);
  useEffect(() => {
    api.get<{ items: VersionSummary[] }>(`/workflows/${workflowId}/versions`).then((p) => setItems(p.items));
  }, [api, workflowId]);
  return (
    <Dialog title="Version history" onClose={onClose}>
      {items === null && <p>Loading…</p>}
      <ol className="versions" reversed>
        {items?.map((v) => (
          <li key={v.version}>
            <span>
              Version {v.version} · {new Date(v.created_at).toLocaleString()} · {v.created_by}
              {v.version === current && ' (current)'}
            </span>
            {v.version !== current && <button onClick={() => onPreview(v.version)}>Preview version {v.version}</button>}
          </li>
        ))}
      </ol>
    </Dialog>
  );
}
