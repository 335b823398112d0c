/** Pure helpers for the template gallery: review-setting values, action rows, filtering, field errors. */
import type { CatalogEntry, FieldError, RequiredAction, ReviewSetting, TemplateSummary } from '../api/types';

/** A review setting's value as the text the form edits (the API wants text back). */
export function settingText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return JSON.stringify(value);
}

/** The form's starting values: each review setting's default, as text. */
export function initialSettings(review: ReviewSetting[]): Record<string, string> {
  return Object.fromEntries(review.map((r) => [r.key, settingText(r.default)]));
}

/** Whether a setting's text is long enough (or has line breaks) to deserve a multi-line field. */
export function isLongText(text: string): boolean {
  return text.includes('\n') || text.length > 70;
}

/** One action a template needs, named from the catalog when installed. */
export interface ActionRow {
  plugin: string;
  version: string;
  name: string;
  missing: boolean;
}

/** The template's actions with their catalog names, the missing ones flagged. */
export function actionRows(template: Pick<TemplateSummary, 'actions' | 'missing_actions'>, catalog: CatalogEntry[]): ActionRow[] {
  return template.actions.map((a) => {
    const missing = template.missing_actions.some((m) => m.plugin === a.plugin && m.version === a.version);
    const entry = catalog.find((c) => c.id === a.plugin && c.version === a.version) ?? catalog.find((c) => c.id === a.plugin);
    return { plugin: a.plugin, version: a.version, name: entry?.name ?? a.plugin, missing };
  });
}

/** `atlas.crm.create-task 0.1.0` */
export function actionRef(action: RequiredAction): string {
  return `${action.plugin} ${action.version}`;
}

/** The gallery's categories, in first-seen order. */
export function categories(templates: TemplateSummary[]): string[] {
  return [...new Set(templates.map((t) => t.category))];
}

/** Templates whose name, description, category or trigger contain `query`, in `category` when one is chosen. */
export function filterTemplates(templates: TemplateSummary[], query: string, category: string, triggerLabel: (event: string) => string = (e) => e): TemplateSummary[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return templates.filter((t) => {
    if (category && t.category !== category) return false;
    const text = `${t.name} ${t.description} ${t.category} ${t.trigger} ${triggerLabel(t.trigger)}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** Problems of a create request, by form field: `name` or a review key (from `settings.<key>`); the rest under `''`. */
export function errorsByField(errors: FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const key = e.field === 'name' ? 'name' : e.field.startsWith('settings.') ? e.field.slice('settings.'.length) : '';
    out[key] = out[key] ? `${out[key]}; ${e.reason}` : e.reason;
  }
  return out;
}

/** Only the settings whose text differs from the template's default. */
export function changedSettings(review: ReviewSetting[], values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of review) {
    const value = values[r.key];
    if (value !== undefined && value !== settingText(r.default)) out[r.key] = value;
  }
  return out;
}
