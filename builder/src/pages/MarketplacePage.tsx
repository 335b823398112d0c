/**
 * The marketplace: browse and search the actions this org may install (by
 * category and publisher), see each one's versions, changelogs and requested
 * capabilities in plain words, install with grants and secrets, and manage
 * what is installed (grant what a version waits for, uninstall).
 */
import { useCallback, useEffect, useState } from 'react';
import type { InstallOutcome, InstallRecord, MarketPlugin, ProblemDocument } from '../api/types';
import { Dialog } from '../components/Dialog';
import { Icon } from '../components/Icon';
import { PageHeader } from '../components/PageHeader';
import { asProblem, ProblemView } from '../components/ProblemView';
import { browseQuery, canManageInstalls, filterChoices, installLabel, missingOf } from '../model/marketplace';
import { tokenClaims, useSession } from '../session';
import { InstallDialog, OutcomeView } from './InstallDialog';

function day(ms: number): string {
  return new Date(ms).toLocaleDateString();
}

function PluginCard({ plugin, onOpen }: { plugin: MarketPlugin; onOpen: () => void }) {
  return (
    <li className="card market-card" data-testid={`market-${plugin.id}`}>
      <div className="market-card-head">
        <Icon name={plugin.icon} className="market-icon" />
        <h3>{plugin.name}</h3>
      </div>
      <p className="muted">
        by {plugin.publisher} · <code>{plugin.id}</code>
      </p>
      <p className="badges">
        {plugin.builtin && <span className="badge plain">Built-in</span>}
        {plugin.private && <span className="badge plain badge-private">Private</span>}
        {plugin.installed_versions.length > 0 && <span className="badge plain status-active">Installed {plugin.installed_versions.join(', ')}</span>}
        {plugin.category && <span className="badge">{plugin.category}</span>}
      </p>
      <p>{plugin.description}</p>
      <p className="muted">
        {plugin.install_count} {plugin.install_count === 1 ? 'install' : 'installs'} · latest {plugin.latest_version}
      </p>
      <button onClick={onOpen} aria-label={`Details of ${plugin.name}`}>
        Details
      </button>
    </li>
  );
}

