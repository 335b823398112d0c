// Reseller branding: a reseller brands the product and an action, creates a
// sub-account, and the sub-account's staff see the brand (name, colours, logo),
// the branded action in the palette, and a dropped node starting with the
// reseller's default input.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, issueToken, node, openBrowser, screenshot, URL, waitSaved } from '../helpers.mjs';

const RESELLER = 'e2e-reseller';
const SUB_ACCOUNT = `pulse-downtown-${Date.now().toString(36)}`;
const PRIMARY = '#0b6e4f';
const ACCENT = '#ffb400';
const LOGO = `data:image/svg+xml;base64,${Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="32"><rect width="64" height="32" rx="6" fill="#0b6e4f"/><text x="32" y="22" font-size="16" text-anchor="middle" fill="#fff">PG</text></svg>',
).toString('base64')}`;
const DEFAULTS = { from: '+15005550006', body: 'Welcome to PulseGym, {{contact.first_name}}!' };

let session;
let ownerToken;
before(async () => {
  const reseller = issueToken(RESELLER, 'reseller-admin');
  const ok = (what, { status, body }, expected = [200, 201, 204]) =>
    assert.ok(expected.includes(status), `${what} answered ${status}: ${JSON.stringify(body)}`);
  ok(
    'setting the brand',
    await apiAs(reseller, 'PUT', '/reseller/brand', { product_name: 'PulseGym Automations', logo: LOGO, primary_color: PRIMARY, accent_color: ACCENT }),
  );
  ok('creating a sub-account', await apiAs(reseller, 'POST', '/reseller/sub-accounts', { id: SUB_ACCOUNT, name: 'PulseGym Downtown', time_zone: 'Europe/Madrid' }), [201]);
  ok(
    'branding the SMS action',
    await apiAs(reseller, 'PUT', '/reseller/brandings/atlas.sms.send', {
      display_name: 'PulseGym Text',
      icon: 'message-circle',
      description: 'Texts a member from the front desk',
      defaults: DEFAULTS,
    }),
  );
  ownerToken = issueToken(SUB_ACCOUNT, 'owner');
  session = await openBrowser({ token: ownerToken });
});
after(async () => {
  await session?.close();
});

test('a sub-account sees its reseller’s brand and branded actions', async () => {
  const { page, errors } = session;

  // The API agrees with what the page will show.
  const { body: branding } = await apiAs(ownerToken, 'GET', '/branding');
  assert.equal(branding.product_name, 'PulseGym Automations');
  assert.equal(branding.reseller_org_id, RESELLER);
  const { body: catalog } = await apiAs(ownerToken, 'GET', '/catalog');
  const sms = catalog.items.find((e) => e.id === 'atlas.sms.send');
  assert.equal(sms.branded, true);
  assert.equal(sms.name, 'PulseGym Text');
  assert.deepEqual(sms.default_input, DEFAULTS);

  // Product name in the header and the title, brand colour, logo.
  await page.goto(`${URL}/`);
  const heading = page.getByTestId('product-name');
  await heading.filter({ hasText: 'PulseGym Automations' }).waitFor();
  await page.waitForFunction(() => document.title === 'PulseGym Automations');
  const brand = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--brand').trim());
  assert.equal(brand, PRIMARY);
  assert.equal(await heading.evaluate((el) => getComputedStyle(el).color), 'rgb(11, 110, 79)');
  assert.equal(await page.locator('.app-header').evaluate((el) => getComputedStyle(el).borderTopColor), 'rgb(255, 180, 0)');
  const logo = heading.locator('img.brand-logo');
  await logo.waitFor();
  assert.ok(await logo.evaluate((img) => img.complete && img.naturalWidth > 0), 'the logo loads');
  await screenshot(page, '40-branded-list');

  // The palette shows the branded action, marked; dropping it starts from the reseller's defaults.
  await page.getByRole('button', { name: 'New workflow' }).click();
  await page.waitForURL(/\/workflows\/[0-9a-f-]+$/);
  const workflowId = page.url().split('/').pop();
  await node(page, 'trigger').waitFor();
  const item = page.getByTestId('palette-atlas.sms.send');
  await item.getByText('PulseGym Text').waitFor();
  assert.equal(await item.locator('.branded-mark').count(), 1);
  assert.match(await item.getAttribute('title'), /^Texts a member from the front desk/);
  assert.equal(await page.getByTestId('palette-atlas.email.send').locator('.branded-mark').count(), 0);

  const pane = page.locator('.react-flow__pane');
  const trigger = await node(page, 'trigger').boundingBox();
  const paneBox = await pane.boundingBox();
  await item.dragTo(pane, { targetPosition: { x: trigger.x + trigger.width / 2 - paneBox.x, y: trigger.y + trigger.height / 2 - paneBox.y + 180 } });
  await node(page, 'sms_1').getByText('PulseGym Text: Welcome to PulseGym').waitFor();
  await node(page, 'sms_1').click();
  const panel = page.locator('.side-panel');
  await panel.getByRole('heading', { name: 'PulseGym Text' }).waitFor();
  assert.equal(await panel.getByRole('combobox', { name: /^Body/ }).inputValue(), DEFAULTS.body);
  assert.equal(await panel.getByRole('combobox', { name: /^From/ }).inputValue(), DEFAULTS.from);
  await waitSaved(page);
  await screenshot(page, '41-branded-editor');

  const saved = (await apiAs(ownerToken, 'GET', `/workflows/${workflowId}`)).body;
  assert.deepEqual(saved.document.nodes.find((n) => n.id === 'sms_1').config.input, DEFAULTS);
  assert.deepEqual(errors, []);
});
