import { describe, expect, it } from 'vitest';
import type { InstallRecord, MarketPlugin, MarketVersion } from '../src/api/types';
import {
  actionBrandingRequest,
  brandRequest,
  browseQuery,
  canManageInstalls,
  compareVersions,
  installLabel,
  filterChoices,
  installableVersions,
  installRequest,
  isResellerAdmin,
  isUpgrade,
  missingOf,
  problemLines,
  secretFields,
  secretName,
  ungranted,
} from '../src/model/marketplace';

function version(v: string, capabilities: string[], extra: Partial<MarketVersion> = {}): MarketVersion {
  return {
    version: v,
    changelog: `Release ${v}`,
    published_at: 0,
    yanked: false,
    killed: false,
    capabilities: capabilities.map((capability) => ({ capability, description: `may ${capability}` })),
    size_bytes: 1,
    sha256: 'x',
    ...extra,
  };
}

function plugin(extra: Partial<MarketPlugin> = {}): MarketPlugin {
  return {
    id: 'acme.class.reminder',
    name: 'Class reminder',
    description: 'Reminds members',
    icon: 'clock',
    category: 'communication',
    publisher_id: 'acme',
    publisher: 'Acme',
    builtin: false,
    private: false,
    install_count: 0,
    latest_version: '1.1.0',
    installed_versions: [],
    versions: [version('1.1.0', ['http:api.acme.test', 'secret:api_key', 'kv']), version('1.0.0', ['kv'])],
    ...extra,
  };
}

const V = version('1.1.0', ['http:api.acme.test', 'secret:api_key', 'kv', 'secret:webhook_token']);

describe('who sees what', () => {
  it('owners, admins and reseller admins install; only reseller admins resell', () => {
    expect(['owner', 'admin', 'reseller-admin'].map(canManageInstalls)).toEqual([true, true, true]);
    expect(['staff', 'viewer', 'partner', 'platform-admin', undefined].map(canManageInstalls)).toEqual([false, false, false, false, false]);
    expect(isResellerAdmin('reseller-admin')).toBe(true);
    expect(isResellerAdmin('owner')).toBe(false);
  });
});

describe('capabilities → secret fields', () => {
  it('gives one password field per secret capability, in order, without duplicates', () => {
    expect(secretName('secret:api_key')).toBe('api_key');
    expect(secretName('secret:')).toBeNull();
    expect(secretName('kv')).toBeNull();
    expect(secretFields([...V.capabilities, { capability: 'secret:api_key', description: 'again' }])).toEqual([
      { name: 'api_key', capability: 'secret:api_key', description: 'may secret:api_key' },
      { name: 'webhook_token', capability: 'secret:webhook_token', description: 'may secret:webhook_token' },
    ]);
    expect(secretFields(version('1', ['kv', 'crm:read']).capabilities)).toEqual([]);
  });
});

describe('grant set → install request', () => {
  it('sends the granted requested capabilities in the version’s order and only its non-empty secrets', () => {
    const granted = new Set(['kv', 'secret:api_key', 'http:api.acme.test', 'ai']);
    expect(installRequest('acme.class.reminder', V, granted, { api_key: 's3cret', webhook_token: '', other: 'x' })).toEqual({
      plugin_id: 'acme.class.reminder',
      version: '1.1.0',
      grants: ['http:api.acme.test', 'secret:api_key', 'kv'],
      secrets: { api_key: 's3cret' },
    });
  });

  it('an empty grant set sends no grants, and lists every capability as ungranted', () => {
    const none = new Set<string>();
    expect(installRequest('p', V, none, {}).grants).toEqual([]);
    expect(ungranted(V, none)).toEqual(V.capabilities.map((c) => c.capability));
    expect(ungranted(V, new Set(V.capabilities.map((c) => c.capability)))).toEqual([]);
  });

  it('an awaiting install misses what its version requests beyond the grants', () => {
    const install: InstallRecord = {
      org_id: 'o',
      plugin_id: 'p',
      version: '1.1.0',
      granted: ['kv'],
      status: 'awaiting_grant',
      installed_by: 'u',
      installed_at: 0,
    };
    expect(missingOf(install, V)).toEqual(['http:api.acme.test', 'secret:api_key', 'secret:webhook_token']);
    expect(missingOf(install, undefined)).toEqual([]);
  });
});

