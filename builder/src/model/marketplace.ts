/**
 * The marketplace pages' logic: who may install or resell, the secret fields a
 * version needs, the install and branding requests built from the forms, the
 * filter choices of the list, and problem documents as readable lines.
 */
import type { ActionBranding, InstallRecord, MarketPlugin, MarketVersion, ProblemDocument, RequestedCapability, ResellerBrand } from '../api/types';

/** Roles that install actions into their org (the server's `ManageInstalls`). */
export const INSTALL_ROLES = ['owner', 'admin', 'reseller-admin'] as const;

export function canManageInstalls(role: string | undefined): boolean {
  return (INSTALL_ROLES as readonly string[]).includes(role ?? '');
}

export function isResellerAdmin(role: string | undefined): boolean {
  return role === 'reseller-admin';
}

/** The name of a `secret:NAME` capability, or null for any other. */
export function secretName(capability: string): string | null {
  return capability.startsWith('secret:') && capability.length > 'secret:'.length ? capability.slice('secret:'.length) : null;
}

/** The secret fields an install form shows: one per `secret:NAME` capability, in the version's order. */
export function secretFields(capabilities: RequestedCapability[]): { name: string; capability: string; description: string }[] {
  const seen = new Set<string>();
  const fields = [];
  for (const c of capabilities) {
    const name = secretName(c.capability);
    if (name === null || seen.has(name)) continue;
    seen.add(name);
    fields.push({ name, capability: c.capability, description: c.description });
  }
  return fields;
}

/** `POST /installs`'s body. */
export interface InstallRequest {
  plugin_id: string;
  version: string;
  grants: string[];
  secrets: Record<string, string>;
}

/**
 * The install request of a form: the granted capabilities among those the
 * version requests (in its order), and the non-empty secrets it requests. The
 * server refuses grants and secrets a version does not request, so nothing
 * else is sent.
 */
export function installRequest(pluginId: string, version: MarketVersion, granted: ReadonlySet<string>, secrets: Record<string, string>): InstallRequest {
  const requested = version.capabilities.map((c) => c.capability);
  const names = new Set(secretFields(version.capabilities).map((f) => f.name));
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(secrets)) if (names.has(name) && value !== '') kept[name] = value;
  return { plugin_id: pluginId, version: version.version, grants: requested.filter((c) => granted.has(c)), secrets: kept };
}

/** Requested capabilities left unchecked: a version granted less waits and does not run. */
export function ungranted(version: MarketVersion, granted: ReadonlySet<string>): string[] {
  return version.capabilities.map((c) => c.capability).filter((c) => !granted.has(c));
}

/** True when installing `version` is an upgrade: another version of the action is installed and this one is not. */
export function isUpgrade(plugin: MarketPlugin, version: string): boolean {
  return plugin.installed_versions.length > 0 && !plugin.installed_versions.includes(version);
}

/** Orders `1.2.10` after `1.2.9`: numeric parts compared as numbers, a pre-release before its release. */
export function compareVersions(a: string, b: string): number {
  const split = (v: string) => {
    const [core, pre] = v.split('-', 2);
    return { parts: core.split('.').map((n) => Number.parseInt(n, 10) || 0), pre };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < Math.max(x.parts.length, y.parts.length); i++) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre < y.pre ? -1 : 1;
}

/** The install button's words: an upgrade when newer than every installed version, else an install. */
export function installLabel(plugin: MarketPlugin, version: string): string {
  const newer = plugin.installed_versions.length > 0 && plugin.installed_versions.every((v) => compareVersions(version, v) > 0);
  return `${newer ? 'Upgrade to' : 'Install'} ${version}`;
}

/** The versions a new install may pick: neither yanked nor killed, newest first. */
export function installableVersions(plugin: MarketPlugin): MarketVersion[] {
  return plugin.versions.filter((v) => !v.yanked && !v.killed);
}

/** Category and publisher choices of the list filters, sorted, from the actions seen so far. */
export function filterChoices(plugins: MarketPlugin[]): { categories: string[]; publishers: { id: string; name: string }[] } {
  const categories = [...new Set(plugins.map((p) => p.category).filter(Boolean))].sort();
  const publishers = new Map<string, string>();
  for (const p of plugins) publishers.set(p.publisher_id, p.publisher || p.publisher_id);
  return {
    categories,
    publishers: [...publishers.entries()].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** The list's query string: only the filters that are set. */
export function browseQuery(filters: { q: string; category: string; publisher: string }): string {
  const params = new URLSearchParams();
  if (filters.q.trim()) params.set('q', filters.q.trim());
  if (filters.category) params.set('category', filters.category);
  if (filters.publisher) params.set('publisher', filters.publisher);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The capabilities an awaiting install still needs: what its version requests minus what was granted. */
export function missingOf(install: InstallRecord, version: MarketVersion | undefined): string[] {
  if (!version) return [];
  return version.capabilities.map((c) => c.capability).filter((c) => !install.granted.includes(c));
}

/** A problem document as lines: its detail (or title), each field error, and the failed check when there is one. */
export function problemLines(problem: ProblemDocument): string[] {
  const lines = [problem.detail || problem.title];
  if (typeof problem.check === 'string') lines.push(`Check: ${problem.check}`);
  for (const e of problem.errors ?? []) lines.push(`${e.node_id ? `${e.node_id} · ` : ''}${e.field}: ${e.reason}`);
  return lines;
}

/** The brand form as `PUT /reseller/brand`'s body: blank optional fields become null. */
export function brandRequest(form: { product_name: string; logo: string; primary_color: string; accent_color: string }): ResellerBrand {
  const blank = (text: string) => (text.trim() ? text.trim() : null);
  return {
    product_name: form.product_name.trim(),
    logo: blank(form.logo),
    primary_color: blank(form.primary_color),
    accent_color: blank(form.accent_color),
  };
}

/**
 * The action-branding form as `PUT /reseller/brandings/{id}`'s body: blank
 * fields are left out, and the defaults text must be a JSON object (or blank).
 */
export function actionBrandingRequest(form: { display_name: string; icon: string; description: string; defaults: string }): { body: ActionBranding } | { error: string } {
  const body: ActionBranding = {};
  if (form.display_name.trim()) body.display_name = form.display_name.trim();
  if (form.icon.trim()) body.icon = form.icon.trim();
  if (form.description.trim()) body.description = form.description.trim();
  if (form.defaults.trim()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(form.defaults);
    } catch {
      return { error: 'Default input must be JSON, such as {"from": "+15005550006"}.' };
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { error: 'Default input must be a JSON object of field values.' };
    body.defaults = parsed as Record<string, unknown>;
  }
  return { body };
}
