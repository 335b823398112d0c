/** Shapes of the v2 API's responses that the builder reads. */
import type { WorkflowDocument } from '../model/document';

/** A field-level problem: node id, field and reason. */
export interface FieldError {
  node_id?: string;
  field: string;
  reason: string;
}

/** An RFC 9457 problem document. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  current_version?: number;
  [extra: string]: unknown;
}

/** An action's named outcome. */
export interface OutcomeSpec {
  name: string;
  label: string;
}

/** One installed action, with its manifest. */
export interface CatalogEntry {
  id: string;
  name: string;
  description: string;
  version: string;
  category: string;
  icon: string;
  input_schema: Record<string, unknown>;
  output_schema: Record<string, unknown>;
  outcomes: OutcomeSpec[];
  capability_descriptions: string[];
}

/** A stored workflow with its current document and problems. */
export interface WorkflowView {
  id: string;
  name: string;
  status: 'draft' | 'active' | 'inactive';
  version: number;
  document: WorkflowDocument;
  problems: FieldError[];
  created_at: number;
  updated_at: number;
}

/** One row of the workflow list. */
export interface WorkflowListItem {
  id: string;
  name: string;
  status: string;
  version: number;
  triggers: string[];
  tags: string[];
  created_at: number;
  updated_at: number;
  stats: { runs: number; completed: number; failed: number; last_run_at: number | null };
  success_rate: number | null;
}

/** A saved version, without its document. */
export interface VersionSummary {
  version: number;
  created_by: string;
  created_at: number;
}

/** An execution, as listed. */
export interface ExecutionRecord {
  id: string;
  workflow_id: string;
  workflow_version: number;
  contact_id: string | null;
  status: 'running' | 'waiting' | 'completed' | 'failed' | 'cancelled';
  test_mode: boolean;
  trigger: unknown;
  contact: unknown;
  current_node: string | null;
  error: string | null;
  started_at: number;
  finished_at: number | null;
}

/** One step of an execution. */
export interface StepRecord {
  seq: number;
  node_id: string;
  kind: string;
  status: 'completed' | 'failed' | 'skipped' | string;
  attempt: number;
  outcome: string | null;
  input: unknown;
  output: unknown;
  error: string | null;
  error_kind: string | null;
  fuel: number;
  started_at: number;
  finished_at: number;
}

/** An execution with its step log. */
export interface ExecutionDetail extends ExecutionRecord {
  steps: StepRecord[];
}

/** A transition event from a live stream. */
export interface LiveEvent {
  id?: number;
  execution_id: string;
  node_id: string | null;
  kind: string;
  detail: Record<string, unknown> | null;
  at: number;
}

/** An action a template runs, at its pinned version. */
export interface RequiredAction {
  plugin: string;
  version: string;
}

/** A setting to review before creating a workflow from a template. */
export interface ReviewSetting {
  key: string;
  label: string;
  /** Nodes whose fields the value fills. */
  nodes: string[];
  /** The template's own value (text). */
  default: unknown;
}

/** One template of the gallery. */
export interface TemplateSummary {
  id: string;
  version: string;
  name: string;
  description: string;
  category: string;
  /** The event that starts it, such as `class_no_show`. */
  trigger: string;
  actions: RequiredAction[];
  /** Actions not loaded on this server at the pinned version. */
  missing_actions: RequiredAction[];
  review: ReviewSetting[];
}

/** A template with the workflow document a new workflow starts from. */
export interface TemplateDetail extends TemplateSummary {
  workflow: WorkflowDocument;
}
