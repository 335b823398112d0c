/** Start a test run (actions send nothing) with a sample contact and trigger data. */
import { useState } from 'react';
import { ApiError, type ApiClient } from '../api/client';
import { Dialog } from '../components/Dialog';
import type { WorkflowDocument } from '../model/document';
import { triggerEvent } from '../model/triggers';

const SAMPLE_CONTACT = { id: 'sample-contact', first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', phone: '+447700900123' };

function sampleTrigger(doc: WorkflowDocument): Record<string, unknown> {
  const trigger = doc.nodes.find((n) => n.kind === 'trigger');
  const fields = triggerEvent(String(trigger?.config.event ?? ''))?.fields ?? [];
  return Object.fromEntries(fields.slice(0, 3).map((f) => [f, f === 'source' ? 'website' : `sample ${f.replace(/_/g, ' ')}`]));
}

export function TestRunDialog({ api, workflowId, doc, onStarted, onClose }: { api: ApiClient; workflowId: string; doc: WorkflowDocument; onStarted: (executionId: string) => void; onClose: () => void }) {
  const [contact, setContact] = useState(JSON.stringify(SAMPLE_CONTACT, null, 2));
  const [trigger, setTrigger] = useState(JSON.stringify(sampleTrigger(doc), null, 2));
  const [error, setError] = useState<string | null>(null);

  async function start(event: React.FormEvent) {
    event.preventDefault();
    let body: { contact: unknown; trigger: unknown };
    try {
      body = { contact: JSON.parse(contact), trigger: JSON.parse(trigger) };
    } catch (e) {
      return setError(`Sample data is not valid JSON: ${(e as Error).message}`);
    }
    try {
      const started = await api.post<{ execution_id: string }>(`/workflows/${workflowId}/test-run`, body);
      onStarted(started.execution_id);
    } catch (e) {
      const problems = e instanceof ApiError ? (e.problem.errors ?? []) : [];
      setError([(e as Error).message, ...problems.map((p) => `${p.node_id ?? ''} ${p.field}: ${p.reason}`)].join('\n'));
    }
  }

  return (
    <Dialog title="Test run" onClose={onClose}>
      <form onSubmit={start} className="stack">
        <p className="hint">Runs the saved workflow with this data. Actions check their input but send nothing.</p>
        <label>
          Sample contact (JSON)
          <textarea rows={7} value={contact} onChange={(e) => setContact(e.target.value)} spellCheck={false} />
        </label>
        <label>
          Trigger data (JSON)
          <textarea rows={4} value={trigger} onChange={(e) => setTrigger(e.target.value)} spellCheck={false} />
        </label>
        {error && (
          <pre role="alert" className="error-text">
            {error}
          </pre>
        )}
        <button type="submit" className="primary">
          Start test run
        </button>
      </form>
    </Dialog>
  );
}
