/**
 * One execution shown on the canvas: started as a test run or picked from
 * history, followed live over SSE; every event refreshes the step log.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../api/client';
import type { ExecutionDetail, StepRecord } from '../api/types';
import { followStream } from '../api/sse';

/** How a node looks during a run. */
export type NodeRunStatus = 'running' | 'completed' | 'failed' | 'waiting' | 'skipped';

export interface RunView {
  executionId: string;
  detail: ExecutionDetail | null;
  /** Per node: its status and its latest step. */
  nodes: Map<string, { status: NodeRunStatus; step?: StepRecord }>;
  live: boolean;
}

/** Node statuses from an execution's step log and where it waits. */
export function nodeStatuses(detail: ExecutionDetail, running: Set<string>): RunView['nodes'] {
  const nodes: RunView['nodes'] = new Map();
  for (const step of detail.steps) {
    const status = step.status === 'completed' ? 'completed' : step.status === 'failed' ? 'failed' : 'skipped';
    nodes.set(step.node_id, { status, step });
  }
  if (detail.current_node && (detail.status === 'waiting' || detail.status === 'running') && !nodes.has(detail.current_node)) {
    nodes.set(detail.current_node, { status: detail.status === 'waiting' ? 'waiting' : 'running' });
  }
  for (const id of running) if (!nodes.has(id)) nodes.set(id, { status: 'running' });
  return nodes;
}

export function useRun(api: ApiClient) {
  const [run, setRun] = useState<RunView | null>(null);
  const abort = useRef<AbortController | null>(null);

  const stop = useCallback(() => {
    abort.current?.abort();
    abort.current = null;
    setRun(null);
  }, []);

  const show = useCallback(
    async (executionId: string) => {
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      const running = new Set<string>();
      const refresh = async () => {
        const detail = await api.get<ExecutionDetail>(`/executions/${executionId}`);
        if (controller.signal.aborted) return detail;
        for (const s of detail.steps) running.delete(s.node_id);
        setRun((r) => ({ executionId, detail, nodes: nodeStatuses(detail, running), live: r?.live ?? true }));
        return detail;
      };
      setRun({ executionId, detail: null, nodes: new Map(), live: true });
      const first = await refresh();
      if (['completed', 'failed', 'cancelled'].includes(first.status)) {
        setRun((r) => r && { ...r, live: false });
        return;
      }
      let pending: Promise<unknown> | null = null;
      await followStream(
        `${api.base}/executions/${executionId}/stream`,
        api.token,
        (message) => {
          if (message.event === 'step.started') {
            try {
              const data = JSON.parse(message.data) as { node_id?: string };
              if (data.node_id) running.add(data.node_id);
            } catch {
              /* a malformed event only delays the refresh */
            }
          }
          pending = (pending ?? Promise.resolve()).then(refresh).catch(() => undefined);
        },
        controller.signal,
      );
      if (!controller.signal.aborted) {
        await pending;
        await refresh();
        setRun((r) => r && { ...r, live: false });
      }
    },
    [api],
  );

  useEffect(() => () => abort.current?.abort(), []);
  return { run, show, stop };
}
