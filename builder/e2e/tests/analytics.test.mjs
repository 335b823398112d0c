// Analytics: a workflow with an A/B split runs five times (test runs, one with a bad
// number so its SMS fails); the analytics view and the canvas show the numbers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, createWorkflow, node, openBrowser, screenshot, URL } from '../helpers.mjs';

let session;
// Servers built before the analytics API answer 404 for it; the test says so instead of failing.
let analyticsMissing = false;
before(async () => {
  session = await openBrowser();
  const { status } = await api('GET', '/workflows/00000000-0000-0000-0000-000000000000/analytics');
  analyticsMissing = status === 404 && !(await api('GET', '/openapi.json')).body?.paths?.['/api/v2/workflows/{id}/analytics'];
});
after(async () => {
  await session.close();
});

function splitWorkflow(name) {
  const sms = (id, body, y, x) => ({
    id, kind: 'action', position: { x, y },
    config: { plugin: 'atlas.sms.send', version: '0.1.0', input: { to: '{{contact.phone}}', from: '+15005550006', body } },
  });
  return {
    name,
    nodes: [
      { id: 'lead', kind: 'trigger', position: { x: 0, y: 0 }, config: { event: 'lead_created' } },
      { id: 'split', kind: 'ab_split', position: { x: 0, y: 160 }, config: { variants: [{ name: 'a', weight: 50 }, { name: 'b', weight: 50 }] } },
      sms('sms_a', 'Welcome, {{contact.first_name}}!', 320, -160),
      sms('sms_b', 'Hi {{contact.first_name}}, your first class is free.', 320, 160),
      { id: 'done', kind: 'exit', position: { x: 0, y: 480 }, config: {} },
    ],
    edges: [
      { id: 'e1', source: 'lead', target: 'split', outcome: 'next' },
      { id: 'e2', source: 'split', target: 'sms_a', outcome: 'a' },
      { id: 'e3', source: 'split', target: 'sms_b', outcome: 'b' },
      { id: 'e4', source: 'sms_a', target: 'done', outcome: 'sent' },
      { id: 'e5', source: 'sms_b', target: 'done', outcome: 'sent' },
    ],
  };
}

async function finished(executionId) {
  for (let i = 0; i < 100; i++) {
    const { body } = await api('GET', `/executions/${executionId}`);
    if (['completed', 'failed', 'cancelled'].includes(body.status)) return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`execution ${executionId} did not finish`);
}

test('runs a workflow a few times and sees the numbers', async (t) => {
  if (analyticsMissing) return t.skip('this server has no GET /workflows/{id}/analytics');
  const { page, errors } = session;
  const id = await createWorkflow(splitWorkflow('Analytics: welcome split'));
  const contacts = [
    { id: 'an-1', first_name: 'Ada', phone: '+447700900101' },
    { id: 'an-2', first_name: 'Bo', phone: '+447700900102' },
    { id: 'an-3', first_name: 'Cy', phone: '+447700900103' },
    { id: 'an-4', first_name: 'Di', phone: '+447700900104' },
    { id: 'an-5', first_name: 'Ed', phone: 'not a phone number' },
  ];
  const runs = [];
  for (const contact of contacts) {
    const { status, body } = await api('POST', `/workflows/${id}/test-run`, { contact, trigger: {} });
    assert.equal(status, 202, JSON.stringify(body));
    runs.push(await finished(body.execution_id));
  }
  assert.deepEqual(runs.map((r) => r.status), ['completed', 'completed', 'completed', 'completed', 'failed']);
  const failedNode = runs[4].steps.find((s) => s.status === 'failed').node_id;

  await page.goto(`${URL}/`);
  await page.getByRole('link', { name: 'Analytics of Analytics: welcome split' }).click();
  await page.waitForURL(`${URL}/workflows/${id}/analytics`);
  const stats = page.getByTestId('execution-stats');
  const stat = (label) => stats.locator('.stat').filter({ has: page.getByText(label, { exact: true }) }).locator('dd');
  await stat('Entered').filter({ hasText: '5' }).waitFor();
  assert.equal(await stat('Completed').innerText(), '4');
  assert.equal(await stat('Failed').innerText(), '1');
  assert.equal(await stat('Completion rate').innerText(), '80%');
  assert.equal(await stat('Failure rate').innerText(), '20%');
  assert.match(await page.getByTestId('series-chart').getAttribute('aria-label'), /Entered: 5, Completed: 4, Failed: 1/);

  // Steps: every run passed the trigger; the failed SMS shows its failure.
  const row = (nodeId) => page.getByTestId(`node-stats-${nodeId}`).locator('td');
  assert.equal(await row('lead').nth(0).innerText(), '5');
  assert.equal(await row(failedNode).nth(2).innerText(), '1');

  // The failure is grouped by category with the latest example.
  const group = page.locator('.error-groups > li').first();
  await group.getByText(failedNode, { exact: true }).first().waitFor();
  await group.getByText(/execution /).first().waitFor();

  // A/B: the variants together saw every run.
  const ab = page.getByRole('table', { name: 'A/B split split' });
  const entered = await ab.locator('tbody tr td:nth-child(2)').allInnerTexts();
  assert.equal(entered.map(Number).reduce((a, b) => a + b, 0), 5);
  await screenshot(page, '13-analytics');

  // The same figures on the canvas.
  await page.getByRole('link', { name: 'Open in editor' }).click();
  await node(page, 'lead').waitFor();
  await page.getByRole('button', { name: 'Step stats' }).click();
  await page.getByTestId('stats-lead').filter({ hasText: '5 runs' }).waitFor();
  await page.getByTestId(`stats-${failedNode}`).filter({ hasText: '1 failed' }).waitFor();
  await screenshot(page, '14-step-stats-on-canvas');
  assert.deepEqual(errors, []);
});
