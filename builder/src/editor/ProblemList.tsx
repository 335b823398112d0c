/** Every problem of the document, as the server reports it; each one selects its step. */
import type { FieldError } from '../api/types';

export function ProblemList({ problems, checking, onSelect }: { problems: FieldError[]; checking: boolean; onSelect: (nodeId: string) => void }) {
  return (
    <section className="problems" aria-labelledby="problems-title">
      <h2 id="problems-title">
        <span role="status" aria-live="polite" data-testid="problem-count">
          {problems.length === 0 ? 'No problems' : `${problems.length} problem${problems.length > 1 ? 's' : ''}`}
        </span>
        {checking && <span className="muted"> · checking…</span>}
      </h2>
      {problems.length > 0 && (
        <ul>
          {problems.map((p, i) => (
            <li key={i}>
              {p.node_id ? (
                <button className="link" onClick={() => onSelect(p.node_id!)}>
                  {p.node_id}
                </button>
              ) : (
                <span>workflow</span>
              )}{' '}
              <code>{p.field}</code> {p.reason}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