function PluginDetail({ plugin, canInstall, onInstall, onClose }: { plugin: MarketPlugin; canInstall: boolean; onInstall: (version: string) => void; onClose: () => void }) {
  return (
    <Dialog title={plugin.name} onClose={onClose} wide>
      <div className="stack" data-testid="plugin-detail">
        <p>{plugin.description}</p>
        <p className="muted">
          <code>{plugin.id}</code> by {plugin.publisher} · {plugin.install_count} installs
          {plugin.builtin && ' · built in: every organisation has it'}
          {plugin.private && ' · private to your reseller'}
        </p>
        <h3>Versions</h3>
        <ol className="version-list">
          {plugin.versions.map((v) => (
            <li key={v.version} className="card">
              <div className="row">
                <h4>{v.version}</h4>
                <span className="muted">published {day(v.published_at)}</span>
                {v.yanked && <span className="badge">Yanked</span>}
                {v.killed && <span className="badge run-failed">Disabled</span>}
                {plugin.installed_versions.includes(v.version) && <span className="badge status-active">Installed</span>}
                <div className="spacer" />
                {canInstall && !plugin.builtin && !v.yanked && !v.killed && !plugin.installed_versions.includes(v.version) && (
                  <button className="primary" onClick={() => onInstall(v.version)}>
                    {installLabel(plugin, v.version)}
                  </button>
                )}
              </div>
              <p>{v.changelog || 'No changelog.'}</p>
              <h5>It asks for</h5>
              {v.capabilities.length === 0 ? (
                <p className="muted">Nothing: no network, data or secrets.</p>
              ) : (
                <ul>
                  {v.capabilities.map((c) => (
                    <li key={c.capability}>
                      {c.description} <code>{c.capability}</code>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      </div>
    </Dialog>
  );
}

function GrantDialog({ install, plugin, onClose, onGranted }: { install: InstallRecord; plugin: MarketPlugin | undefined; onClose: () => void; onGranted: () => void }) {
  const { api } = useSession();
  const version = plugin?.versions.find((v) => v.version === install.version);
  const missing = missingOf(install, version);
  const [chosen, setChosen] = useState<Set<string>>(new Set(missing));
  const [problem, setProblem] = useState<ProblemDocument | null>(null);
  const [outcome, setOutcome] = useState<InstallOutcome | null>(null);
  const describe = (c: string) => version?.capabilities.find((x) => x.capability === c)?.description ?? c;

  async function grant() {
    setProblem(null);
    try {
      const answer = await api.post<InstallOutcome>(`/installs/${encodeURIComponent(install.plugin_id)}/${encodeURIComponent(install.version)}/grant`, {
        grants: [...chosen],
      });
      setOutcome(answer);
      onGranted();
    } catch (e) {
      setProblem(asProblem(e));
    }
  }

  return (
    <Dialog title={`Grant ${install.plugin_id} ${install.version}`} onClose={onClose}>
      {outcome ? (
        <div className="stack">
          <OutcomeView outcome={outcome} />
          <button className="primary" onClick={onClose}>
            Done
          </button>
        </div>
      ) : (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void grant();
          }}
        >
          <fieldset>
            <legend>Capabilities it is waiting for</legend>
            {missing.length === 0 ? (
              <p>Nothing is missing that this page knows of.</p>
            ) : (
              <ul className="grant-list">
                {missing.map((c) => (
                  <li key={c}>
                    <label className="check">
                      <input
                        type="checkbox"
                        checked={chosen.has(c)}
                        onChange={(e) => {
                          const next = new Set(chosen);
                          if (e.target.checked) next.add(c);
                          else next.delete(c);
                          setChosen(next);
                        }}
                      />
                      <span>
                        {describe(c)} <code>{c}</code>
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
            )}
          </fieldset>
          <ProblemView problem={problem} />
          <div className="row">
            <button type="submit" className="primary" disabled={chosen.size === 0}>
              Grant
            </button>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

export function MarketplacePage() {
  const { api } = useSession();
  const canInstall = canManageInstalls(tokenClaims(api.token).role);
  const [filters, setFilters] = useState({ q: '', category: '', publisher: '' });
  const [items, setItems] = useState<MarketPlugin[] | null>(null);
  const [known, setKnown] = useState<MarketPlugin[]>([]);
  const [installs, setInstalls] = useState<InstallRecord[] | null>(null);
  const [problem, setProblem] = useState<ProblemDocument | null>(null);
  const [detail, setDetail] = useState<MarketPlugin | null>(null);
  const [installing, setInstalling] = useState<{ plugin: MarketPlugin; version: string } | null>(null);
  const [granting, setGranting] = useState<InstallRecord | null>(null);

  const loadList = useCallback(async () => {
    try {
      const page = await api.get<{ items: MarketPlugin[] }>(`/marketplace/plugins${browseQuery(filters)}`);
      setItems(page.items);
      // Filter choices grow with what has been seen, so narrowing never hides the other choices.
      setKnown((before) => {
        const byId = new Map(before.map((p) => [p.id, p]));
        for (const p of page.items) byId.set(p.id, p);
        return [...byId.values()];
      });
      setProblem(null);
    } catch (e) {
      setProblem(asProblem(e));
    }
  }, [api, filters]);

  const loadInstalls = useCallback(async () => {
    try {
      setInstalls((await api.get<{ items: InstallRecord[] }>('/installs')).items);
    } catch (e) {
      setProblem(asProblem(e));
    }
  }, [api]);

  useEffect(() => {
    const timer = setTimeout(loadList, 200);
    return () => clearTimeout(timer);
  }, [loadList]);
  useEffect(() => {
    void loadInstalls();
  }, [loadInstalls]);

  const refresh = () => {
    void loadList();
    void loadInstalls();
  };

  async function uninstall(install: InstallRecord) {
    if (!window.confirm(`Uninstall ${install.plugin_id} ${install.version}? Steps pinned to it will fail as not installed.`)) return;
    try {
      await api.delete(`/installs/${encodeURIComponent(install.plugin_id)}/${encodeURIComponent(install.version)}`);
      refresh();
    } catch (e) {
      setProblem(asProblem(e));
    }
  }

  const choices = filterChoices(known);
  const pluginOf = (id: string) => known.find((p) => p.id === id);

  return (
    <div className="page">
      <PageHeader />
      <main className="list-main marketplace">
        <div className="list-toolbar">
          <h2>Marketplace</h2>
        </div>
        {!canInstall && <p className="muted">You can browse; an owner or admin of your organisation installs actions.</p>}
        <div className="filters" role="search" aria-label="Marketplace filters">
          <label>
            Search actions
            <input type="search" value={filters.q} onChange={(e) => setFilters({ ...filters, q: e.target.value })} placeholder="Name, id or description…" />
          </label>
          <label>
            Category
            <select value={filters.category} onChange={(e) => setFilters({ ...filters, category: e.target.value })}>
              <option value="">Any</option>
              {choices.categories.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          <label>
            Publisher
            <select value={filters.publisher} onChange={(e) => setFilters({ ...filters, publisher: e.target.value })}>
              <option value="">Any</option>
              {choices.publishers.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        <ProblemView problem={problem} />
        {items === null ? (
          <p>Loading…</p>
        ) : items.length === 0 ? (
          <p className="empty">No action matches these filters.</p>
        ) : (
          <ul className="market-grid" aria-label="Actions">
            {items.map((p) => (
              <PluginCard key={p.id} plugin={p} onOpen={() => setDetail(p)} />
            ))}
          </ul>
        )}

        <section className="installed" aria-labelledby="installed-title">
          <h2 id="installed-title">Installed</h2>
          <p className="muted">Built-in actions are always available and are not listed here.</p>
          {installs === null ? (
            <p>Loading…</p>
          ) : installs.length === 0 ? (
            <p className="empty">Nothing installed from the marketplace yet.</p>
          ) : (
            <table className="data-table" data-testid="installs">
              <thead>
                <tr>
                  <th scope="col">Action</th>
                  <th scope="col">Version</th>
                  <th scope="col">Status</th>
                  <th scope="col">Granted</th>
                  <th scope="col">Installed</th>
                  {canInstall && <th scope="col">Manage</th>}
                </tr>
              </thead>
              <tbody>
                {installs.map((i) => (
                  <tr key={`${i.plugin_id}@${i.version}`} data-testid={`install-${i.plugin_id}@${i.version}`}>
                    <td>
                      {pluginOf(i.plugin_id)?.name ?? i.plugin_id} <code>{i.plugin_id}</code>
                    </td>
                    <td>{i.version}</td>
                    <td>
                      <span className={`badge install-${i.status}`}>{i.status === 'active' ? 'active' : 'awaiting grant'}</span>
                    </td>
                    <td>{i.granted.length ? i.granted.map((g) => <code key={g}>{g} </code>) : 'nothing'}</td>
                    <td>
                      {day(i.installed_at)} by {i.installed_by}
                    </td>
                    {canInstall && (
                      <td className="row">
                        {i.status === 'awaiting_grant' && (
                          <button onClick={() => setGranting(i)} aria-label={`Grant ${i.plugin_id} ${i.version}`}>
                            Grant
                          </button>
                        )}
                        <button onClick={() => uninstall(i)} aria-label={`Uninstall ${i.plugin_id} ${i.version}`}>
                          Uninstall
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </main>
      {detail && !installing && (
        <PluginDetail
          plugin={detail}
          canInstall={canInstall}
          onClose={() => setDetail(null)}
          onInstall={(version) => setInstalling({ plugin: detail, version })}
        />
      )}
      {installing && (
        <InstallDialog
          plugin={installing.plugin}
          initialVersion={installing.version}
          onClose={() => {
            setInstalling(null);
            setDetail(null);
          }}
          onInstalled={refresh}
        />
      )}
      {granting && <GrantDialog install={granting} plugin={pluginOf(granting.plugin_id)} onClose={() => setGranting(null)} onGranted={refresh} />}
    </div>
  );
}
