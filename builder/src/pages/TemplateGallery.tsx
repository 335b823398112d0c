/** The template gallery: pick a template, review its settings, create a workflow from it. */
import { useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import type { TemplateSummary, WorkflowView } from '../api/types';
import { Dialog } from '../components/Dialog';
import { eventLabel } from '../model/triggers';
import { navigate } from '../router';
import { useSession } from '../session';

export function TemplateGallery({ onClose }: { onClose: () => void }) {
  const { api } = useSession();
  const [templates, setTemplates] = useState<TemplateSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<TemplateSummary | null>(null);
  const [name, setName] = useState('');
  const [settings, setSettings] = useState<Record<string, string>>({});
  const [filter, setFilter] = useState('');

  useEffect(() => {
    api
      .get<{ items: TemplateSummary[] }>('/templates')
      .then((page) => setTemplates(page.items))
      .catch((e) => setError(e instanceof ApiError && e.status === 404 ? 'This server has no template gallery.' : String(e instanceof Error ? e.message : e)));
  }, [api]);

  function choose(t: TemplateSummary) {
    setChosen(t);
    setName(t.name);
    setSettings(Object.fromEntries(t.review.map((r) => [r.key, r.default])));
  }

  async function create(event: React.FormEvent) {
    event.preventDefault();
    if (!chosen) return;
    try {
      const view = await api.post<WorkflowView>(`/templates/${encodeURIComponent(chosen.id)}/workflows`, { name, settings });
      navigate(`/workflows/${view.id}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  const shown = (templates ?? []).filter((t) => `${t.name} ${t.description} ${t.category}`.toLowerCase().includes(filter.toLowerCase()));
  return (
    <Dialog title={chosen ? `New from “${chosen.name}”` : 'Template gallery'} onClose={onClose} wide>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {!chosen && templates && (
        <>
          <label>
            Search templates
            <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
          </label>
          <ul className="template-grid">
            {shown.map((t) => (
              <li key={t.id} className="card template-card">
                <h3>{t.name}</h3>
                <p className="muted">
                  {t.category} · {eventLabel(t.trigger)}
                </p>
                <p>{t.description}</p>
                {t.missing_actions.length > 0 && <p className="warning">Needs actions not installed: {t.missing_actions.join(', ')}</p>}
                <button onClick={() => choose(t)} aria-label={`Use template ${t.name}`}>
                  Use template
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {chosen && (
        <form onSubmit={create} className="stack">
          <p>{chosen.description}</p>
          <label>
            Workflow name
            <input value={name} onChange={(e) => setName(e.target.value)} required />
          </label>
          {chosen.review.map((r) => (
            <label key={r.key}>
              {r.label}
              <textarea rows={2} value={settings[r.key] ?? ''} onChange={(e) => setSettings({ ...settings, [r.key]: e.target.value })} />
            </label>
          ))}
          <div className="row">
            <button type="button" onClick={() => setChosen(null)}>
              Back
            </button>
            <button type="submit" className="primary">
              Create workflow
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
