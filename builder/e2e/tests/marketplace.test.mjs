// The marketplace end to end: a partner signs and publishes two versions of an
// action through the API and a platform admin approves them; in the browser the
// org owner finds the action in the Marketplace page, grants `kv`, installs it
// and finds it in the editor's palette; then upgrades to the version that also
// asks for a secret, sees the upgrade report, installs it granting less (so it
// waits), and grants the rest from the Installed list.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, apiAs, issueToken, node, openBrowser, partnerComponent, registerPartner, screenshot, URL } from '../helpers.mjs';

const ID = 'acme.partner.echo';

let session;
before(async () => {
  const partner = await registerPartner('acme');
  const ok = (what, { status, body }, expected) => assert.ok(expected.includes(status), `${what} answered ${status}: ${JSON.stringify(body)}`);
  ok('publishing 1.0.0', await partner.publish(partnerComponent(), 'First release: echoes its input.'), [201]);
  ok(
    'publishing 1.1.0',
    await partner.publish(partnerComponent({ id: ID, version: '1.1.0', capabilities: ['kv', 'secret:api_key'] }), 'Signs its echo with your API key.'),
    [201],
  );
  const admin = issueToken('platform', 'platform-admin', 'reviewer');
  for (const version of ['1.0.0', '1.1.0']) ok(`approving ${version}`, await apiAs(admin, 'POST', `/review/${ID}/${version}/approve`, {}), [200, 204]);
  session = await openBrowser();
});
after(async () => {
  await session?.close();
});

test('an owner installs a partner action with grants, sees it in the palette, and upgrades', async () => {
  const { page, errors } = session;
  await page.goto(`${URL}/`);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Marketplace' }).click();
  await page.waitForURL(/\/marketplace$/);

  // Browse: search, then the publisher filter; the card shows what the list says.
  await page.getByTestId('market-atlas.sms.send').waitFor();
  await page.getByRole('searchbox', { name: 'Search actions' }).fill('echo');
  const card = page.getByTestId(`market-${ID}`);
  await card.waitFor();
  await page.getByTestId('market-atlas.sms.send').waitFor({ state: 'detached' });
  await page.getByRole('searchbox', { name: 'Search actions' }).fill('');
  await page.getByRole('combobox', { name: 'Publisher' }).selectOption({ label: 'acme Ltd' });
  await page.getByTestId('market-atlas.sms.send').waitFor({ state: 'detached' });
  assert.equal(await page.locator('.market-card').count(), 1);
  await card.getByText('by acme Ltd').waitFor();
  await card.getByText('0 installs · latest 1.1.0').waitFor();
  await screenshot(page, '50-marketplace');

  // Detail: versions, changelogs and capabilities in plain words.
  await card.getByRole('button', { name: /^Details of/ }).click();
  const detail = page.getByTestId('plugin-detail');
  await detail.getByText('Signs its echo with your API key.').waitFor();
  await detail.getByText('First release: echoes its input.').waitFor();
  assert.equal(await detail.locator('code', { hasText: 'secret:api_key' }).count(), 1);
  await screenshot(page, '51-marketplace-detail');

  // Install 1.0.0: the only capability is kv, granted.
  await detail.getByRole('button', { name: 'Install 1.0.0' }).click();
  const dialog = page.locator('dialog[open]');
  await dialog.getByRole('combobox', { name: 'Version' }).waitFor();
  assert.equal(await dialog.getByRole('combobox', { name: 'Version' }).inputValue(), '1.0.0');
  const kv = dialog.getByRole('checkbox', { name: /kv/ });
  await dialog.getByTestId('ungranted-warning').waitFor();
  await kv.check();
  await dialog.getByTestId('ungranted-warning').waitFor({ state: 'detached' });
  await dialog.getByRole('button', { name: 'Install 1.0.0' }).click();
  const outcome = dialog.getByTestId('install-outcome');
  await outcome.getByText('active', { exact: true }).waitFor();
  await screenshot(page, '52-marketplace-installed');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await page.getByTestId(`install-${ID}@1.0.0`).getByText('active', { exact: true }).waitFor();
  const installs = (await api('GET', '/installs')).body.items;
  assert.deepEqual(
    installs.map((i) => [i.plugin_id, i.version, i.status, i.granted]),
    [[ID, '1.0.0', 'active', ['kv']]],
  );

  // The editor's palette has it.
  await page.getByRole('link', { name: 'Workflows' }).click();
  await page.getByRole('button', { name: 'New workflow' }).click();
  await page.waitForURL(/\/workflows\/[0-9a-f-]+$/);
  await node(page, 'trigger').waitFor();
  await page.getByTestId(`palette-${ID}`).waitFor();
  await screenshot(page, '53-palette-partner-action');

  // Upgrade to 1.1.0: the report lists the added secret; granted only kv, it waits.
  await page.goto(`${URL}/marketplace`);
  await page.getByTestId(`market-${ID}`).getByRole('button', { name: /^Details of/ }).click();
  await page.getByTestId('plugin-detail').getByRole('button', { name: 'Upgrade to 1.1.0' }).click();
  const report = dialog.getByTestId('upgrade-report');
  await report.getByText('Upgrade from 1.0.0').waitFor();
  assert.equal(await report.locator('code', { hasText: 'secret:api_key' }).count(), 1);
  const secret = dialog.getByLabel('Secret api_key');
  assert.equal(await secret.getAttribute('type'), 'password');
  await secret.fill('s3cret');
  await dialog.getByRole('checkbox', { name: /kv/ }).check();
  await dialog.getByTestId('ungranted-warning').getByText('1 of 2 not granted').waitFor();
  await screenshot(page, '54-marketplace-upgrade');
  await dialog.getByRole('button', { name: 'Upgrade to 1.1.0' }).click();
  await outcome.getByText('awaiting grant', { exact: true }).waitFor();
  assert.equal(await outcome.locator('li code', { hasText: 'secret:api_key' }).count(), 2, 'missing, and added by the upgrade');
  await dialog.getByRole('button', { name: 'Done' }).click();

  // Grant the rest from the Installed list.
  const row = page.getByTestId(`install-${ID}@1.1.0`);
  await row.getByText('awaiting grant').waitFor();
  await row.getByRole('button', { name: `Grant ${ID} 1.1.0` }).click();
  const grant = page.locator('dialog[open]');
  assert.ok(await grant.getByRole('checkbox', { name: /secret:api_key/ }).isChecked());
  await grant.getByRole('button', { name: 'Grant' }).click();
  await grant.getByTestId('install-outcome').getByText('active', { exact: true }).waitFor();
  await grant.getByRole('button', { name: 'Done' }).click();
  await row.getByText('active', { exact: true }).waitFor();
  const upgraded = (await api('GET', '/installs')).body.items.find((i) => i.version === '1.1.0');
  assert.deepEqual([upgraded.status, [...upgraded.granted].sort()], ['active', ['kv', 'secret:api_key']]);

  // A refused call shows the server's problem: a grant the version does not request.
  const refused = await api('POST', `/installs/${ID}/1.1.0/grant`, { grants: ['ai'] });
  assert.equal(refused.status, 422);

  // Uninstalling 1.0.0 leaves 1.1.0.
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: `Uninstall ${ID} 1.0.0` }).click();
  await page.getByTestId(`install-${ID}@1.0.0`).waitFor({ state: 'detached' });
  await screenshot(page, '55-marketplace-installs');
  assert.deepEqual(errors, []);
});

