/** A node on the canvas: its shape per kind, key setting, problems, run status and one handle per outcome. */
import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { FieldError, NodeAnalytics, StepRecord } from '../api/types';
import { nodeStatsText } from '../model/analytics';
import type { NodeKindName } from '../model/document';
import { Icon } from '../components/Icon';
import type { NodeRunStatus } from './useRun';

export interface NodeCardData extends Record<string, unknown> {
  kind: NodeKindName;
  title: string;
  summary: string;
  icon: string;
  outcomes: { name: string; label: string }[];
  problems: FieldError[];
  run?: { status: NodeRunStatus; step?: StepRecord };
  /** Analytics figures, when the editor shows them on the canvas. */
  stats?: NodeAnalytics;
}

export type NodeCardNode = Node<NodeCardData, 'workflow'>;

const STATUS_TEXT: Record<NodeRunStatus, string> = {
  running: 'running',
  completed: 'done',
  failed: 'failed',
  waiting: 'waiting',
  skipped: 'skipped',
};

function duration(step?: StepRecord): string {
  if (!step) return '';
  const ms = step.finished_at - step.started_at;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function NodeCardView({ id, data, selected }: NodeProps<NodeCardNode>) {
  const { kind, title, summary, icon, outcomes, problems, run, stats } = data;
  const entry = kind === 'trigger' || kind === 'goal';
  const classes = ['node-card', `kind-${kind}`, selected ? 'selected' : '', problems.length ? 'has-problems' : '', run ? `run-${run.status}` : ''];
  return (
    <div className={classes.join(' ')} data-testid={`node-${id}`} aria-label={`${title}: ${summary}`}>
      {kind !== 'trigger' && <Handle type="target" position={Position.Top} className="handle-in" aria-label={`Connect into ${id}`} />}
      <div className="node-head">
        <Icon name={icon} />
        <span className="node-title">{title}</span>
        {problems.length > 0 && (
          <span className="node-problems" title={problems.map((p) => `${p.field}: ${p.reason}`).join('\n')}>
            {problems.length} problem{problems.length > 1 ? 's' : ''}
          </span>
        )}
      </div>
      <div className="node-summary">{summary}</div>
      <div className="node-id">{entry ? `${id} · start` : id}</div>
      {run && (
        <div className={`node-run run-${run.status}`} data-testid={`run-${id}`}>
          {STATUS_TEXT[run.status]}
          {run.step && ` · ${duration(run.step)}`}
        </div>
      )}
      {stats && (
        <div className={`node-stats ${stats.failed > 0 ? 'has-failures' : ''}`} data-testid={`stats-${id}`}>
          {nodeStatsText(stats)}
        </div>
      )}
      {outcomes.length > 0 && (
        <div className="node-outcomes">
          {outcomes.map((o, i) => (
            <div key={o.name} className="outcome" style={{ left: `${((i + 1) / (outcomes.length + 1)) * 100}%` }}>
              <span className="outcome-label">{o.label}</span>
              <Handle
                id={o.name}
                type="source"
                position={Position.Bottom}
                className={`handle-out outcome-${o.name}`}
                style={{ left: '50%' }}
                aria-label={`Connect ${o.label} of ${id}`}
              />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

export const NodeCard = memo(NodeCardView);
