/** The editor route: loads the workflow and the catalog, then shows the editor. */
import { useEffect, useState } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import type { CatalogEntry, WorkflowView } from '../api/types';
import { navigate } from '../router';
import { useSession } from '../session';
import { Editor } from './Editor';

export function EditorPage({ id }: { id: string }) {
  const { api } = useSession();
  const [loaded, setLoaded] = useState<{ view: WorkflowView; catalog: CatalogEntry[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    Promise.all([api.get<WorkflowView>(`/workflows/${id}`), api.get<{ items: CatalogEntry[] }>('/catalog')])
      .then(([view, catalog]) => setLoaded({ view, catalog: catalog.items }))
      .catch((e) => setError(e instanceof Error ? e.message : String(e)));
  }, [api, id]);
  if (error) {
    return (
      <main className="page centered">
        <p role="alert">{error}</p>
        <button onClick={() => navigate('/')}>Back to workflows</button>
      </main>
    );
  }
  if (!loaded) return <main className="page centered">Loading workflow…</main>;
  return (
    <ReactFlowProvider>
      <Editor initial={loaded.view} catalog={loaded.catalog} />
    </ReactFlowProvider>
  );
}
