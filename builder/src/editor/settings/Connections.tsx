/** Where each outcome of a node leads: the keyboard way to connect steps. */
import type { CatalogEntry } from '../../api/types';
import type { WorkflowDocument, WorkflowNode } from '../../model/document';
import { connect, removeEdges } from '../../model/edit';
import { outcomesOf } from '../../model/kinds';

interface Props {
  node: WorkflowNode;
  doc: WorkflowDocument;
  catalog: CatalogEntry[];
  apply: (change: (doc: WorkflowDocument) => WorkflowDocument) => void;
}

export function Connections({ node, doc, catalog, apply }: Props) {
  const outcomes = outcomesOf(node, catalog);
  if (outcomes.length === 0) return null;
  return (
    <fieldset className="connections">
      <legend>Next steps</legend>
      {outcomes.map((o) => {
        const edge = doc.edges.find((e) => e.source === node.id && e.outcome === o.name);
        return (
          <label key={o.name} className="connection">
            <span>Then, on “{o.label}”</span>
            <select
              value={edge?.target ?? ''}
              onChange={(e) => {
                const target = e.target.value;
                apply((d) => (target ? connect(d, node.id, o.name, target) : edge ? removeEdges(d, new Set([edge.id])) : d));
              }}
            >
              <option value="">Nothing (end here)</option>
              {doc.nodes
                .filter((n) => n.id !== node.id && n.kind !== 'trigger')
                .map((n) => (
                  <option key={n.id} value={n.id}>
                    {n.id}
                  </option>
                ))}
            </select>
          </label>
        );
      })}
    </fieldset>
  );
}
