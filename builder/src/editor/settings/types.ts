/** What every node settings form receives. */
import type { CatalogEntry, FieldError } from '../../api/types';
import type { WorkflowDocument, WorkflowNode } from '../../model/document';

export interface SettingsProps {
  node: WorkflowNode;
  doc: WorkflowDocument;
  catalog: CatalogEntry[];
  problems: FieldError[];
  /** Replaces the node's config (one undo step per quick burst of edits). */
  update: (config: Record<string, unknown>) => void;
}
