// Runs the browser suite against a real `atlas serve`: a temporary data
// directory, the built-in action components, the built builder and the demo
// token the server prints. Screenshots land in test-results/.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const builderDir = resolve(fileURLToPath(import.meta.url), '../..');
const root = resolve(builderDir, '..');
const atlas = resolve(root, process.env.ATLAS_BIN ?? 'target/debug/atlas');
const plugins = resolve(root, process.env.ATLAS_PLUGINS_DIR ?? 'target/components');
// The purpose-built components (`make test-guests`): the marketplace test publishes the partner one.
const testComponents = resolve(root, process.env.ATLAS_TEST_COMPONENTS ?? 'target/test-components');
const dist = join(builderDir, 'dist');

for (const [what, path] of [
  ['atlas binary', atlas],
  ['action components', plugins],
  ['test components', join(testComponents, 'test-partner.wasm')],
  ['builder build', join(dist, 'index.html')],
]) {
  if (!existsSync(path)) {
    console.error(`missing ${what} at ${path}: run \`make host plugins test-guests builder\` first`);
    process.exit(2);
  }
}

const data = mkdtempSync(join(tmpdir(), 'atlas-e2e-'));
const server = spawn(
  atlas,
  ['serve', '--data-dir', data, '--plugins-dir', plugins, '--builder-dir', dist, '--listen', '127.0.0.1:0',
    '--rate-per-caller', '1000', '--burst-per-caller', '2000'],
  { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ATLAS_LISTEN: undefined } },
);

let output = '';
const ready = new Promise((resolveReady, reject) => {
  const onData = (chunk) => {
    output += chunk;
    const url = /listening on (http:\/\/[^\s]+)/.exec(output)?.[1];
    const token = /demo token[^\n]*\n(\S+)/.exec(output)?.[1];
    if (url && token) resolveReady({ url, token });
  };
  server.stdout.on('data', onData);
  server.stderr.on('data', onData);
  server.on('exit', (code) => reject(new Error(`atlas serve exited with ${code}:\n${output}`)));
  setTimeout(() => reject(new Error(`atlas serve did not start in 60 s:\n${output}`)), 60_000);
});

let code = 1;
try {
  const { url, token } = await ready;
  console.log(`atlas serve at ${url}`);
  mkdirSync(join(builderDir, 'test-results'), { recursive: true });
  const started = Date.now();
  const files = process.argv.slice(2).length ? process.argv.slice(2) : ['e2e/tests/'];
  const tests = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
    cwd: builderDir,
    stdio: 'inherit',
    // The binary and data directory let a test issue tokens for other orgs and roles (`atlas token`).
    env: { ...process.env, ATLAS_URL: url, ATLAS_TOKEN: token, ATLAS_BIN: atlas, ATLAS_DATA_DIR: data, ATLAS_TEST_COMPONENTS: testComponents },
  });
  code = await new Promise((r) => tests.on('exit', (c) => r(c ?? 1)));
  console.log(`browser suite: ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(String(error));
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  rmSync(data, { recursive: true, force: true });
}
process.exit(code);
