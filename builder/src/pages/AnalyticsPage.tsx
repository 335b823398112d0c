/** A workflow's analytics: executions, rates, a series chart, per-node figures, errors, A/B results and goals. */
import { useCallback, useEffect, useState } from 'react';
import type { CatalogEntry, WorkflowAnalytics, WorkflowView } from '../api/types';
import { actionEntry, kindInfo, shortName, summarize } from '../model/kinds';
import {
  categoryLabel,
  executionRates,
  formatCount,
  formatDifference,
  formatMs,
  formatPercent,
  formatPValue,
  RANGES,
  rangeQuery,
  type RangeId,
} from '../model/analytics';
import { navigate } from '../router';
import { useSession } from '../session';
import { SeriesChart } from './SeriesChart';

function Stat({ label, value, tone }: { label: string; value: string; tone?: 'ok' | 'bad' }) {
  return (
    <div className={`stat ${tone ?? ''}`}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

export function AnalyticsPage({ id }: { id: string }) {
  const { api } = useSession();
  const [range, setRange] = useState<RangeId>('7d');
  const [view, setView] = useState<WorkflowView | null>(null);
  const [catalog, setCatalog] = useState<CatalogEntry[]>([]);
  const [report, setReport] = useState<WorkflowAnalytics | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    api
      .get<WorkflowView>(`/workflows/${id}`)
      .then(setView)
      .catch((e) => setError(e instanceof Error ? e.message : String(e)));
    api
      .get<{ items: CatalogEntry[] }>('/catalog')
      .then((c) => setCatalog(c.items))
      .catch(() => setCatalog([]));
  }, [api, id]);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setReport(await api.get<WorkflowAnalytics>(`/workflows/${id}/analytics?${rangeQuery(range, Date.now())}`));
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setLoading(false);
    }
  }, [api, id, range]);

  useEffect(() => {
    void load();
  }, [load]);

  const nodeName = (nodeId: string) => {
    const node = view?.document.nodes.find((n) => n.id === nodeId);
    if (!node) return nodeId;
    const entry = node.kind === 'action' ? actionEntry(node, catalog) : undefined;
    return entry ? shortName(entry) : (kindInfo(node.kind)?.label ?? node.kind);
  };
  const nodeSummary = (nodeId: string) => {
    const node = view?.document.nodes.find((n) => n.id === nodeId);
    return node ? summarize(node, catalog) : 'not in the current version';
  };
  const e = report?.executions;
  const rates = e ? executionRates(e) : null;

  return (
    <div className="page">
      <header className="app-header">
        <a
          href="/"
          className="back"
          onClick={(ev) => {
            ev.preventDefault();
            navigate('/');
          }}
        >
          ← Workflows
        </a>
        <h1 className="brand">Analytics: {view?.name ?? '…'}</h1>
        <div className="spacer" />
        <a
          href={`/workflows/${id}`}
          onClick={(ev) => {
            ev.preventDefault();
            navigate(`/workflows/${id}`);
          }}
        >
          Open in editor
        </a>
      </header>
      <main className="list-main analytics">
        <div className="list-toolbar">
          <label>
            Range
            <select value={range} onChange={(ev) => setRange(ev.target.value as RangeId)}>
              {RANGES.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.label} (by {r.bucket})
                </option>
              ))}
            </select>
          </label>
          <button onClick={() => void load()} disabled={loading}>
            {loading ? 'Refreshing…' : 'Refresh'}
          </button>
          {report && (
            <span className="muted">
              {new Date(report.from).toLocaleString()} – {new Date(report.to).toLocaleString()}
            </span>
          )}
        </div>
        {error && (
          <p role="alert" className="error-text">
            {error}
          </p>
        )}
        {!report && !error && <p>Loading analytics…</p>}
        {report && e && rates && (
          <>
            <section aria-labelledby="runs-heading">
              <h2 id="runs-heading">Runs</h2>
              <dl className="stats" data-testid="execution-stats">
                <Stat label="Entered" value={formatCount(e.entered)} />
                <Stat label="Completed" value={formatCount(e.completed)} tone="ok" />
                <Stat label="Failed" value={formatCount(e.failed)} tone={e.failed > 0 ? 'bad' : undefined} />
                <Stat label="Cancelled" value={formatCount(e.cancelled)} />
                <Stat label="Waiting now" value={formatCount(e.waiting_now)} />
                <Stat label="Completion rate" value={formatPercent(rates.completion)} />
                <Stat label="Failure rate" value={formatPercent(rates.failure)} tone={e.failed > 0 ? 'bad' : undefined} />
                <Stat label="Success rate" value={formatPercent(e.success_rate)} />
              </dl>
              <SeriesChart series={report.series} bucket={report.bucket} />
            </section>

            <section aria-labelledby="nodes-heading">
              <h2 id="nodes-heading">Steps</h2>
              <table className="data-table" aria-labelledby="nodes-heading">
                <thead>
                  <tr>
                    <th scope="col">Step</th>
                    <th scope="col">Entered</th>
                    <th scope="col">Completed</th>
                    <th scope="col">Failed</th>
                    <th scope="col">Skipped</th>
                    <th scope="col">Retried</th>
                    <th scope="col">Waiting now</th>
                    <th scope="col">Success</th>
                    <th scope="col">Run time p50 / p95</th>
                  </tr>
                </thead>
                <tbody>
                  {report.nodes.map((n) => (
                    <tr key={n.node_id} data-testid={`node-stats-${n.node_id}`} className={n.failed > 0 ? 'has-failures' : undefined}>
                      <th scope="row">
                        {nodeName(n.node_id)} <code>{n.node_id}</code>
                        <div className="muted">{nodeSummary(n.node_id)}</div>
                      </th>
                      <td>{formatCount(n.entered)}</td>
                      <td>{formatCount(n.completed)}</td>
                      <td>{formatCount(n.failed)}</td>
                      <td>{formatCount(n.skipped)}</td>
                      <td>{formatCount(n.retried)}</td>
                      <td>{formatCount(n.waiting_now)}</td>
                      <td>{formatPercent(n.success_rate)}</td>
                      <td>{n.duration ? `${formatMs(n.duration.p50_ms)} / ${formatMs(n.duration.p95_ms)}` : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>

            <section aria-labelledby="errors-heading">
              <h2 id="errors-heading">Errors</h2>
              {report.errors.length === 0 ? (
                <p className="empty">No failed attempts in this range.</p>
              ) : (
                <ul className="error-groups">
                  {report.errors.map((g) => (
                    <li key={g.category} className="card" data-testid={`errors-${g.category}`}>
                      <h3>
                        {categoryLabel(g.category)} <span className="badge run-failed">{formatCount(g.count)}</span>
                      </h3>
                      <p className="muted">By step: {g.nodes.map((n) => `${nodeName(n.node_id)} (${n.node_id}) ${formatCount(n.count)}`).join(', ')}</p>
                      <h4>Latest examples</h4>
                      <ul className="examples">
                        {g.examples.map((x, i) => (
                          <li key={`${x.execution_id}-${i}`}>
                            <time dateTime={new Date(x.at).toISOString()}>{new Date(x.at).toLocaleString()}</time> · <code>{x.node_id}</code> · {x.error_kind}
                            <div className="error-text">{x.message}</div>
                            <span className="muted">execution {x.execution_id}</span>
                          </li>
                        ))}
                      </ul>
                    </li>
                  ))}
                </ul>
              )}
            </section>

            <section aria-labelledby="ab-heading">
              <h2 id="ab-heading">A/B tests</h2>
              {report.ab_tests.length === 0 && <p className="empty">This workflow has no A/B split with results in this range.</p>}
              {report.ab_tests.map((t) => (
                <div key={t.node_id} className="card ab-test" data-testid={`ab-${t.node_id}`}>
                  <table className="data-table" aria-label={`A/B split ${t.node_id}`}>
                    <caption>
                      Split <code>{t.node_id}</code>: conversion to a goal
                    </caption>
                    <thead>
                      <tr>
                        <th scope="col">Variant</th>
                        <th scope="col">Entered</th>
                        <th scope="col">Converted</th>
                        <th scope="col">Rate</th>
                        <th scope="col">Against {t.variants[0]?.variant ?? 'control'}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {t.variants.map((v, i) => {
                        const c = t.comparisons.find((x) => x.variant === v.variant);
                        return (
                          <tr key={v.variant}>
                            <th scope="row">{v.variant}</th>
                            <td>{formatCount(v.entered)}</td>
                            <td>{formatCount(v.reached_goal)}</td>
                            <td>{formatPercent(v.conversion_rate)}</td>
                            <td>
                              {i === 0
                                ? 'control'
                                : c
                                  ? `${formatDifference(c.difference)}, ${formatPValue(c.p_value)}: ${c.significant ? 'significant at 95%' : 'not significant'}`
                                  : '—'}
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
              ))}
            </section>

            <section aria-labelledby="goals-heading">
              <h2 id="goals-heading">Goals</h2>
              {report.goals.length === 0 ? (
                <p className="empty">This workflow has no goal with results in this range.</p>
              ) : (
                <table className="data-table" aria-labelledby="goals-heading">
                  <thead>
                    <tr>
                      <th scope="col">Goal</th>
                      <th scope="col">Reached</th>
                      <th scope="col">Conversion</th>
                      <th scope="col">Time to goal p50 / p95</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.goals.map((g) => (
                      <tr key={g.node_id} data-testid={`goal-${g.node_id}`}>
                        <th scope="row">
                          {nodeSummary(g.node_id)} <code>{g.node_id}</code>
                        </th>
                        <td>{formatCount(g.reached)}</td>
                        <td>{formatPercent(g.conversion_rate)}</td>
                        <td>{g.time_to_goal ? `${formatMs(g.time_to_goal.p50_ms)} / ${formatMs(g.time_to_goal.p95_ms)}` : '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          </>
        )}
      </main>
    </div>
  );
}
