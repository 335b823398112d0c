// The time-zone picker of a business-hours wait: search, choose with the
// keyboard, see the zone on the node, saved as `time_zone`; back to the default
// removes the field.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, createWorkflow, node, openBrowser, screenshot, URL, waitSaved } from '../helpers.mjs';

let session;
before(async () => {
  session = await openBrowser();
});
after(async () => {
  await session.close();
});

test('a business-hours wait in a chosen time zone', async () => {
  const { page, errors } = session;
  const id = await createWorkflow({
    name: 'Open-hours follow-up',
    nodes: [
      { id: 'lead', kind: 'trigger', position: { x: 0, y: 0 }, config: { event: 'lead_created' } },
      { id: 'open', kind: 'wait_until', position: { x: 0, y: 160 }, config: { mode: 'business_hours', windows: { mon: [['09:00', '17:00']] }, holidays: [] } },
      { id: 'done', kind: 'exit', position: { x: 0, y: 320 }, config: {} },
    ],
    edges: [
      { id: 'e1', source: 'lead', target: 'open', outcome: 'next' },
      { id: 'e2', source: 'open', target: 'done', outcome: 'next' },
    ],
  });
  await page.goto(`${URL}/workflows/${id}`);
  await node(page, 'open').getByText('Until business hours').waitFor();
  await node(page, 'open').click();

  const panel = page.locator('.side-panel');
  const zone = panel.getByRole('combobox', { name: 'Time zone' });
  assert.equal(await zone.inputValue(), '');
  assert.equal(await zone.locator('option:checked').textContent(), "Contact's time zone (default)");
  assert.ok((await zone.locator('option').count()) > 300, 'every IANA zone is offered');

  // Narrow the list, then move to the select with Tab and pick with the arrow keys.
  const search = panel.getByRole('searchbox', { name: 'Find a time zone' });
  await search.fill('madrid');
  assert.equal(await zone.locator('option').count(), 2);
  await search.press('Tab');
  assert.equal(await zone.evaluate((el) => el === document.activeElement), true);
  await page.keyboard.press('ArrowDown');
  await node(page, 'open').getByText('Until business hours, Madrid time').waitFor();
  await waitSaved(page);
  await screenshot(page, '42-time-zone-picker');
  let saved = (await api('GET', `/workflows/${id}`)).body;
  assert.equal(saved.document.nodes.find((n) => n.id === 'open').config.time_zone, 'Europe/Madrid');
  assert.deepEqual(saved.problems, []);

  // Back to the default: the field goes away.
  await zone.selectOption('');
  await node(page, 'open').getByText('Until business hours', { exact: true }).waitFor();
  await waitSaved(page);
  saved = (await api('GET', `/workflows/${id}`)).body;
  assert.equal('time_zone' in saved.document.nodes.find((n) => n.id === 'open').config, false);
  assert.deepEqual(errors, []);
});
