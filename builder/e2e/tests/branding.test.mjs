// Reseller branding: in the Reseller page (at tablet width) a reseller admin
// creates a sub-account, brands the product and an action; the sub-account's
// staff see the brand (name, colours, logo), the branded action in the
// palette, and a dropped node starting with the reseller's default input.
import { after, test } from 'node:test';
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
after(async () => {
  await session?.close();
});

test('a reseller creates a sub-account, sets the brand and brands an action in the Reseller page', async () => {
  const reseller = await openBrowser({ token: issueToken(RESELLER, 'reseller-admin'), width: 820, height: 1180 });
  const { page, errors } = reseller;
  try {
    await page.goto(`${URL}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reseller' }).click();
    await page.waitForURL(/\/reseller$/);

    // A sub-account in Madrid's time zone.
    const subs = page.getByRole('form', { name: 'New sub-account' });
    await subs.getByRole('textbox', { name: 'Account id' }).fill(SUB_ACCOUNT);
    await subs.getByRole('textbox', { name: 'Account name' }).fill('PulseGym Downtown');
    await subs.getByRole('searchbox', { name: 'Find a time zone' }).fill('madrid');
    await subs.getByRole('combobox', { name: 'Time zone' }).selectOption('Europe/Madrid');
    await subs.getByRole('button', { name: 'Create sub-account' }).click();
    await subs.getByRole('status').getByText('in Europe/Madrid').waitFor();
    await page.getByTestId('sub-accounts').getByRole('row', { name: new RegExp(SUB_ACCOUNT) }).getByText('Europe/Madrid').waitFor();

    // A wrong colour is refused with the field named, then the brand is saved.
    const brand = page.getByRole('region', { name: 'Product brand' });
    await brand.getByRole('textbox', { name: 'Product name' }).fill('PulseGym Automations');
    await brand.getByRole('textbox', { name: 'Logo (https:// or data:image/ URL)' }).fill(LOGO);
    await brand.getByRole('textbox', { name: /^Primary colour \(/ }).fill('#0b6e4');
    await brand.getByRole('textbox', { name: /^Accent colour \(/ }).fill(ACCENT);
    await brand.getByRole('button', { name: 'Save brand' }).click();
    await brand.getByRole('alert').getByText('primary_color: must be a colour like #1A2B3C').waitFor();
    await brand.getByRole('textbox', { name: /^Primary colour \(/ }).fill(PRIMARY);
    assert.equal(await brand.getByLabel('Primary colour picker').inputValue(), PRIMARY);
    await brand.getByRole('button', { name: 'Save brand' }).click();
    await brand.getByRole('status').getByText('PulseGym Automations').waitFor();

    // The SMS action, branded with default input.
    const form = page.getByRole('form', { name: 'Brand an action' });
    await form.getByRole('combobox', { name: 'Action' }).selectOption('atlas.sms.send');
    await form.getByRole('textbox', { name: 'Display name' }).fill('PulseGym Text');
    await form.getByRole('textbox', { name: /^Icon/ }).fill('message-circle');
    await form.getByRole('textbox', { name: 'Description' }).fill('Texts a member from the front desk');
    await form.getByRole('textbox', { name: /^Default input/ }).fill(JSON.stringify(DEFAULTS, null, 2));
    await form.getByRole('button', { name: 'Save action branding' }).click();
    await form.getByRole('status').getByText('Saved the branding of atlas.sms.send.').waitFor();
    await page.getByTestId('brandings').getByRole('row', { name: /atlas\.sms\.send/ }).getByText('PulseGym Text').waitFor();

    // Tablet width: nothing overflows the page sideways.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), 'no horizontal overflow at 820 px');
    await screenshot(page, '43-reseller-tablet');
    assert.deepEqual(errors, []);
  } finally {
    await reseller.close();
  }

  // The API agrees.
  const token = issueToken(RESELLER, 'reseller-admin');
  const { body: brandings } = await apiAs(token, 'GET', '/reseller/brandings');
  assert.deepEqual(brandings.items['atlas.sms.send'], { display_name: 'PulseGym Text', icon: 'message-circle', description: 'Texts a member from the front desk', defaults: DEFAULTS });
  const { body: accounts } = await apiAs(token, 'GET', '/reseller/sub-accounts');
  assert.deepEqual(accounts.items.find((o) => o.id === SUB_ACCOUNT), { id: SUB_ACCOUNT, name: 'PulseGym Downtown', time_zone: 'Europe/Madrid' });

  ownerToken = issueToken(SUB_ACCOUNT, 'owner');
  session = await openBrowser({ token: ownerToken });
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
  // A sub-account's owner has no Reseller page.
  assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reseller' }).count(), 0);
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
