/** The canvas: nodes and edges of the document, drag and drop from the palette, connections by outcome. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  applyNodeChanges,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import type { CatalogEntry, FieldError, NodeAnalytics } from '../api/types';
import type { Position, WorkflowDocument } from '../model/document';
import { connect, moveNodes } from '../model/edit';
import { actionEntry, kindInfo, outcomesOf, shortName, summarize } from '../model/kinds';
import { NODE_WIDTH } from '../model/layout';
import type { PaletteItem } from './createNode';
import { NodeCard, type NodeCardNode } from './NodeCard';
import { DRAG_TYPE } from './Palette';
import type { RunView } from './useRun';

const nodeTypes = { workflow: NodeCard };

interface Props {
  doc: WorkflowDocument;
  catalog: CatalogEntry[];
  problems: FieldError[];
  run: RunView | null;
  /** Analytics figures by node id, shown on each node when given. */
  stats?: Map<string, NodeAnalytics> | null;
  selectedNodes: Set<string>;
  selectedEdges: Set<string>;
  readOnly: boolean;
  onSelect: (nodes: Set<string>, edges: Set<string>) => void;
  apply: (change: (doc: WorkflowDocument) => WorkflowDocument, mergeKey?: string) => void;
  onDropItem: (item: PaletteItem, position: Position) => void;
}

export function Canvas(props: Props) {
  const { doc, catalog, problems, run, stats, selectedNodes, selectedEdges, readOnly, onSelect, apply, onDropItem } = props;
  const flow = useReactFlow();
  const [nodes, setNodes] = useState<NodeCardNode[]>([]);

  useEffect(() => {
    const byNode = new Map<string, FieldError[]>();
    for (const p of problems) if (p.node_id) byNode.set(p.node_id, [...(byNode.get(p.node_id) ?? []), p]);
    setNodes((previous) => {
      const old = new Map(previous.map((n) => [n.id, n]));
      return doc.nodes.map((n) => {
        const entry = n.kind === 'action' ? actionEntry(n, catalog) : undefined;
        const info = kindInfo(n.kind);
        const before = old.get(n.id);
        return {
          ...(before ?? {}),
          id: n.id,
          type: 'workflow' as const,
          position: before?.dragging ? before.position : n.position,
          selected: selectedNodes.has(n.id),
          draggable: !readOnly,
          data: {
            kind: n.kind,
            title: entry ? shortName(entry) : n.kind === 'action' ? String(n.config.plugin ?? 'Action') : (info?.label ?? n.kind),
            summary: summarize(n, catalog),
            icon: entry?.icon ?? info?.icon ?? 'zap',
            outcomes: outcomesOf(n, catalog),
            problems: byNode.get(n.id) ?? [],
            run: run?.nodes.get(n.id),
            stats: stats?.get(n.id),
          },
        };
      });
    });
  }, [doc, catalog, problems, run, stats, selectedNodes, readOnly]);

  const edges: Edge[] = useMemo(
    () =>
      doc.edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        sourceHandle: e.outcome,
        label: e.outcome === 'next' ? undefined : e.outcome,
        selected: selectedEdges.has(e.id),
        className: run?.nodes.get(e.source)?.step?.outcome === e.outcome ? 'edge-taken' : undefined,
        animated: run?.nodes.get(e.source)?.step?.outcome === e.outcome && run.live,
      })),
    [doc.edges, selectedEdges, run],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<NodeCardNode>[]) => {
      setNodes((current) => applyNodeChanges(changes, current));
      const moved = new Map<string, Position>();
      let selectionChanged = false;
      const nextSelected = new Set(selectedNodes);
      for (const change of changes) {
        if (change.type === 'position' && change.dragging === false && change.position) moved.set(change.id, change.position);
        if (change.type === 'select') {
          selectionChanged = true;
          if (change.selected) nextSelected.add(change.id);
          else nextSelected.delete(change.id);
        }
      }
      if (moved.size > 0 && !readOnly) apply((d) => moveNodes(d, moved));
      if (selectionChanged) onSelect(nextSelected, selectedEdges);
    },
    [apply, onSelect, readOnly, selectedEdges, selectedNodes],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const next = new Set(selectedEdges);
      let changed = false;
      for (const change of changes) {
        if (change.type === 'select') {
          changed = true;
          if (change.selected) next.add(change.id);
          else next.delete(change.id);
        }
      }
      if (changed) onSelect(selectedNodes, next);
    },
    [onSelect, selectedEdges, selectedNodes],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      if (readOnly || !c.source || !c.target) return;
      apply((d) => connect(d, c.source, c.sourceHandle ?? 'next', c.target));
    },
    [apply, readOnly],
  );

  return (
    <div
      className="canvas"
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes(DRAG_TYPE)) {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'move';
        }
      }}
      onDrop={(e) => {
        const raw = e.dataTransfer.getData(DRAG_TYPE);
        if (!raw || readOnly) return;
        e.preventDefault();
        const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
        onDropItem(JSON.parse(raw) as PaletteItem, { x: Math.round(at.x - NODE_WIDTH / 2), y: Math.round(at.y - 30) });
      }}
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Meta', 'Control', 'Shift']}
        nodesConnectable={!readOnly}
        fitView
        fitViewOptions={{ maxZoom: 1.2 }}
        minZoom={0.1}
        onlyRenderVisibleElements
        onInit={() => performance.mark('atlas:canvas-ready')}
        proOptions={{ hideAttribution: true }}
        aria-label="Workflow canvas"
      >
        <Background gap={20} />
        <MiniMap pannable zoomable ariaLabel="Minimap" />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
