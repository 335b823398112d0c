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
  /** True when the org's reseller renamed or restyled this action; `name`, `description` and `icon` are then the branded ones. */
  branded?: boolean;
  /** Input a new node of this action starts with (the reseller's defaults; may be empty). */
  default_input?: Record<string, unknown>;
  /** Who publishes the action. */
  publisher?: string;
}

/** `GET /branding`: how the signed-in org's reseller brands the product. */
export interface Branding {
  product_name: string;
  /** An image URL or data URL. */
  logo: string | null;
  /** `#RRGGBB`. */
  primary_color: string | null;
  accent_color: string | null;
  reseller_org_id: string | null;
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

/** Run times of a node's actions, or times to a goal (log-scale histogram quantiles). */
export interface DurationStats {
  samples: number;
  p50_ms: number;
  p95_ms: number;
}

/** Executions of a workflow in an analytics range. */
export interface ExecutionTotals {
  entered: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** Parked now (delay, wait, retry back-off or quiet hours), whatever the range. */
  waiting_now: number;
  /** completed / (completed + failed); null when neither happened. */
  success_rate: number | null;
}

/** One node's figures in an analytics range. */
export interface NodeAnalytics {
  node_id: string;
  entered: number;
  completed: number;
  failed: number;
  skipped: number;
  retried: number;
  waiting_now: number;
  success_rate: number | null;
  duration: DurationStats | null;
  fuel: { runs: number; total: number; average: number } | null;
}

/** One bucket of the analytics series. */
export interface SeriesPoint {
  start: number;
  entered: number;
  completed: number;
  failed: number;
  cancelled: number;
  goals_reached: number;
}

/** Why action attempts failed, as the analytics group them. */
export type ErrorCategory = 'provider_rejected' | 'provider_unavailable' | 'rate_limited' | 'sandbox_limit' | 'permission_denied' | 'invalid_input' | 'other';

/** Failed attempts of one category, with counts by node and the latest examples. */
export interface ErrorGroup {
  category: ErrorCategory;
  count: number;
  nodes: { node_id: string; count: number }[];
  examples: { execution_id: string; node_id: string; error_kind: string; message: string; at: number }[];
}

/** An A/B split's variants and their comparisons with the first. */
export interface AbTest {
  node_id: string;
  variants: { variant: string; entered: number; reached_goal: number; conversion_rate: number | null }[];
  comparisons: { control: string; variant: string; difference: number; z: number | null; p_value: number | null; significant: boolean }[];
}

/** A goal node's results. */
export interface GoalAnalytics {
  node_id: string;
  reached: number;
  conversion_rate: number | null;
  time_to_goal: DurationStats | null;
}

/** `GET /workflows/{id}/analytics`. */
export interface WorkflowAnalytics {
  workflow_id: string;
  from: number;
  to: number;
  bucket: 'hour' | 'day';
  executions: ExecutionTotals;
  nodes: NodeAnalytics[];
  series: SeriesPoint[];
  errors: ErrorGroup[];
  ab_tests: AbTest[];
  goals: GoalAnalytics[];
}

/** A capability a marketplace version requests: as granted (`http:HOST`, `kv`, `secret:NAME`, `crm:read`, `crm:write`, `ai`) and in plain words. */
export interface RequestedCapability {
  capability: string;
  description: string;
}

/** One approved version of a marketplace action. */
export interface MarketVersion {
  version: string;
  changelog: string;
  published_at: number;
  /** No new installs. */
  yanked: boolean;
  /** Disabled everywhere by the platform. */
  killed: boolean;
  capabilities: RequestedCapability[];
  size_bytes: number;
  sha256: string;
}

/** `GET /marketplace/plugins` item: an action with every approved version, newest first. */
export interface MarketPlugin {
  id: string;
  name: string;
  description: string;
  icon: string;
  category: string;
  publisher_id: string;
  publisher: string;
  builtin: boolean;
  private: boolean;
  install_count: number;
  latest_version: string;
  /** Versions of it the signed-in org installed. */
  installed_versions: string[];
  versions: MarketVersion[];
}

/** An org's install of one version. */
export interface InstallRecord {
  org_id: string;
  plugin_id: string;
  version: string;
  granted: string[];
  status: 'active' | 'awaiting_grant';
  installed_by: string;
  installed_at: number;
}

/** A workflow node whose settings a new version's input schema rejects. */
export interface NodeBreak {
  workflow_id: string;
  workflow_name: string;
  node_id: string;
  pinned_version: string;
  field: string;
  reason: string;
}

/** What installing a version means next to the versions installed now. */
export interface UpgradeReport {
  from_versions: string[];
  added_capabilities: string[];
  breaking_nodes: NodeBreak[];
}

/** The answer of an install or a grant. */
export interface InstallOutcome {
  install: InstallRecord;
  /** Requested capabilities in plain words, by capability. */
  requested: Record<string, string>;
  /** Requested but not granted: the install runs only when this is empty. */
  missing: string[];
  /** Present when another version was installed already. */
  upgrade?: UpgradeReport;
}

/** A reseller's sub-account (an org). */
export interface SubAccount {
  id: string;
  name: string;
  time_zone: string;
}

/** `PUT /reseller/brand`: the product brand a reseller's sub-accounts see. */
export interface ResellerBrand {
  product_name: string;
  logo: string | null;
  primary_color: string | null;
  accent_color: string | null;
}

/** A reseller's branding of one action (every field optional). */
export interface ActionBranding {
  display_name?: string;
  icon?: string;
  description?: string;
  defaults?: Record<string, unknown>;
}
