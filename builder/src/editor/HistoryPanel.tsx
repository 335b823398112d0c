/** Past executions of the workflow; picking one shows it on the canvas. */
import { useEffect, useState } from 'react';
import type { ApiClient } from '../api/client';
import type { ExecutionRecord } from '../api/types';
import { Dialog } from '../components/Dialog';

export function HistoryPanel({ api, workflowId, onPick, onClose }: { api: ApiClient; workflowId: string; onPick: (id: string) => void; onClose: () => void }) {
  const [items, setItems] = useState<ExecutionRecord[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .get<{ items: ExecutionRecord[] }>(`/executions?workflow_id=${encodeURIComponent(workflowId)}&limit=50`)
      .then((p) => setItems(p.items))
      .catch((e) => setError(String(e.message ?? e)));
  }, [api, workflowId]);
  return (
    <Dialog title="Run history" onClose={onClose} wide>
      {error && <p role="alert">{error}</p>}
      {items?.length === 0 && <p>No runs yet.</p>}
      {items && items.length > 0 && (
        <table className="runs">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Status</th>
              <th scope="col">Contact</th>
              <th scope="col">Version</th>
              <th scope="col">
                <span className="visually-hidden">Open</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id}>
                <td>{new Date(e.started_at).toLocaleString()}</td>
                <td>
                  <span className={`badge run-${e.status}`}>{e.status}</span> {e.test_mode && <span className="badge">test</span>}
                </td>
                <td>{e.contact_id ?? '—'}</td>
                <td>{e.workflow_version}</td>
                <td>
                  <button onClick={() => onPick(e.id)}>Show on canvas</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Dialog>
  );
}
