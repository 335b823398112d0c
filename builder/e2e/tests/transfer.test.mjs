// Export to a file and import it again; activation refused while problems remain; versions.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, ARTIFACTS, createWorkflow, node, openBrowser, screenshot, smsWorkflow, URL, waitSaved } from '../helpers.mjs';

let session;
before(async () => {
  session = await openBrowser();
});
after(async () => {
  await session.close();
});

test('exports a workflow to a file and imports it back', async () => {
  const { page } = session;
  const id = await createWorkflow(smsWorkflow('Exported welcome'));
  await page.goto(`${URL}/workflows/${id}`);
  await node(page, 'welcome').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click()]);
  const file = join(ARTIFACTS, 'exported-welcome.atlas.json');
  await download.saveAs(file);
  assert.equal(download.suggestedFilename(), 'Exported-welcome.atlas.json');
  const exported = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(exported.format, 'atlas.workflow');
  assert.equal(exported.document.nodes.length, 3);

  await page.getByRole('link', { name: '← Workflows' }).click();
  await page.getByRole('button', { name: 'Import' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import a workflow' });
  await dialog.getByLabel('Workflow file (.json)').setInputFiles(file);
  await dialog.getByText('Imported Exported welcome as a draft, with no problems.').waitFor();
  await dialog.getByText('atlas.sms.send 0.1.0: installed').waitFor();
  await screenshot(page, '07-import-report');
  await dialog.getByRole('button', { name: 'Open imported workflow' }).click();
  await page.waitForURL((u) => !u.pathname.endsWith(id) && u.pathname.startsWith('/workflows/'));
  for (const n of ['lead', 'welcome', 'done']) await node(page, n).waitFor();
  assert.equal(await page.locator('.react-flow__edge').count(), 2);
});

test('an import with problems lists every one', async () => {
  const { page } = session;
  await page.goto(`${URL}/`);
  await page.getByRole('button', { name: 'Import' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import a workflow' });
  const broken = { format: 'atlas.workflow', format_version: 1, document: { name: 'Broken', nodes: [{ id: 'x', kind: 'teleport', position: { x: 0, y: 0 }, config: {} }], edges: [] } };
  await dialog.getByLabel('Workflow file (.json)').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
  await dialog.getByRole('alert').getByText(/teleport/).waitFor();
});

test('activation is refused while problems remain, and versions can be restored', async () => {
  const { page } = session;
  const doc = smsWorkflow('Activation');
  doc.nodes[1].config.input = { from: '+15005550006', body: 'Hi' };
  const id = await createWorkflow(doc);
  await page.goto(`${URL}/workflows/${id}`);
  await node(page, 'welcome').waitFor();
  await page.getByRole('button', { name: 'Activate' }).click();
  await page.getByRole('alert').filter({ hasText: /cannot be activated/ }).waitFor();
  assert.equal((await api('GET', `/workflows/${id}`)).body.status, 'draft');

  await node(page, 'welcome').click();
  await page.locator('.side-panel').getByRole('combobox', { name: /^To/ }).fill('{{contact.phone}}');
  await page.getByTestId('problem-count').filter({ hasText: 'No problems' }).waitFor();
  await waitSaved(page);
  await page.getByRole('button', { name: 'Activate' }).click();
  await page.getByTestId('workflow-status').filter({ hasText: 'active' }).waitFor();
  await page.getByRole('button', { name: 'Deactivate' }).click();
  await page.getByTestId('workflow-status').filter({ hasText: 'inactive' }).waitFor();

  await page.getByRole('button', { name: 'Versions' }).click();
  await page.getByRole('button', { name: 'Preview version 1' }).click();
  await page.getByText('Previewing version 1 (read-only).').waitFor();
  await screenshot(page, '08-version-preview');
  await page.getByRole('button', { name: 'Restore version 1' }).click();
  await page.getByText(/Version 1 restored as version/).waitFor();
  const restored = (await api('GET', `/workflows/${id}`)).body;
  assert.equal(restored.document.nodes[1].config.input.to, undefined);
  await page.getByTestId('problem-count').filter({ hasText: /1 problem/ }).waitFor();
});
