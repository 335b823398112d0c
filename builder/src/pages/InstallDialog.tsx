/**
 * Installing a marketplace version: pick the version, grant each requested
 * capability, enter the secrets it names, see the upgrade report first when
 * another version is installed, then the server's answer.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import type { InstallOutcome, MarketPlugin, ProblemDocument, UpgradeReport } from '../api/types';
import { Dialog } from '../components/Dialog';
import { asProblem, ProblemView } from '../components/ProblemView';
import { installableVersions, installLabel, installRequest, isUpgrade, secretFields, ungranted } from '../model/marketplace';
import { useSession } from '../session';

/** Capabilities an upgrade adds and the workflow nodes its input schema breaks. */
export function UpgradeReportView({ report, descriptions }: { report: UpgradeReport; descriptions: Record<string, string> }) {
  return (
    <section className="upgrade-report" aria-label="Upgrade report" data-testid="upgrade-report">
      <h3>Upgrade from {report.from_versions.length ? report.from_versions.join(', ') : 'nothing installed'}</h3>
      <p className="muted">Workflows keep the version they are pinned to until you upgrade them.</p>
      <h4>Capabilities added</h4>
      {report.added_capabilities.length === 0 ? (
        <p>None: it asks for nothing new.</p>
      ) : (
        <ul>
          {report.added_capabilities.map((c) => (
            <li key={c}>
              {descriptions[c] ?? c} <code>{c}</code>
            </li>
          ))}
        </ul>
      )}
      <h4>Workflow steps it would break</h4>
      {report.breaking_nodes.length === 0 ? (
        <p>None: every step's settings fit the new version.</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Workflow</th>
              <th scope="col">Step</th>
              <th scope="col">Field</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {report.breaking_nodes.map((b) => (
              <tr key={`${b.workflow_id}/${b.node_id}/${b.field}`}>
                <td>{b.workflow_name}</td>
                <td>
                  <code>{b.node_id}</code> (pinned to {b.pinned_version})
                </td>
                <td>
                  <code>{b.field}</code>
                </td>
                <td>{b.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The server's answer to an install or a grant. */
export function OutcomeView({ outcome }: { outcome: InstallOutcome }) {
  const active = outcome.install.status === 'active';
  return (
    <div className="install-outcome" role="status" data-testid="install-outcome">
      <p>
        {outcome.install.plugin_id} {outcome.install.version}:{' '}
        <span className={`badge install-${outcome.install.status}`}>{active ? 'active' : 'awaiting grant'}</span>
      </p>
      {active ? (
        <p>It is ready: its steps run, and it is in the editor's palette.</p>
      ) : (
        <>
          <p className="warning">It will not run until every requested capability is granted. Still missing:</p>
          <ul>
            {outcome.missing.map((c) => (
              <li key={c}>
                {outcome.requested[c] ?? c} <code>{c}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      {outcome.upgrade && <UpgradeReportView report={outcome.upgrade} descriptions={outcome.requested} />}
    </div>
  );
}

export function InstallDialog({ plugin, initialVersion, onClose, onInstalled }: { plugin: MarketPlugin; initialVersion?: string; onClose: () => void; onInstalled: () => void }) {
  const { api } = useSession();
  const versions = installableVersions(plugin);
  const [versionName, setVersionName] = useState(initialVersion && versions.some((v) => v.version === initialVersion) ? initialVersion : (versions[0]?.version ?? ''));
  const version = versions.find((v) => v.version === versionName);
  const [granted, setGranted] = useState<Set<string>>(new Set());
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [report, setReport] = useState<UpgradeReport | null>(null);
  const [problem, setProblem] = useState<ProblemDocument | null>(null);
  const [outcome, setOutcome] = useState<InstallOutcome | null>(null);
  const [busy, setBusy] = useState(false);
  const upgrade = version ? isUpgrade(plugin, version.version) : false;
  const secretsHint = useId();
  const descriptions = useMemo(() => Object.fromEntries((version?.capabilities ?? []).map((c) => [c.capability, c.description])), [version]);

  useEffect(() => {
    setGranted(new Set());
    setSecrets({});
    setReport(null);
    if (!version || !upgrade) return;
    let live = true;
    api
      .get<UpgradeReport>(`/marketplace/plugins/${encodeURIComponent(plugin.id)}/versions/${encodeURIComponent(version.version)}/upgrade-report`)
      .then((r) => live && setReport(r))
      .catch((e) => live && setProblem(asProblem(e)));
    return () => {
      live = false;
    };
  }, [api, plugin.id, version, upgrade]);

  async function install() {
    if (!version) return;
    setBusy(true);
    setProblem(null);
    try {
      const answer = await api.post<InstallOutcome>('/installs', installRequest(plugin.id, version, granted, secrets));
      setOutcome(answer);
      onInstalled();
    } catch (e) {
      setProblem(asProblem(e));
    } finally {
      setBusy(false);
    }
  }

  const toggle = (capability: string, on: boolean) => {
    const next = new Set(granted);
    if (on) next.add(capability);
    else next.delete(capability);
    setGranted(next);
  };
  const left = version ? ungranted(version, granted) : [];
  const fields = version ? secretFields(version.capabilities) : [];

  return (
    <Dialog title={`Install ${plugin.name}`} onClose={onClose} wide>
      {outcome ? (
        <div className="stack">
          <OutcomeView outcome={outcome} />
          <button className="primary" onClick={onClose}>
            Done
          </button>
        </div>
      ) : versions.length === 0 ? (
        <p>No version of this action can be installed: every one is yanked or disabled.</p>
      ) : (
        <form
          className="stack install-form"
          onSubmit={(e) => {
            e.preventDefault();
            void install();
          }}
        >
          <label>
            Version
            <select value={versionName} onChange={(e) => setVersionName(e.target.value)}>
              {versions.map((v) => (
                <option key={v.version} value={v.version}>
                  {v.version}
                  {plugin.installed_versions.includes(v.version) ? ' (installed)' : ''}
                </option>
              ))}
            </select>
          </label>
          {version?.changelog && <p className="muted">What changed: {version.changelog}</p>}
          {upgrade && (report ? <UpgradeReportView report={report} descriptions={descriptions} /> : <p>Loading the upgrade report…</p>)}
          <fieldset>
            <legend>Capabilities it asks for</legend>
            {version && version.capabilities.length === 0 ? (
              <p>None: it needs no access to anything.</p>
            ) : (
              <>
                <p className="hint">
                  Grant each one to let it run. A version granted less than it asks for is installed but waits: its steps fail as not granted until you grant
                  the rest.
                </p>
                <ul className="grant-list">
                  {version?.capabilities.map((c) => (
                    <li key={c.capability}>
                      <label className="check">
                        <input type="checkbox" checked={granted.has(c.capability)} onChange={(e) => toggle(c.capability, e.target.checked)} />
                        <span>
                          {c.description} <code>{c.capability}</code>
                        </span>
                      </label>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </fieldset>
          {fields.length > 0 && (
            <fieldset aria-describedby={secretsHint}>
              <legend>Secrets</legend>
              <p className="hint" id={secretsHint}>
                Stored encrypted for this organisation and action; no one can read them back.
              </p>
              {fields.map((f) => (
                <label key={f.name}>
                  Secret {f.name}
                  <input
                    type="password"
                    autoComplete="new-password"
                    value={secrets[f.name] ?? ''}
                    onChange={(e) => setSecrets({ ...secrets, [f.name]: e.target.value })}
                  />
                </label>
              ))}
            </fieldset>
          )}
          {left.length > 0 && version && version.capabilities.length > 0 && (
            <p className="warning" data-testid="ungranted-warning">
              {left.length} of {version.capabilities.length} not granted: it will be installed as awaiting a grant and will not run.
            </p>
          )}
          <ProblemView problem={problem} />
          <div className="row">
            <button type="submit" className="primary" disabled={busy || !version}>
              {installLabel(plugin, versionName)}
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
