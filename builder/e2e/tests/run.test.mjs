// Test runs: nodes light up live and turn green; a failed step shows its error.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorkflow, node, openBrowser, screenshot, smsWorkflow, URL } from '../helpers.mjs';

let session;
before(async () => {
  session = await openBrowser();
});
after(async () => {
  await session.close();
});

async function startTestRun(page, contact) {
  await page.getByRole('button', { name: 'Test run' }).click();
  const dialog = page.getByRole('dialog', { name: 'Test run' });
  await dialog.getByLabel('Sample contact (JSON)').fill(JSON.stringify(contact));
  await dialog.getByRole('button', { name: 'Start test run' }).click();
  await dialog.waitFor({ state: 'detached' });
}

test('a test run turns every node green', async () => {
  const { page, errors } = session;
  const id = await createWorkflow(smsWorkflow('Test run: all green'));
  await page.goto(`${URL}/workflows/${id}`);
  await node(page, 'welcome').waitFor();
  await startTestRun(page, { id: 'c-green', first_name: 'Ada', phone: '+447700900123' });
  await page.getByTestId('run-banner').filter({ hasText: /completed/ }).waitFor();
  for (const id of ['lead', 'welcome', 'done']) {
    await node(page, id).locator('.node-card.run-completed').waitFor();
  }
  assert.equal(await page.locator('.node-card.run-completed').count(), 3);
  await node(page, 'welcome').click();
  const detail = page.locator('.step-detail');
  await detail.getByText(/completed → sent/i).waitFor();
  await detail.getByText('"to": "+447700900123"').first().waitFor();
  await screenshot(page, '05-test-run-green');
  assert.deepEqual(errors, []);
});

test('a failed step shows its error, also from the run history', async () => {
  const { page } = session;
  const id = await createWorkflow(smsWorkflow('Test run: bad number'));
  await page.goto(`${URL}/workflows/${id}`);
  await node(page, 'welcome').waitFor();
  await startTestRun(page, { id: 'c-red', first_name: 'Bob', phone: 'not a phone number' });
  await page.getByTestId('run-banner').filter({ hasText: /failed/ }).waitFor();
  await node(page, 'lead').locator('.node-card.run-completed').waitFor();
  await node(page, 'welcome').locator('.node-card.run-failed').waitFor();
  await node(page, 'welcome').click();
  const error = page.getByTestId('step-error');
  await error.waitFor();
  assert.match(await error.innerText(), /to/i);
  await screenshot(page, '06-failed-step');

  // The same run, picked from the history after leaving the run view.
  await page.getByRole('button', { name: 'Close run view' }).click();
  await page.locator('.node-card.run-failed').waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Runs', exact: true }).click();
  await page.getByRole('dialog', { name: 'Run history' }).getByRole('button', { name: 'Show on canvas' }).first().click();
  await node(page, 'welcome').locator('.node-card.run-failed').waitFor();
  await node(page, 'welcome').click();
  await page.getByTestId('step-error').waitFor();
});
