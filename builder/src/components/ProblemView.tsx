/** An API problem shown in full: the detail, the failed check, and each field error. */
import { ApiError } from '../api/client';
import type { ProblemDocument } from '../api/types';
import { problemLines } from '../model/marketplace';

/** Any thrown value as a problem document. */
export function asProblem(error: unknown): ProblemDocument {
  if (error instanceof ApiError) return error.problem;
  return { type: 'unknown', title: 'Error', status: 0, detail: String(error) };
}

export function ProblemView({ problem }: { problem: ProblemDocument | null }) {
  if (!problem) return null;
  const [first, ...rest] = problemLines(problem);
  return (
    <div role="alert" className="problem">
      <p className="error-text">
        <strong>{problem.status ? `${problem.title} (${problem.status})` : problem.title}:</strong> {first}
      </p>
      {rest.length > 0 && (
        <ul className="problem-list">
          {rest.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
