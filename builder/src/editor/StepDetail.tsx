/** One step of a run: status, outcome, duration, input, output and error. */
import type { StepRecord } from '../api/types';
import type { NodeRunStatus } from './useRun';

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export function StepDetail({ nodeId, status, step }: { nodeId: string; status: NodeRunStatus; step?: StepRecord }) {
  return (
    <section className={`step-detail run-${status}`} aria-label={`Run of ${nodeId}`}>
      <h3>
        This run: {status}
        {step?.outcome ? ` → ${step.outcome}` : ''}
      </h3>
      {step && (
        <p className="muted">
          {step.finished_at - step.started_at} ms · attempt {step.attempt}
          {step.fuel ? ` · ${step.fuel.toLocaleString()} fuel` : ''}
        </p>
      )}
      {step?.error && (
        <div className="step-error" role="alert">
          <strong>Error{step.error_kind ? ` (${step.error_kind})` : ''}:</strong> <span data-testid="step-error">{step.error}</span>
        </div>
      )}
      {step?.input !== undefined && step.input !== null && (
        <details open>
          <summary>Input</summary>
          <pre>{json(step.input)}</pre>
        </details>
      )}
      {step?.output !== undefined && step.output !== null && (
        <details open>
          <summary>Output</summary>
          <pre>{json(step.output)}</pre>
        </details>
      )}
      {status === 'waiting' && <p>The execution is waiting here.</p>}
    </section>
  );
}
