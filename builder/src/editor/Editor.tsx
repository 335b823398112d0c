/** The editor: palette, canvas, settings, problems, and the commands around them. */
import { useCallback, useMemo, useRef, useState } from 'react';
import { useReactFlow } from '@xyflow/react';
import { ApiError } from '../api/client';
import type { CatalogEntry, NodeAnalytics, WorkflowAnalytics, WorkflowView } from '../api/types';
import { rangeQuery, statsByNode } from '../model/analytics';
import type { Position, WorkflowDocument } from '../model/document';
import { addNode, connect, copyFragment, moveNodes, pasteFragment, removeEdges, removeNodes, type Fragment } from '../model/edit';
import { outcomesOf } from '../model/kinds';
import { autoLayout } from '../model/layout';
import { canRedo, canUndo } from '../model/undo';
import { navigate } from '../router';
import { useSession } from '../session';
import { Canvas } from './Canvas';
import { createNode, type PaletteItem } from './createNode';
import { HelpOverlay } from './HelpOverlay';
import { HistoryPanel } from './HistoryPanel';
import { Palette } from './Palette';
import { ProblemList } from './ProblemList';
import { SidePanel } from './SidePanel';
import { TestRunDialog } from './TestRunDialog';
import { useRun } from './useRun';
import { useShortcuts } from './useShortcuts';
import { useValidation } from './useValidation';
import { useWorkflowDocument, type SaveState } from './useWorkflowDocument';
import { VersionsPanel } from './VersionsPanel';
import { useTheme } from '../theme';

const SAVE_TEXT: Record<SaveState, string> = {
  saved: 'All changes saved',
  unsaved: 'Unsaved changes',
  saving: 'Saving…',
  conflict: 'Not saved: conflict',
  error: 'Not saved',
};

/** Copied steps, shared by every editor of this tab. */
let clipboard: Fragment | null = null;

type Dialog = 'test' | 'history' | 'versions' | 'help' | null;