test('installing refused by the server shows its problem and field errors', async () => {
  const { page } = session;
  // A staff member cannot install: the page says so, and offers no install buttons.
  const staff = await openBrowser({ token: issueToken('demo', 'staff') });
  try {
    await staff.page.goto(`${URL}/marketplace`);
    await staff.page.getByText('an owner or admin of your organisation installs actions').waitFor();
    assert.equal(await staff.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Marketplace' }).count(), 0);
    assert.equal(await staff.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reseller' }).count(), 0);
  } finally {
    await staff.close();
  }
  // An owner whose install is refused (the version is yanked meanwhile) sees the detail.
  await page.goto(`${URL}/marketplace`);
  await page.getByRole('searchbox', { name: 'Search actions' }).fill('echo');
  await page.getByTestId(`market-${ID}`).getByRole('button', { name: /^Details of/ }).click();
  await page.getByTestId('plugin-detail').getByRole('button', { name: 'Install 1.0.0' }).click();
  const dialog = page.locator('dialog[open]');
  await dialog.getByRole('checkbox', { name: /kv/ }).check();
  const partner = issueToken('acme', 'partner', 'acme-dev');
  const yanked = await apiAs(partner, 'POST', `/marketplace/plugins/${ID}/versions/1.0.0/yank`, {});
  assert.ok([200, 204].includes(yanked.status), `yanking answered ${yanked.status}: ${JSON.stringify(yanked.body)}`);
  await dialog.getByRole('button', { name: 'Install 1.0.0' }).click();
  const alert = dialog.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /yanked/i);
  await screenshot(page, '56-marketplace-problem');
});
