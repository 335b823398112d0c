/**
 * A reseller's console: its sub-accounts (list, create with a time zone), the
 * product brand its sub-accounts see, and its brandings of actions (display
 * name, icon, description, default input).
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ActionBranding, MarketPlugin, ProblemDocument, ResellerBrand, SubAccount } from '../api/types';
import { Icon } from '../components/Icon';
import { PageHeader } from '../components/PageHeader';
import { asProblem, ProblemView } from '../components/ProblemView';
import { TimeZonePicker } from '../editor/settings/WaitSettings';
import { normalizeHex } from '../model/branding';
import { actionBrandingRequest, brandRequest } from '../model/marketplace';
import { DEFAULT_ZONE } from '../model/timeZones';
import { useSession } from '../session';

/** A colour as a picker and its `#RRGGBB` text (blank: the default colour). */
function ColourField({ label, value, onChange }: { label: string; value: string; onChange: (v: string) => void }) {
  const hex = normalizeHex(value);
  return (
    <fieldset className="colour-field">
      <legend>{label}</legend>
      <div className="row">
        <label>
          <span className="visually-hidden">{label} picker</span>
          <input type="color" value={hex ?? '#3554d1'} onChange={(e) => onChange(e.target.value)} />
        </label>
        <label>
          {label} (#RRGGBB, blank for the default)
          <input type="text" value={value} onChange={(e) => onChange(e.target.value)} placeholder="#0b6e4f" aria-invalid={value !== '' && !hex} />
        </label>
      </div>
    </fieldset>
  );
}

function SubAccounts() {
  const { api } = useSession();
  const [items, setItems] = useState<SubAccount[] | null>(null);
  const [form, setForm] = useState({ id: '', name: '', time_zone: DEFAULT_ZONE });
  const [problem, setProblem] = useState<ProblemDocument | null>(null);
  const [created, setCreated] = useState<SubAccount | null>(null);

  const load = useCallback(() => {
    api.get<{ items: SubAccount[] }>('/reseller/sub-accounts').then(
      (page) => setItems(page.items),
      (e) => setProblem(asProblem(e)),
    );
  }, [api]);
  useEffect(load, [load]);

  async function create(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    setCreated(null);
    try {
      const body = { id: form.id.trim(), name: form.name.trim(), ...(form.time_zone ? { time_zone: form.time_zone } : {}) };
      const org = await api.post<SubAccount>('/reseller/sub-accounts', body);
      setCreated(org);
      setForm({ id: '', name: '', time_zone: DEFAULT_ZONE });
      load();
    } catch (error) {
      setProblem(asProblem(error));
    }
  }

  return (
    <section className="card stack" aria-labelledby="subs-title">
      <h2 id="subs-title">Sub-accounts</h2>
      {items === null ? (
        <p>Loading…</p>
      ) : items.length === 0 ? (
        <p className="empty">No sub-accounts yet.</p>
      ) : (
        <table className="data-table" data-testid="sub-accounts">
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Name</th>
              <th scope="col">Time zone</th>
            </tr>
          </thead>
          <tbody>
            {items.map((o) => (
              <tr key={o.id}>
                <td>
                  <code>{o.id}</code>
                </td>
                <td>{o.name}</td>
                <td>{o.time_zone}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="stack" onSubmit={create} aria-label="New sub-account">
        <h3>New sub-account</h3>
        <div className="row">
          <label>
            Account id
            <input required value={form.id} onChange={(e) => setForm({ ...form, id: e.target.value })} placeholder="pulse-downtown" pattern="[A-Za-z0-9_\-]+" />
          </label>
          <label>
            Account name
            <input required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} placeholder="PulseGym Downtown" />
          </label>
        </div>
        <TimeZonePicker
          value={form.time_zone}
          onChange={(time_zone) => setForm({ ...form, time_zone })}
          defaultLabel="UTC (default)"
          defaultHint="The account's waits and schedules use this zone unless a contact has their own."
        />
        <ProblemView problem={problem} />
        {created && (
          <p role="status" className="ok-text">
            Created {created.name} ({created.id}) in {created.time_zone}; your preinstalled actions are installed into it.
          </p>
        )}
        <div>
          <button type="submit" className="primary">
            Create sub-account
          </button>
        </div>
      </form>
    </section>
  );
}

function ProductBrand() {
  const { api } = useSession();
  const [form, setForm] = useState({ product_name: '', logo: '', primary_color: '', accent_color: '' });
  const [problem, setProblem] = useState<ProblemDocument | null>(null);
  const [saved, setSaved] = useState<ResellerBrand | null>(null);

  async function save(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    setSaved(null);
    try {
      setSaved(await api.put<ResellerBrand>('/reseller/brand', brandRequest(form)));
    } catch (error) {
      setProblem(asProblem(error));
    }
  }

  return (
    <section className="card" aria-labelledby="brand-title">
      <form className="stack" onSubmit={save}>
        <h2 id="brand-title">Product brand</h2>
        <p className="muted">What your sub-accounts' staff see instead of Atlas Flow. Saving replaces the whole brand.</p>
        <label>
          Product name
          <input required maxLength={60} value={form.product_name} onChange={(e) => setForm({ ...form, product_name: e.target.value })} />
        </label>
        <label>
          Logo (https:// or data:image/ URL)
          <input type="url" value={form.logo} onChange={(e) => setForm({ ...form, logo: e.target.value })} placeholder="https://example.com/logo.svg" />
        </label>
        <div className="row">
          <ColourField label="Primary colour" value={form.primary_color} onChange={(primary_color) => setForm({ ...form, primary_color })} />
          <ColourField label="Accent colour" value={form.accent_color} onChange={(accent_color) => setForm({ ...form, accent_color })} />
        </div>
        <ProblemView problem={problem} />
        {saved && (
          <p role="status" className="ok-text">
            Saved: your sub-accounts now see “{saved.product_name}”.
          </p>
        )}
        <div>
          <button type="submit" className="primary">
            Save brand
          </button>
        </div>
      </form>
    </section>
  );
}

const EMPTY_BRANDING = { display_name: '', icon: '', description: '', defaults: '' };

function ActionBrandings() {
  const { api } = useSession();
  const [actions, setActions] = useState<MarketPlugin[]>([]);
  const [brandings, setBrandings] = useState<Record<string, ActionBranding> | null>(null);
  const [pluginId, setPluginId] = useState('');
  const [form, setForm] = useState(EMPTY_BRANDING);
  const [problem, setProblem] = useState<ProblemDocument | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const load = useCallback(() => {
    api.get<{ items: Record<string, ActionBranding> }>('/reseller/brandings').then(
      (page) => setBrandings(page.items),
      (e) => setProblem(asProblem(e)),
    );
  }, [api]);
  useEffect(load, [load]);
  useEffect(() => {
    api.get<{ items: MarketPlugin[] }>('/marketplace/plugins').then(
      (page) => setActions(page.items),
      (e) => setProblem(asProblem(e)),
    );
  }, [api]);

  function edit(id: string) {
    const b = brandings?.[id] ?? {};
    setPluginId(id);
    setForm({
      display_name: b.display_name ?? '',
      icon: b.icon ?? '',
      description: b.description ?? '',
      defaults: b.defaults && Object.keys(b.defaults).length ? JSON.stringify(b.defaults, null, 2) : '',
    });
    setSaved(null);
    setProblem(null);
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    setSaved(null);
    const request = actionBrandingRequest(form);
    if ('error' in request) {
      setProblem({ type: 'form', title: 'Not saved', status: 0, detail: request.error, errors: [{ field: 'defaults', reason: request.error }] });
      return;
    }
    try {
      await api.put(`/reseller/brandings/${encodeURIComponent(pluginId)}`, request.body);
      setSaved(pluginId);
      load();
    } catch (error) {
      setProblem(asProblem(error));
    }
  }

  async function remove(id: string) {
    setProblem(null);
    try {
      await api.delete(`/reseller/brandings/${encodeURIComponent(id)}`);
      load();
    } catch (error) {
      setProblem(asProblem(error));
    }
  }

  const nameOf = (id: string) => actions.find((a) => a.id === id)?.name ?? id;
  return (
    <section className="card stack" aria-labelledby="brandings-title">
      <h2 id="brandings-title">Action branding</h2>
      <p className="muted">Your sub-accounts see these names, icons and descriptions in their palette, and new steps start with the default input.</p>
      {brandings === null ? (
        <p>Loading…</p>
      ) : Object.keys(brandings).length === 0 ? (
        <p className="empty">No action is branded yet.</p>
      ) : (
        <table className="data-table" data-testid="brandings">
          <thead>
            <tr>
              <th scope="col">Action</th>
              <th scope="col">Shown as</th>
              <th scope="col">Description</th>
              <th scope="col">Default input</th>
              <th scope="col">Manage</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(brandings).map(([id, b]) => (
              <tr key={id}>
                <td>
                  <code>{id}</code>
                </td>
                <td>
                  {b.icon && <Icon name={b.icon} />} {b.display_name ?? '—'}
                </td>
                <td>{b.description ?? '—'}</td>
                <td>{b.defaults && Object.keys(b.defaults).length ? <code>{JSON.stringify(b.defaults)}</code> : '—'}</td>
                <td className="row">
                  <button onClick={() => edit(id)} aria-label={`Edit the branding of ${id}`}>
                    Edit
                  </button>
                  <button onClick={() => remove(id)} aria-label={`Remove the branding of ${id}`}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="stack" onSubmit={save} aria-label="Brand an action">
        <h3>Brand an action</h3>
        <label>
          Action
          <select required value={pluginId} onChange={(e) => edit(e.target.value)}>
            <option value="">Choose an action…</option>
            {actions.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.id})
              </option>
            ))}
          </select>
        </label>
        <div className="row">
          <label>
            Display name
            <input maxLength={80} value={form.display_name} onChange={(e) => setForm({ ...form, display_name: e.target.value })} placeholder={pluginId ? nameOf(pluginId) : ''} />
          </label>
          <label>
            Icon (a name such as message-circle, or a data:image/ URL)
            <input value={form.icon} onChange={(e) => setForm({ ...form, icon: e.target.value })} />
          </label>
        </div>
        <label>
          Description
          <input maxLength={2000} value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} />
        </label>
        <label>
          Default input (JSON object of field values)
          <textarea rows={4} value={form.defaults} onChange={(e) => setForm({ ...form, defaults: e.target.value })} placeholder='{"from": "+15005550006"}' />
        </label>
        <ProblemView problem={problem} />
        {saved && (
          <p role="status" className="ok-text">
            Saved the branding of {saved}.
          </p>
        )}
        <div>
          <button type="submit" className="primary" disabled={!pluginId}>
            Save action branding
          </button>
        </div>
      </form>
    </section>
  );
}

export function ResellerPage() {
  const { api } = useSession();
  const [access, setAccess] = useState<'checking' | 'ok' | ProblemDocument>('checking');
  useEffect(() => {
    api.get('/reseller/sub-accounts').then(
      () => setAccess('ok'),
      (e) => setAccess(asProblem(e)),
    );
  }, [api]);
  return (
    <div className="page">
      <PageHeader />
      <main className="list-main reseller">
        <div className="list-toolbar">
          <h2>Reseller</h2>
        </div>
        {access === 'checking' ? (
          <p>Loading…</p>
        ) : access !== 'ok' ? (
          <>
            <p>This page is for reseller administrators of an organisation that resells.</p>
            <ProblemView problem={access} />
          </>
        ) : (
          <div className="reseller-grid">
            <SubAccounts />
            <ProductBrand />
            <ActionBrandings />
          </div>
        )}
      </main>
    </div>
  );
}
