/** The org's workflows: search, status, last run and success rate; create blank, from a template, or import. */
import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import type { WorkflowListItem, WorkflowView } from '../api/types';
import { blankDocument } from '../model/document';
import { eventLabel } from '../model/triggers';
import { navigate } from '../router';
import { useSession } from '../session';
import { PageHeader } from '../components/PageHeader';
import { ImportDialog } from './ImportDialog';
import { TemplateGallery } from './TemplateGallery';

function when(ms: number | null): string {
  return ms ? new Date(ms).toLocaleString() : 'Never';
}

export function WorkflowList() {
  const { api } = useSession();
  const [items, setItems] = useState<WorkflowListItem[] | null>(null);
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'templates' | 'import' | null>(null);

  const load = useCallback(async () => {
    const params = new URLSearchParams({ limit: '200' });
    if (query.trim()) params.set('q', query.trim());
    if (status) params.set('status', status);
    try {
      const page = await api.get<{ items: WorkflowListItem[] }>(`/workflows?${params}`);
      setItems(page.items);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }, [api, query, status]);

  useEffect(() => {
    const timer = setTimeout(load, 200);
    return () => clearTimeout(timer);
  }, [load]);

  async function createBlank() {
    try {
      const view = await api.post<WorkflowView>('/workflows', blankDocument('Untitled workflow'));
      navigate(`/workflows/${view.id}`);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }

  return (
    <div className="page">
      <PageHeader />
      <main className="list-main">
        <div className="list-toolbar">
          <h2>Workflows</h2>
          <div className="spacer" />
          <button className="primary" onClick={createBlank}>
            New workflow
          </button>
          <button onClick={() => setDialog('templates')}>From template</button>
          <button onClick={() => setDialog('import')}>Import</button>
        </div>
        <div className="filters">
          <label>
            Search workflows
            <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Name contains…" />
          </label>
          <label>
            Status
            <select value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">Any</option>
              <option value="draft">Draft</option>
              <option value="active">Active</option>
              <option value="inactive">Inactive</option>
            </select>
          </label>
        </div>
        {error && (
          <p role="alert" className="error-text">
            {error}
          </p>
        )}
        {items === null ? (
          <p>Loading…</p>
        ) : items.length === 0 ? (
          <p className="empty">No workflows yet. Start a new one or pick a template.</p>
        ) : (
          <table className="workflow-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Trigger</th>
                <th scope="col">Last run</th>
                <th scope="col">Runs</th>
                <th scope="col">Success rate</th>
                <th scope="col">Analytics</th>
              </tr>
            </thead>
            <tbody>
              {items.map((w) => (
                <tr key={w.id}>
                  <td>
                    <a
                      href={`/workflows/${w.id}`}
                      onClick={(e) => {
                        e.preventDefault();
                        navigate(`/workflows/${w.id}`);
                      }}
                    >
                      {w.name}
                    </a>
                  </td>
                  <td>
                    <span className={`badge status-${w.status}`}>{w.status}</span>
                  </td>
                  <td>{w.triggers.map(eventLabel).join(', ')}</td>
                  <td>{when(w.stats.last_run_at)}</td>
                  <td>{w.stats.runs}</td>
                  <td>{w.success_rate === null ? '—' : `${Math.round(w.success_rate * 100)}%`}</td>
                  <td>
                    <a
                      href={`/workflows/${w.id}/analytics`}
                      aria-label={`Analytics of ${w.name}`}
                      onClick={(e) => {
                        e.preventDefault();
                        navigate(`/workflows/${w.id}/analytics`);
                      }}
                    >
                      Analytics
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
      {dialog === 'templates' && <TemplateGallery onClose={() => setDialog(null)} />}
      {dialog === 'import' && <ImportDialog onClose={() => setDialog(null)} />}
    </div>
  );
}
