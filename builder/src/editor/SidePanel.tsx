/** The side panel: the selected node's settings (and its step in the run shown), or the workflow's settings. */
import { lazy, Suspense, useMemo } from 'react';
import type { CatalogEntry, FieldError } from '../api/types';
import { VariablesContext } from '../components/variables';
import type { WorkflowDocument } from '../model/document';
import { removeNodes, setConfig } from '../model/edit';
import { actionEntry, kindInfo } from '../model/kinds';
import { variablesAt } from '../model/scope';
import { AbSplitSettings, GoalSettings, GotoSettings, IfElseSettings, SwitchSettings } from './settings/BranchSettings';
import { Connections } from './settings/Connections';
import { TriggerSettings } from './settings/TriggerSettings';
import type { SettingsProps } from './settings/types';
import { DelaySettings, WaitForEventSettings, WaitUntilSettings } from './settings/WaitSettings';
import { WorkflowSettings } from './settings/WorkflowSettings';
import { StepDetail } from './StepDetail';
import type { RunView } from './useRun';

/** Action forms (and their JSON Schema library) load when an action is first opened. */
const ActionSettings = lazy(() => import('./settings/ActionSettings').then((m) => ({ default: m.ActionSettings })));

const SETTINGS: Record<string, (p: SettingsProps) => React.ReactNode> = {
  trigger: TriggerSettings,
  action: ActionSettings,
  delay: DelaySettings,
  wait_until: WaitUntilSettings,
  wait_for_event: WaitForEventSettings,
  if_else: IfElseSettings,
  switch: SwitchSettings,
  ab_split: AbSplitSettings,
  goal: GoalSettings,
  goto: GotoSettings,
  exit: () => <p className="hint">The execution ends here.</p>,
};

interface Props {
  doc: WorkflowDocument;
  catalog: CatalogEntry[];
  problems: FieldError[];
  selected: string | null;
  run: RunView | null;
  readOnly: boolean;
  apply: (change: (doc: WorkflowDocument) => WorkflowDocument, mergeKey?: string) => void;
  onClose: () => void;
}

export function SidePanel({ doc, catalog, problems, selected, run, readOnly, apply, onClose }: Props) {
  const node = doc.nodes.find((n) => n.id === selected);
  const variables = useMemo(() => (node ? variablesAt(doc, node.id, catalog) : []), [doc, node, catalog]);
  if (!node) {
    return (
      <aside className="side-panel" aria-label="Settings">
        {readOnly ? <p className="hint">Select a step to see it.</p> : <WorkflowSettings doc={doc} apply={apply} />}
      </aside>
    );
  }
  const own = problems.filter((p) => p.node_id === node.id);
  const entry = node.kind === 'action' ? actionEntry(node, catalog) : undefined;
  const Settings = SETTINGS[node.kind];
  const runNode = run?.nodes.get(node.id);
  return (
    <aside className="side-panel" aria-label={`Settings of ${node.id}`}>
      <header className="panel-header">
        <h2>{entry?.name ?? kindInfo(node.kind)?.label ?? node.kind}</h2>
        <span className="muted">{node.id}</span>
        <button className="icon-button" aria-label="Close settings" onClick={onClose}>
          ×
        </button>
      </header>
      {runNode && <StepDetail nodeId={node.id} status={runNode.status} step={runNode.step} />}
      {own.length > 0 && (
        <ul className="node-problem-list" aria-label="Problems of this step">
          {own.map((p, i) => (
            <li key={i}>
              <code>{p.field.replace(/^config\.(input\.)?/, '')}</code> {p.reason}
            </li>
          ))}
        </ul>
      )}
      <VariablesContext.Provider value={variables}>
        <fieldset className="settings" disabled={readOnly}>
          <legend className="visually-hidden">Step settings</legend>
          <Suspense fallback={<p className="muted">Loading the form…</p>}>
            <Settings node={node} doc={doc} catalog={catalog} problems={problems} update={(config) => apply((d) => setConfig(d, node.id, config), `config:${node.id}`)} />
          </Suspense>
          <Connections node={node} doc={doc} catalog={catalog} apply={apply} />
        </fieldset>
      </VariablesContext.Provider>
      {!readOnly && (
        <button className="danger" onClick={() => apply((d) => removeNodes(d, new Set([node.id])))}>
          Delete step
        </button>
      )}
    </aside>
  );
}
