// The template gallery against the real API: descriptions, triggers, needed actions
// (missing ones flagged), review settings prefilled with defaults, a new draft opened in the editor.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, node, openBrowser, screenshot, URL } from '../helpers.mjs';

let session;
before(async () => {
  session = await openBrowser();
});
after(async () => {
  await session.close();
});

test('create from a template', async () => {
  const { page, errors } = session;
  const { body: gallery } = await api('GET', '/templates');
  await page.goto(`${URL}/`);
  await page.getByRole('button', { name: 'From template' }).click();
  const dialog = page.getByRole('dialog', { name: 'Template gallery' });
  const cards = dialog.getByRole('list', { name: 'Templates' }).getByRole('listitem').filter({ has: page.getByRole('heading', { level: 3 }) });
  await cards.first().waitFor();
  assert.equal(await cards.count(), gallery.items.length);

  // Each card names its trigger and actions; an action this server lacks is flagged.
  const noShow = cards.filter({ has: page.getByRole('heading', { name: 'No-show follow-up' }) });
  await noShow.getByText('Class no-show').waitFor();
  const noShowActions = noShow.getByRole('list', { name: 'Actions of No-show follow-up' });
  const missing = gallery.items.find((t) => t.id === 'no-show-follow-up').missing_actions;
  for (const m of missing) await noShowActions.getByRole('listitem').filter({ hasText: m.plugin }).getByText('not installed').waitFor();
  await noShowActions.getByRole('listitem').filter({ hasText: 'atlas.sms.send' }).getByText('Send SMS').waitFor();
  await screenshot(page, '10-template-gallery');

  // Narrow down by search, then pick the booking reminders.
  await dialog.getByLabel('Search templates').fill('reminder');
  const reminders = cards.filter({ has: page.getByRole('heading', { name: 'Class booking reminders' }) });
  await reminders.getByText('Booking created').waitFor();
  await reminders.getByRole('button', { name: 'Use template Class booking reminders' }).click();

  // The review form starts from the template's defaults.
  const review = page.getByRole('dialog', { name: 'New from “Class booking reminders”' });
  const sender = review.getByLabel('Your Twilio number or sender');
  assert.equal(await sender.inputValue(), '+15005550006');
  assert.match(await review.getByLabel('First reminder text (links to your booking page)').inputValue(), /\{\{contact\.first_name/);
  await review.getByText(/Fills steps remind_24h .*remind_2h/).waitFor();
  await review.getByLabel('Workflow name').fill('Reminders (Leeds)');
  await sender.fill('+447700900555');
  await screenshot(page, '11-template-review');
  await review.getByRole('button', { name: 'Create workflow' }).click();

  // The new draft opens in the editor with the template's nodes and the reviewed value.
  await page.waitForURL(/\/workflows\/[0-9a-f-]+$/);
  for (const id of ['booked', 'until_24h', 'remind_24h', 'until_2h', 'remind_2h', 'cancelled']) await node(page, id).waitFor();
  assert.equal(await page.getByRole('textbox', { name: 'Workflow name' }).inputValue(), 'Reminders (Leeds)');
  await node(page, 'remind_2h').click();
  const panel = page.locator('.side-panel');
  await panel.getByRole('heading', { name: 'Send SMS' }).waitFor();
  const from = panel.getByRole('combobox', { name: /^From/ });
  await from.waitFor();
  assert.equal(await from.inputValue(), '+447700900555');
  await screenshot(page, '12-from-template');

  const id = page.url().split('/').pop();
  const { body: created } = await api('GET', `/workflows/${id}`);
  assert.equal(created.status, 'draft');
  assert.equal(created.document.nodes.find((n) => n.id === 'remind_24h').config.input.from, '+447700900555');
  assert.deepEqual(errors, []);
});
