/** The template gallery: browse templates, review one's settings, create a draft from it and open it. */
import { useEffect, useMemo, useState } from 'react';
import { ApiError } from '../api/client';
import type { CatalogEntry, TemplateDetail, TemplateSummary, WorkflowView } from '../api/types';
import { Dialog } from '../components/Dialog';
import { kindInfo, summarize } from '../model/kinds';
import { actionRef, actionRows, categories, changedSettings, errorsByField, filterTemplates, initialSettings, isLongText, type ActionRow } from '../model/templates';
import { eventLabel } from '../model/triggers';
import { navigate } from '../router';
import { useSession } from '../session';

function ActionList({ rows, label }: { rows: ActionRow[]; label: string }) {
  if (rows.length === 0) return <p className="muted">No actions: flow steps only.</p>;
  return (
    <ul className="template-actions" aria-label={label}>
      {rows.map((a) => (
        <li key={`${a.plugin}@${a.version}`} className={a.missing ? 'missing' : undefined}>
          {a.name !== a.plugin && <span>{a.name} </span>}
          <code>{actionRef(a)}</code>
          {a.missing && <strong className="warning"> not installed</strong>}
        </li>
      ))}
    </ul>
  );
}

export function TemplateGallery({ onClose }: { onClose: () => void }) {
  const { api } = useSession();
  const [templates, setTemplates] = useState<TemplateSummary[] | null>(null);
  const [catalog, setCatalog] = useState<CatalogEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [category, setCategory] = useState('');
  const [chosen, setChosen] = useState<TemplateSummary | null>(null);

  useEffect(() => {
    api
      .get<{ items: TemplateSummary[] }>('/templates')
      .then((page) => setTemplates(page.items))
      .catch((e) => setError(e instanceof ApiError && e.status === 404 ? 'This server has no template gallery.' : e instanceof Error ? e.message : String(e)));
    // Action names only; the gallery still works with plugin ids when the catalog cannot be read.
    api
      .get<{ items: CatalogEntry[] }>('/catalog')
      .then((page) => setCatalog(page.items))
      .catch(() => setCatalog([]));
  }, [api]);

  const shown = useMemo(() => filterTemplates(templates ?? [], query, category, eventLabel), [templates, query, category]);

  if (chosen) {
    return (
      <Dialog title={`New from “${chosen.name}”`} onClose={onClose} wide>
        <TemplateReview template={chosen} catalog={catalog} onBack={() => setChosen(null)} />
      </Dialog>
    );
  }
  return (
    <Dialog title="Template gallery" onClose={onClose} wide>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {!templates && !error && <p>Loading templates…</p>}
      {templates && (
        <>
          <div className="filters">
            <label>
              Search templates
              <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
            </label>
            <label>
              Category
              <select value={category} onChange={(e) => setCategory(e.target.value)}>
                <option value="">All categories</option>
                {categories(templates).map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {shown.length === 0 && <p className="empty">No template matches.</p>}
          <ul className="template-grid" aria-label="Templates">
            {shown.map((t) => {
              const rows = actionRows(t, catalog);
              return (
                <li key={t.id} className="card template-card" aria-labelledby={`template-${t.id}`}>
                  <h3 id={`template-${t.id}`}>{t.name}</h3>
                  <p className="muted">
                    <span className="badge">{t.category}</span> · Starts on <strong>{eventLabel(t.trigger)}</strong>
                  </p>
                  <p>{t.description}</p>
                  <h4>Actions</h4>
                  <ActionList rows={rows} label={`Actions of ${t.name}`} />
                  {t.missing_actions.length > 0 && (
                    <p className="warning" role="note">
                      Can be created as a draft, but not activated until {t.missing_actions.length === 1 ? 'this action is' : 'these actions are'} installed.
                    </p>
                  )}
                  <p className="muted">
                    {t.review.length} setting{t.review.length === 1 ? '' : 's'} to review
                  </p>
                  <button onClick={() => setChosen(t)} aria-label={`Use template ${t.name}`}>
                    Use template
                  </button>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </Dialog>
  );
}

/** Review a template's settings (prefilled with its defaults), then create the draft and open it. */
function TemplateReview({ template, catalog, onBack }: { template: TemplateSummary; catalog: CatalogEntry[]; onBack: () => void }) {
  const { api } = useSession();
  const [detail, setDetail] = useState<TemplateDetail | null>(null);
  const [name, setName] = useState(template.name);
  const [settings, setSettings] = useState<Record<string, string>>(() => initialSettings(template.review));
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    api
      .get<TemplateDetail>(`/templates/${encodeURIComponent(template.id)}`)
      .then(setDetail)
      .catch(() => setDetail(null));
  }, [api, template.id]);

  async function create(event: React.FormEvent) {
    event.preventDefault();
    setCreating(true);
    setError(null);
    setFieldErrors({});
    try {
      const view = await api.post<WorkflowView>(`/templates/${encodeURIComponent(template.id)}/workflows`, { name, settings: changedSettings(template.review, settings) });
      navigate(`/workflows/${view.id}`);
    } catch (e) {
      setCreating(false);
      if (e instanceof ApiError && e.problem.errors?.length) setFieldErrors(errorsByField(e.problem.errors));
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  const nodeLabel = (id: string) => {
    const node = detail?.workflow.nodes.find((n) => n.id === id);
    return node ? `${id} (${summarize(node, catalog)})` : id;
  };
  const rows = actionRows(template, catalog);
  return (
    <form onSubmit={create} className="stack template-review" aria-label={`Review ${template.name}`}>
      <p>{template.description}</p>
      <p>
        Starts on <strong>{eventLabel(template.trigger)}</strong> · template version {template.version}
      </p>
      <section aria-label="Actions needed">
        <h3>Actions needed</h3>
        <ActionList rows={rows} label={`Actions of ${template.name}`} />
        {template.missing_actions.length > 0 && (
          <p className="warning" role="note">
            Not installed on this server: {template.missing_actions.map(actionRef).join(', ')}. The workflow is created as a draft and cannot be activated until{' '}
            {template.missing_actions.length === 1 ? 'it is' : 'they are'} installed.
          </p>
        )}
      </section>
      {detail && (
        <details className="template-steps">
          <summary>{detail.workflow.nodes.length} steps</summary>
          <ol>
            {detail.workflow.nodes.map((n) => (
              <li key={n.id}>
                <strong>{n.kind === 'action' ? 'Action' : (kindInfo(n.kind)?.label ?? n.kind)}</strong>: {summarize(n, catalog)} <code>{n.id}</code>
              </li>
            ))}
          </ol>
        </details>
      )}
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      <label>
        Workflow name
        <input value={name} onChange={(e) => setName(e.target.value)} required aria-invalid={fieldErrors.name ? true : undefined} />
      </label>
      {fieldErrors.name && <p className="error-text">{fieldErrors.name}</p>}
      <fieldset>
        <legend>Review settings</legend>
        {template.review.map((r) => {
          const value = settings[r.key] ?? '';
          const id = `review-${r.key}`;
          const hintId = `${id}-hint`;
          const common = {
            id,
            value,
            'aria-describedby': hintId,
            'aria-invalid': fieldErrors[r.key] ? true : undefined,
            onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => setSettings({ ...settings, [r.key]: e.target.value }),
          };
          return (
            <div key={r.key} className="field">
              <label htmlFor={id}>{r.label}</label>
              {isLongText(value) ? <textarea rows={5} {...common} /> : <input {...common} />}
              <p id={hintId} className="hint">
                Fills {r.nodes.length === 1 ? 'step' : 'steps'} {r.nodes.map(nodeLabel).join(', ')}
                {fieldErrors[r.key] && <span className="error-text"> · {fieldErrors[r.key]}</span>}
              </p>
            </div>
          );
        })}
      </fieldset>
      <div className="row">
        <button type="button" onClick={onBack}>
          Back to gallery
        </button>
        <button type="submit" className="primary" disabled={creating}>
          {creating ? 'Creating…' : 'Create workflow'}
        </button>
      </div>
    </form>
  );
}
