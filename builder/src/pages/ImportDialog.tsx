/** Import a workflow export file: the server validates it; every problem and every missing action is reported. */
import { useState } from 'react';
import { ApiError } from '../api/client';
import type { FieldError, WorkflowView } from '../api/types';
import { Dialog } from '../components/Dialog';
import { navigate } from '../router';
import { useSession } from '../session';

interface ImportReport {
  workflow: WorkflowView;
  plugins: { id: string; version: string; status: string; available_versions: string[]; content_differs: boolean }[];
}

export function ImportDialog({ onClose }: { onClose: () => void }) {
  const { api } = useSession();
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<{ detail: string; errors: FieldError[] } | null>(null);

  async function importFile(file: File) {
    setReport(null);
    setError(null);
    let body: unknown;
    try {
      body = JSON.parse(await file.text());
    } catch {
      return setError({ detail: `${file.name} is not a JSON file`, errors: [] });
    }
    try {
      setReport(await api.post<ImportReport>('/workflows/import', body));
    } catch (e) {
      if (e instanceof ApiError) setError({ detail: e.message, errors: e.problem.errors ?? [] });
      else setError({ detail: String(e), errors: [] });
    }
  }

  return (
    <Dialog title="Import a workflow" onClose={onClose}>
      <label htmlFor="import-file">Workflow file (.json)</label>
      <input id="import-file" type="file" accept="application/json,.json" onChange={(e) => e.target.files?.[0] && importFile(e.target.files[0])} />
      {error && (
        <div role="alert" className="report error">
          <p>{error.detail}</p>
          <ul>
            {error.errors.map((p, i) => (
              <li key={i}>
                {p.node_id ? `${p.node_id} · ` : ''}
                {p.field}: {p.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      {report && (
        <div role="status" className="report">
          <p>
            Imported <strong>{report.workflow.name}</strong> as a draft
            {report.workflow.problems.length > 0 ? ` with ${report.workflow.problems.length} problem(s) to fix.` : ', with no problems.'}
          </p>
          {report.plugins.length > 0 && (
            <ul className="plugin-report">
              {report.plugins.map((p) => (
                <li key={`${p.id}@${p.version}`}>
                  {p.id} {p.version}: {p.status.replace(/_/g, ' ')}
                  {p.available_versions.length > 0 && ` (installed: ${p.available_versions.join(', ')})`}
                  {p.content_differs && ' — differs from the exported build'}
                </li>
              ))}
            </ul>
          )}
          {report.workflow.problems.length > 0 && (
            <ul>
              {report.workflow.problems.map((p, i) => (
                <li key={i}>
                  {p.node_id ? `${p.node_id} · ` : ''}
                  {p.field}: {p.reason}
                </li>
              ))}
            </ul>
          )}
          <button className="primary" onClick={() => navigate(`/workflows/${report.workflow.id}`)}>
            Open imported workflow
          </button>
        </div>
      )}
    </Dialog>
  );
}