export function Editor({ initial, catalog }: { initial: WorkflowView; catalog: CatalogEntry[] }) {
  const { api } = useSession();
  const editor = useWorkflowDocument(api, initial);
  const [preview, setPreview] = useState<{ version: number; doc: WorkflowDocument } | null>(null);
  const doc = preview?.doc ?? editor.doc;
  const readOnly = preview !== null;
  const { problems, checking } = useValidation(api, editor.doc, initial.problems);
  const { run, show, stop } = useRun(api);
  const [selectedNodes, setSelectedNodes] = useState<Set<string>>(new Set());
  const [selectedEdges, setSelectedEdges] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<Dialog>(null);
  const [notice, setNotice] = useState<{ text: string; tone: 'error' | 'info' } | null>(null);
  const [panelOpen, setPanelOpen] = useState(() => window.innerWidth > 1100);
  const flow = useReactFlow();
  const pasteCount = useRef(0);
  const [stats, setStats] = useState<Map<string, NodeAnalytics> | null>(null);

  async function toggleStats() {
    if (stats) return setStats(null);
    try {
      const report = await api.get<WorkflowAnalytics>(`/workflows/${initial.id}/analytics?${rangeQuery('7d', Date.now())}`);
      setStats(statsByNode(report.nodes));
    } catch (e) {
      setNotice({ text: e instanceof Error ? e.message : String(e), tone: 'error' });
    }
  }

  const { apply } = editor;
  const select = useCallback((nodes: Set<string>, edges: Set<string> = new Set()) => {
    setSelectedNodes(nodes);
    setSelectedEdges(edges);
    if (nodes.size > 0) setPanelOpen(true);
  }, []);
  const selectedOne = selectedNodes.size === 1 ? [...selectedNodes][0] : null;

  const addItem = useCallback(
    (item: PaletteItem, position?: Position) => {
      if (readOnly) return;
      const after = selectedOne ? editor.doc.nodes.find((n) => n.id === selectedOne) : undefined;
      let at = position;
      if (!at) {
        if (after) at = { x: after.position.x, y: after.position.y + 150 };
        else {
          const box = document.querySelector('.canvas')?.getBoundingClientRect();
          at = flow.screenToFlowPosition({ x: (box?.left ?? 0) + (box?.width ?? 600) / 2 - 120, y: (box?.top ?? 0) + (box?.height ?? 400) / 2 });
        }
      }
      const node = createNode(item, editor.doc, at);
      apply((d) => {
        let next = addNode(d, node);
        if (!position && after) {
          const free = outcomesOf(after, catalog).find((o) => !d.edges.some((e) => e.source === after.id && e.outcome === o.name));
          if (free && node.kind !== 'trigger') next = connect(next, after.id, free.name, node.id);
        }
        return next;
      });
      select(new Set([node.id]));
    },
    [apply, catalog, editor.doc, flow, readOnly, select, selectedOne],
  );

  const removeSelection = useCallback(() => {
    if (readOnly) return;
    if (selectedNodes.size > 0) apply((d) => removeNodes(d, selectedNodes));
    else if (selectedEdges.size > 0) apply((d) => removeEdges(d, selectedEdges));
    select(new Set());
  }, [apply, readOnly, select, selectedEdges, selectedNodes]);

  const paste = useCallback(
    (fragment: Fragment | null) => {
      if (!fragment || readOnly || fragment.nodes.length === 0) return;
      pasteCount.current += 1;
      const shift = 40 * pasteCount.current;
      let ids: string[] = [];
      apply((d) => {
        const result = pasteFragment(d, fragment, { x: shift, y: shift });
        ids = result.ids;
        return result.doc;
      });
      setTimeout(() => select(new Set(ids)), 0);
    },
    [apply, readOnly, select],
  );

  const layout = useCallback(() => {
    if (readOnly) return;
    apply((d) => moveNodes(d, autoLayout(d)));
    setTimeout(() => flow.fitView({ duration: 200 }), 50);
  }, [apply, flow, readOnly]);

  useShortcuts({
    undo: editor.undo,
    redo: editor.redo,
    copy: () => {
      clipboard = copyFragment(editor.doc, selectedNodes);
      pasteCount.current = 0;
    },
    paste: () => paste(clipboard),
    duplicate: () => {
      pasteCount.current = 0;
      paste(copyFragment(editor.doc, selectedNodes));
    },
    remove: removeSelection,
    selectAll: () => select(new Set(doc.nodes.map((n) => n.id))),
    save: () => void editor.saveNow(),
    layout,
    clear: () => select(new Set()),
    help: () => setDialog('help'),
  });

  async function setActive(active: boolean) {
    await editor.saveNow();
    try {
      const { body, etag } = await api.request<WorkflowView>('POST', `/workflows/${initial.id}/${active ? 'activate' : 'deactivate'}`, {});
      editor.adopt(body, etag);
      setNotice({ text: active ? 'The workflow is active: its trigger now starts runs.' : 'The workflow is switched off.', tone: 'info' });
    } catch (e) {
      setNotice({ text: e instanceof Error ? e.message : String(e), tone: 'error' });
    }
  }

  async function exportFile() {
    await editor.saveNow();
    try {
      const exported = await api.get<unknown>(`/workflows/${initial.id}/export`);
      const blob = new Blob([JSON.stringify(exported, null, 2)], { type: 'application/json' });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `${editor.doc.name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-|-$/g, '') || 'workflow'}.atlas.json`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    } catch (e) {
      setNotice({ text: e instanceof Error ? e.message : String(e), tone: 'error' });
    }
  }

  async function openTestRun() {
    await editor.saveNow();
    setDialog('test');
  }

  async function previewVersion(version: number) {
    const v = await api.get<{ version: number; document: WorkflowDocument }>(`/workflows/${initial.id}/versions/${version}`);
    stop();
    setPreview({ version, doc: v.document });
    setDialog(null);
    select(new Set());
  }

  async function restorePreview() {
    if (!preview) return;
    await editor.saveNow();
    try {
      const { body, etag } = await api.request<WorkflowView>('POST', `/workflows/${initial.id}/versions/${preview.version}/restore`, {}, { 'if-match': `"${editor.view.version}"` });
      editor.adopt(body, etag);
      setNotice({ text: `Version ${preview.version} restored as version ${body.version}.`, tone: 'info' });
      setPreview(null);
    } catch (e) {
      setNotice({ text: e instanceof ApiError ? e.message : String(e), tone: 'error' });
    }
  }

  const status = editor.view.status;
  const runDetail = run?.detail;
  const title = useMemo(() => editor.doc.name, [editor.doc.name]);
  const theme = useTheme();

  return (
    <div className={`editor ${panelOpen ? 'panel-open' : ''}`}>
      <header className="editor-bar">
        {theme.logo && <img className="bar-logo" src={theme.logo} alt={theme.productName} />}
        <a
          href="/"
          className="back"
          onClick={(e) => {
            e.preventDefault();
            void editor.saveNow().then(() => navigate('/'));
          }}
        >
          ← Workflows
        </a>
        <label className="name-field">
          <span className="visually-hidden">Workflow name</span>
          <input value={title} disabled={readOnly} onChange={(e) => apply((d) => ({ ...d, name: e.target.value }), 'name')} />
        </label>
        <span className={`badge status-${status}`} data-testid="workflow-status">
          {status}
        </span>
        <span className={`save-state save-${editor.saveState}`} role="status" aria-live="polite" data-testid="save-state">
          {SAVE_TEXT[editor.saveState]}
        </span>
        <div className="bar-group" role="toolbar" aria-label="Editing">
          <button onClick={editor.undo} disabled={!canUndo(editor.history) || readOnly} title="Undo (Ctrl+Z)">
            Undo
          </button>
          <button onClick={editor.redo} disabled={!canRedo(editor.history) || readOnly} title="Redo (Ctrl+Shift+Z)">
            Redo
          </button>
          <button onClick={layout} disabled={readOnly} title="Auto-layout (Ctrl+L)">
            Tidy up
          </button>
        </div>
        <div className="bar-group" role="toolbar" aria-label="Workflow">
          {status === 'active' ? (
            <button onClick={() => setActive(false)}>Deactivate</button>
          ) : (
            <button onClick={() => setActive(true)} className="primary" disabled={readOnly}>
              Activate
            </button>
          )}
          <button onClick={openTestRun} disabled={readOnly}>
            Test run
          </button>
          <button onClick={() => setDialog('history')}>Runs</button>
          <button onClick={() => void toggleStats()} aria-pressed={stats !== null} title="Runs and failures of each step over the last 7 days">
            Step stats
          </button>
          <button onClick={() => void editor.saveNow().then(() => navigate(`/workflows/${initial.id}/analytics`))}>Analytics</button>
          <button onClick={() => setDialog('versions')}>Versions</button>
          <button onClick={exportFile}>Export</button>
          <button onClick={() => setDialog('help')} aria-label="Keyboard shortcuts">
            ?
          </button>
        </div>
      </header>

      {editor.saveState === 'conflict' && (
        <div className="banner error" role="alert">
          Someone else saved this workflow{Number.isFinite(editor.conflictVersion) ? ` (now version ${editor.conflictVersion})` : ''}. Your latest changes are not saved.
          <button onClick={() => void editor.reload()}>Load their version</button>
          <button onClick={() => void editor.overwrite()}>Save mine over it</button>
        </div>
      )}
      {editor.saveState === 'error' && (
        <div className="banner error" role="alert">
          {editor.saveError}
          <button onClick={() => void editor.saveNow()}>Retry</button>
        </div>
      )}
      {notice && (
        <div className={`banner ${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
          {notice.text}
          <button onClick={() => setNotice(null)} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
      {preview && (
        <div className="banner info" role="status">
          Previewing version {preview.version} (read-only).
          <button className="primary" onClick={restorePreview}>
            Restore version {preview.version}
          </button>
          <button onClick={() => setPreview(null)}>Back to current</button>
        </div>
      )}
      {run && (
        <div className={`banner run-banner run-${runDetail?.status ?? 'running'}`} role="status" data-testid="run-banner">
          {runDetail?.test_mode ? 'Test run' : 'Run'} {runDetail ? runDetail.status : 'starting'}
          {run.live && ' · live'}
          {runDetail?.error && `: ${runDetail.error}`}
          <span className="muted"> Select a step to see its input, output and error.</span>
          <button onClick={stop}>Close run view</button>
        </div>
      )}

      <Palette catalog={catalog} onAdd={(item) => addItem(item)} />
      <main className="canvas-area" aria-label="Canvas">
        <Canvas
          doc={doc}
          catalog={catalog}
          problems={readOnly ? [] : problems}
          run={run}
          stats={stats}
          selectedNodes={selectedNodes}
          selectedEdges={selectedEdges}
          readOnly={readOnly}
          onSelect={select}
          apply={apply}
          onDropItem={addItem}
        />
      </main>
      {panelOpen && (
        <SidePanel
          doc={doc}
          catalog={catalog}
          problems={problems}
          selected={selectedOne}
          run={run}
          readOnly={readOnly}
          apply={apply}
          onClose={() => {
            select(new Set());
            setPanelOpen(window.innerWidth > 1100);
          }}
        />
      )}
      <ProblemList problems={readOnly ? [] : problems} checking={checking} onSelect={(id) => select(new Set([id]))} />

      {dialog === 'test' && (
        <TestRunDialog
          api={api}
          workflowId={initial.id}
          doc={editor.doc}
          onClose={() => setDialog(null)}
          onStarted={(id) => {
            setDialog(null);
            void show(id);
          }}
        />
      )}
      {dialog === 'history' && (
        <HistoryPanel
          api={api}
          workflowId={initial.id}
          onClose={() => setDialog(null)}
          onPick={(id) => {
            setDialog(null);
            void show(id);
          }}
        />
      )}
      {dialog === 'versions' && <VersionsPanel api={api} workflowId={initial.id} current={editor.view.version} onPreview={previewVersion} onClose={() => setDialog(null)} />}
      {dialog === 'help' && <HelpOverlay onClose={() => setDialog(null)} />}
    </div>
  );
}
