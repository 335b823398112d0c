// Building "lead created → wait 10 minutes → SMS" by drag and drop, with
// variable autocomplete, live validation, auto-save, reload and undo/redo.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, connect, node, openBrowser, screenshot, URL, waitSaved } from '../helpers.mjs';

let session;
before(async () => {
  session = await openBrowser();
});
after(async () => {
  await session.close();
});

test('builds lead created → wait 10 minutes → SMS by drag and drop, and keeps it', async () => {
  const { page, errors } = session;
  await page.goto(`${URL}/`);
  await screenshot(page, '01-workflow-list');
  await page.getByRole('button', { name: 'New workflow' }).click();
  await page.waitForURL(/\/workflows\/[0-9a-f-]+$/);
  const workflowId = page.url().split('/').pop();
  await node(page, 'trigger').waitFor();
  await page.getByRole('textbox', { name: 'Workflow name' }).fill('Lead welcome SMS');

  // Drag a wait and an SMS from the palette onto the canvas, below the trigger.
  const pane = page.locator('.react-flow__pane');
  await page.locator('.react-flow__controls-zoomout').click();
  const trigger = await node(page, 'trigger').boundingBox();
  const paneBox = await pane.boundingBox();
  const dropAt = (dy) => ({ x: trigger.x + trigger.width / 2 - paneBox.x, y: trigger.y + trigger.height / 2 - paneBox.y + dy });
  await page.getByTestId('palette-delay').dragTo(pane, { targetPosition: dropAt(150) });
  await node(page, 'wait_1').waitFor();
  await page.getByTestId('palette-atlas.sms.send').dragTo(pane, { targetPosition: dropAt(300) });
  await node(page, 'sms_1').waitFor();

  // Connect the outcomes by dragging handle to handle.
  await connect(page, 'trigger', 'next', 'wait_1');
  await connect(page, 'wait_1', 'next', 'sms_1');
  await page.locator('.react-flow__edge').nth(1).waitFor({ state: 'attached' });
  assert.equal(await page.locator('.react-flow__edge').count(), 2);

  // Wait 10 minutes.
  await node(page, 'wait_1').click();
  await page.getByLabel('Wait for amount').fill('10');
  await page.getByLabel('Wait for unit').selectOption('m');
  await node(page, 'wait_1').getByText('Wait 10 minutes').waitFor();

  // The SMS has no recipient yet: the server's validation says so, on the node and in the list.
  await node(page, 'sms_1').click();
  const panel = page.locator('.side-panel');
  await panel.getByRole('heading', { name: 'Send SMS' }).waitFor();
  await page.locator('.problems').getByText('is required by the plugin').waitFor();
  await node(page, 'sms_1').locator('.node-problems').waitFor();

  // Recipient from autocomplete: typing {{ lists the variables valid here.
  const to = panel.getByRole('combobox', { name: /^To/ });
  await to.click();
  await to.pressSequentially('{{pho');
  const option = page.getByRole('option', { name: /contact\.phone/ });
  await option.waitFor();
  await screenshot(page, '02-variable-autocomplete');
  await option.click();
  assert.equal(await to.inputValue(), '{{contact.phone}}');
  await page.getByTestId('problem-count').filter({ hasText: 'No problems' }).waitFor();
  await assert.doesNotReject(node(page, 'sms_1').locator('.node-problems').waitFor({ state: 'detached' }));

  // An unknown variable in the body is a problem until it is fixed.
  const body = panel.getByRole('combobox', { name: /^Body/ });
  await body.fill('Hi {{contact.shoe_size}}');
  await page.locator('.problems').getByText(/shoe_size/).first().waitFor();
  await panel.locator('.error-detail').getByText(/shoe_size/).first().waitFor();
  await body.fill('Welcome to the studio, {{contact.first_name}}!');
  await page.getByTestId('problem-count').filter({ hasText: 'No problems' }).waitFor();
  const from = panel.getByRole('combobox', { name: /^From/ });
  await from.fill('+15005550006');
  await node(page, 'sms_1').getByText('SMS: Welcome to the studio').waitFor();
  await page.getByRole('button', { name: 'Tidy up' }).click();
  await waitSaved(page);
  await screenshot(page, '03-editor-built');

  // Reload: everything is still there.
  await page.reload();
  await node(page, 'sms_1').waitFor();
  await node(page, 'wait_1').getByText('Wait 10 minutes').waitFor();
  await node(page, 'sms_1').getByText('SMS: Welcome to the studio').waitFor();
  assert.equal(await page.locator('.react-flow__edge').count(), 2);
  assert.equal(await page.getByRole('textbox', { name: 'Workflow name' }).inputValue(), 'Lead welcome SMS');
  const saved = (await api('GET', `/workflows/${workflowId}`)).body;
  assert.deepEqual(
    saved.document.edges.map((e) => [e.source, e.outcome, e.target]).sort(),
    [['trigger', 'next', 'wait_1'], ['wait_1', 'next', 'sms_1']],
  );
  assert.equal(saved.document.nodes.find((n) => n.id === 'wait_1').config.duration, '10m');
  assert.deepEqual(saved.document.nodes.find((n) => n.id === 'sms_1').config.input, {
    to: '{{contact.phone}}',
    body: 'Welcome to the studio, {{contact.first_name}}!',
    from: '+15005550006',
  });
  assert.deepEqual(saved.problems, []);

  // Undo and redo a deletion, from the keyboard and the toolbar.
  await node(page, 'sms_1').click();
  await page.keyboard.press('Delete');
  await node(page, 'sms_1').waitFor({ state: 'detached' });
  assert.equal(await page.locator('.react-flow__edge').count(), 1);
  await page.keyboard.press('Control+z');
  await node(page, 'sms_1').waitFor();
  assert.equal(await page.locator('.react-flow__edge').count(), 2);
  await page.keyboard.press('Control+Shift+z');
  await node(page, 'sms_1').waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await node(page, 'sms_1').waitFor();
  await page.getByRole('button', { name: 'Redo', exact: true }).click();
  await node(page, 'sms_1').waitFor({ state: 'detached' });
  await page.keyboard.press('Control+y');
  await page.keyboard.press('Control+z');
  await node(page, 'sms_1').waitFor();
  await waitSaved(page);
  const afterUndo = (await api('GET', `/workflows/${workflowId}`)).body;
  assert.deepEqual(afterUndo.document.nodes.map((n) => n.id).sort(), ['sms_1', 'trigger', 'wait_1']);
  assert.equal(afterUndo.document.edges.length, 2);

  // Duplicate with Ctrl+D, then undo it.
  await node(page, 'sms_1').click();
  await page.keyboard.press('Control+d');
  await node(page, 'sms_2').waitFor();
  await page.keyboard.press('Control+z');
  await node(page, 'sms_2').waitFor({ state: 'detached' });

  // The shortcuts overlay.
  await page.keyboard.press('?');
  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  await screenshot(page, '04-shortcuts');
  await page.keyboard.press('Escape');
  assert.deepEqual(errors, []);
});

test('a stale save is reported as a conflict, not overwritten', async () => {
  const { page } = session;
  const workflowId = page.url().split('/').pop();
  await waitSaved(page);
  const current = await api('GET', `/workflows/${workflowId}`);
  const theirs = { ...current.body.document, name: 'Renamed elsewhere' };
  const put = await api('PUT', `/workflows/${workflowId}`, theirs, { 'if-match': current.etag });
  assert.equal(put.status, 200);
  await page.getByRole('textbox', { name: 'Workflow name' }).fill('Renamed here');
  await page.getByRole('alert').filter({ hasText: 'Someone else saved this workflow' }).waitFor();
  assert.equal((await api('GET', `/workflows/${workflowId}`)).body.name, 'Renamed elsewhere');
  await page.getByRole('button', { name: 'Load their version' }).click();
  await waitSaved(page);
  assert.equal(await page.getByRole('textbox', { name: 'Workflow name' }).inputValue(), 'Renamed elsewhere');
});
