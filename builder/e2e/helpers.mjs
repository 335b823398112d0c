// Shared by the browser tests: Debian's Chromium through playwright-core, the
// server under test, and a few canvas gestures.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const URL = process.env.ATLAS_URL;
export const TOKEN = process.env.ATLAS_TOKEN;
export const ARTIFACTS = resolve(fileURLToPath(import.meta.url), '../../test-results');

if (!URL || !TOKEN) throw new Error('run the browser tests through e2e/run.mjs (ATLAS_URL and ATLAS_TOKEN)');

/** Starts Chromium with a fresh profile; returns it with a page signed in with `token` (the demo owner's by default). */
export async function openBrowser({ width = 1440, height = 900, token = TOKEN } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'atlas-chromium-'));
  // A fresh --user-data-dir each time (Playwright passes it from `profile`).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport: { width, height },
    acceptDownloads: true,
  });
  await context.addInitScript((t) => window.localStorage.setItem('atlas.token', t), token);
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Calls the API as the demo owner. */
export async function api(method, path, body, headers = {}) {
  return apiAs(TOKEN, method, path, body, headers);
}

/** Calls the API with `token`. */
export async function apiAs(token, method, path, body, headers = {}) {
  const response = await fetch(`${URL}/api/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, etag: response.headers.get('etag') };
}

/** Creates `org` unless it exists (`atlas org create`): the server admits tokens only for orgs that exist. */
export function ensureOrg(org) {
  const { ATLAS_BIN, ATLAS_DATA_DIR } = process.env;
  if (!ATLAS_BIN || !ATLAS_DATA_DIR) throw new Error('run the browser tests through e2e/run.mjs (ATLAS_BIN and ATLAS_DATA_DIR)');
  execFileSync(ATLAS_BIN, ['org', 'create', org, '--name', org, '--exists-ok', '--data-dir', ATLAS_DATA_DIR], { encoding: 'utf8' });
}

/**
 * Issues a token for `role` in `org` with the server's own secret (`atlas token`),
 * creating the org first when it is missing (platform admins act in the reserved `platform` org).
 */
export function issueToken(org, role, sub = `e2e-${role}`) {
  const { ATLAS_BIN, ATLAS_DATA_DIR } = process.env;
  if (!ATLAS_BIN || !ATLAS_DATA_DIR) throw new Error('run the browser tests through e2e/run.mjs (ATLAS_BIN and ATLAS_DATA_DIR)');
  if (role !== 'platform-admin') ensureOrg(org);
  const args = ['token', '--org', org, '--role', role, '--sub', sub, '--data-dir', ATLAS_DATA_DIR];
  return execFileSync(ATLAS_BIN, args, { encoding: 'utf8' }).trim();
}

/** Creates a workflow from a document and returns its id. */
export async function createWorkflow(document) {
  const { status, body } = await api('POST', '/workflows', document);
  if (status !== 201) throw new Error(`creating a workflow answered ${status}: ${JSON.stringify(body)}`);
  return body.id;
}

/** The canvas element of a node. */
export function node(page, id) {
  return page.locator(`.react-flow__node[data-id="${id}"]`);
}

/** Drags from one node's outcome handle to another node's input handle. */
export async function connect(page, from, outcome, to) {
  const source = await node(page, from).locator(`.react-flow__handle.source[data-handleid="${outcome}"]`).boundingBox();
  const target = await node(page, to).locator('.react-flow__handle.target').boundingBox();
  await page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
  await page.mouse.down();
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 12 });
  await page.mouse.up();
}

/** Saves a full-page screenshot into the test artifacts. */
export async function screenshot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Waits until the editor says every change is saved. */
export async function waitSaved(page) {
  await page.getByTestId('save-state').filter({ hasText: 'All changes saved' }).waitFor();
}

/** A small valid workflow: lead created → SMS → exit. */
export function smsWorkflow(name) {
  return {
    name,
    nodes: [
      { id: 'lead', kind: 'trigger', position: { x: 0, y: 0 }, config: { event: 'lead_created' } },
      {
        id: 'welcome', kind: 'action', position: { x: 0, y: 160 },
        config: { plugin: 'atlas.sms.send', version: '0.1.0', input: { to: '{{contact.phone}}', from: '+15005550006', body: 'Welcome, {{contact.first_name}}!' } },
      },
      { id: 'done', kind: 'exit', position: { x: 0, y: 320 }, config: {} },
    ],
    edges: [
      { id: 'e1', source: 'lead', target: 'welcome', outcome: 'next' },
      { id: 'e2', source: 'welcome', target: 'done', outcome: 'sent' },
    ],
  };
}

/** Where the purpose-built test components are (`make test-guests`; e2e/run.mjs passes the directory). */
export const TEST_COMPONENTS = resolve(fileURLToPath(import.meta.url), '../../..', process.env.ATLAS_TEST_COMPONENTS ?? 'target/test-components');

const SLOT_MARKER = Buffer.from('ATLAS-TEST-MANIFEST-SLOT:');
const SLOT_LEN = 1024;

/**
 * The test partner component (`acme.partner.echo` 1.0.0, requesting `kv`), or
 * with `manifest` written into its manifest slot (id, version, capabilities).
 */
export function partnerComponent(manifest) {
  const bytes = readFileSync(join(TEST_COMPONENTS, 'test-partner.wasm'));
  if (!manifest) return bytes;
  const at = bytes.indexOf(SLOT_MARKER) + SLOT_MARKER.length;
  const slot = Buffer.alloc(SLOT_LEN, ' ');
  slot.write(JSON.stringify(manifest));
  slot.copy(bytes, at);
  return bytes;
}

/** A partner in `org`: registers a fresh ed25519 key; `publish(bytes, changelog)` signs and publishes. */
export async function registerPartner(org) {
  const token = issueToken(org, 'partner', `${org}-dev`);
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  // The raw 32-byte key is the tail of its DER (SPKI) encoding.
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const keyId = createHash('sha256').update(raw).digest().subarray(0, 8).toString('hex');
  const registered = await apiAs(token, 'POST', '/publisher/keys', { public_key: raw.toString('base64'), publisher_name: `${org} Ltd` });
  if (registered.status !== 201 || registered.body.key_id !== keyId) throw new Error(`registering a key answered ${registered.status}: ${JSON.stringify(registered.body)}`);
  return {
    token,
    keyId,
    async publish(bytes, changelog) {
      const signature = sign(null, bytes, privateKey).toString('base64');
      return apiAs(token, 'POST', '/marketplace/publish', { component: bytes.toString('base64'), signature, key_id: keyId, changelog });
    },
  };
}