describe('versions', () => {
  it('installing another version than the installed ones is an upgrade', () => {
    expect(isUpgrade(plugin(), '1.1.0')).toBe(false);
    expect(isUpgrade(plugin({ installed_versions: ['1.0.0'] }), '1.1.0')).toBe(true);
    expect(isUpgrade(plugin({ installed_versions: ['1.1.0'] }), '1.1.0')).toBe(false);
  });

  it('a version newer than every installed one is an upgrade; an older or first one an install', () => {
    expect(compareVersions('1.2.10', '1.2.9')).toBe(1);
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0);
    expect(compareVersions('1.0.0-beta', '1.0.0')).toBe(-1);
    expect(compareVersions('0.9.0', '1.0.0')).toBe(-1);
    expect(installLabel(plugin(), '1.1.0')).toBe('Install 1.1.0');
    expect(installLabel(plugin({ installed_versions: ['1.0.0'] }), '1.1.0')).toBe('Upgrade to 1.1.0');
    expect(installLabel(plugin({ installed_versions: ['1.1.0'] }), '1.0.0')).toBe('Install 1.0.0');
  });

  it('yanked and killed versions cannot be picked', () => {
    const p = plugin({ versions: [version('3.0.0', [], { killed: true }), version('2.0.0', [], { yanked: true }), version('1.0.0', [])] });
    expect(installableVersions(p).map((v) => v.version)).toEqual(['1.0.0']);
  });
});

describe('list filters', () => {
  it('offers each category and publisher once, sorted', () => {
    const list = [
      plugin(),
      plugin({ id: 'atlas.sms.send', category: 'communication', publisher_id: 'atlas', publisher: 'Atlas' }),
      plugin({ id: 'atlas.ai.score', category: 'ai', publisher_id: 'atlas', publisher: 'Atlas' }),
    ];
    expect(filterChoices(list)).toEqual({
      categories: ['ai', 'communication'],
      publishers: [
        { id: 'acme', name: 'Acme' },
        { id: 'atlas', name: 'Atlas' },
      ],
    });
  });

  it('puts only the set filters in the query', () => {
    expect(browseQuery({ q: '', category: '', publisher: '' })).toBe('');
    expect(browseQuery({ q: ' echo ', category: 'crm', publisher: '' })).toBe('?q=echo&category=crm');
    expect(browseQuery({ q: '', category: '', publisher: 'acme' })).toBe('?publisher=acme');
  });
});

describe('problems', () => {
  it('lists the detail, the failed check and each field error', () => {
    expect(
      problemLines({
        type: 'validation',
        title: 'Invalid',
        status: 422,
        detail: 'the install is not valid',
        check: 'signature',
        errors: [{ field: 'grants[0]', reason: 'not requested by this version' }, { node_id: 'sms', field: 'input.to', reason: 'required' }],
      }),
    ).toEqual(['the install is not valid', 'Check: signature', 'grants[0]: not requested by this version', 'sms · input.to: required']);
  });
});

describe('reseller forms → requests', () => {
  it('a brand with blank optional fields sends nulls', () => {
    expect(brandRequest({ product_name: ' PulseGym ', logo: '', primary_color: '#0b6e4f', accent_color: ' ' })).toEqual({
      product_name: 'PulseGym',
      logo: null,
      primary_color: '#0b6e4f',
      accent_color: null,
    });
  });

  it('an action branding leaves blank fields out and needs a JSON object of defaults', () => {
    expect(actionBrandingRequest({ display_name: 'PulseGym Text', icon: '', description: ' ', defaults: '' })).toEqual({ body: { display_name: 'PulseGym Text' } });
    expect(actionBrandingRequest({ display_name: '', icon: 'mail', description: 'd', defaults: '{"from":"+1"}' })).toEqual({
      body: { icon: 'mail', description: 'd', defaults: { from: '+1' } },
    });
    expect(actionBrandingRequest({ display_name: '', icon: '', description: '', defaults: '{nope' })).toHaveProperty('error');
    expect(actionBrandingRequest({ display_name: '', icon: '', description: '', defaults: '[1]' })).toHaveProperty('error');
  });
});
