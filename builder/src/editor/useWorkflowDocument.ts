/**
 * The document being edited: undo history, debounced auto-save with
 * `If-Match`, and conflicts (someone else saved) surfaced, never overwritten
 * silently.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, type ApiClient } from '../api/client';
import type { WorkflowView } from '../api/types';
import type { WorkflowDocument } from '../model/document';
import { createHistory, record, redo, replacePresent, undo, type History } from '../model/undo';

export type SaveState = 'saved' | 'unsaved' | 'saving' | 'conflict' | 'error';

/** Quiet time after the last edit before it is saved. */
export const AUTOSAVE_DELAY_MS = 700;

export interface DocumentEditor {
  history: History<WorkflowDocument>;
  doc: WorkflowDocument;
  view: WorkflowView;
  saveState: SaveState;
  saveError: string | null;
  /** The version someone else saved, while in conflict. */
  conflictVersion: number | null;
  apply: (change: (doc: WorkflowDocument) => WorkflowDocument, mergeKey?: string) => void;
  undo: () => void;
  redo: () => void;
  saveNow: () => Promise<void>;
  /** Drops local edits and loads the server's current version. */
  reload: () => Promise<void>;
  /** Saves local edits over the server's current version (after a conflict). */
  overwrite: () => Promise<void>;
  /** Replaces the view after a server-side change (activate, restore). */
  adopt: (view: WorkflowView, etag?: string | null) => void;
}

function versionOf(etag: string | null, fallback: number): number {
  const n = etag ? Number(etag.replace(/^W\//, '').replace(/"/g, '')) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

export function useWorkflowDocument(api: ApiClient, initial: WorkflowView): DocumentEditor {
  const [history, setHistory] = useState(() => createHistory(initial.document));
  const [view, setView] = useState(initial);
  const [saveState, setSaveState] = useState<SaveState>('saved');
  const [saveError, setSaveError] = useState<string | null>(null);
  const [conflictVersion, setConflictVersion] = useState<number | null>(null);
  /** Bumped after each save, so edits made while it was in flight are saved next. */
  const [saves, setSaves] = useState(0);
  const saved = useRef<WorkflowDocument>(initial.document);
  const version = useRef(initial.version);
  const inFlight = useRef<Promise<void> | null>(null);
  const latest = useRef(history.present);
  latest.current = history.present;

  const put = useCallback(
    async (doc: WorkflowDocument, expected: number) => {
      setSaveState('saving');
      try {
        const { body, etag } = await api.request<WorkflowView>('PUT', `/workflows/${view.id}`, doc, { 'if-match': `"${expected}"` });
        version.current = versionOf(etag, body.version);
        saved.current = doc;
        setView(body);
        setSaveError(null);
        setConflictVersion(null);
        setSaveState(latest.current === doc ? 'saved' : 'unsaved');
        setSaves((n) => n + 1);
      } catch (e) {
        if (e instanceof ApiError && e.status === 409) {
          setConflictVersion(Number(e.problem.current_version ?? NaN));
          setSaveState('conflict');
        } else {
          setSaveError(e instanceof Error ? e.message : String(e));
          setSaveState('error');
        }
      }
    },
    [api, view.id],
  );

  const saveNow = useCallback(async () => {
    if (inFlight.current) await inFlight.current;
    const doc = latest.current;
    if (doc === saved.current) return;
    const run = put(doc, version.current);
    inFlight.current = run;
    await run;
    inFlight.current = null;
  }, [put]);

  useEffect(() => {
    if (saveState === 'conflict') return;
    if (history.present === saved.current) {
      // Undone back to what is saved: nothing to do.
      if (saveState === 'unsaved') setSaveState('saved');
      return;
    }
    setSaveState((s) => (s === 'saving' ? s : 'unsaved'));
    const timer = setTimeout(() => void saveNow(), AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [history.present, saveNow, saveState, saves]);

  const apply = useCallback((change: (doc: WorkflowDocument) => WorkflowDocument, mergeKey?: string) => {
    setHistory((h) => record(h, change(h.present), mergeKey));
  }, []);

  const adopt = useCallback((next: WorkflowView, etag?: string | null) => {
    version.current = versionOf(etag ?? null, next.version);
    saved.current = next.document;
    setView(next);
    setConflictVersion(null);
    setSaveState('saved');
    setHistory((h) => record(h, next.document));
  }, []);

  const reload = useCallback(async () => {
    const { body, etag } = await api.request<WorkflowView>('GET', `/workflows/${view.id}`);
    adopt(body, etag);
  }, [api, view.id, adopt]);

  const overwrite = useCallback(async () => {
    const { body, etag } = await api.request<WorkflowView>('GET', `/workflows/${view.id}`);
    version.current = versionOf(etag, body.version);
    setConflictVersion(null);
    await put(latest.current, version.current);
  }, [api, view.id, put]);

  // Saves pending edits before the page goes away.
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (latest.current !== saved.current) e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);

  return {
    history,
    doc: history.present,
    view,
    saveState,
    saveError,
    conflictVersion,
    apply,
    undo: () => setHistory(undo),
    redo: () => setHistory(redo),
    saveNow,
    reload,
    overwrite,
    adopt: (next, etag) => {
      adopt(next, etag);
      setHistory((h) => replacePresent(h, next.document));
    },
  };
}
