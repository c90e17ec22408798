// Every account and region in one table (issue #17): the proxy's own account and a spoke reached
// by assuming its role, each in two regions, plus a spoke whose role may not list (moto, IAM on).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dialogFor, eventually, openPage, rowNames, screenshot, table, useStack, waitForListing,
} from './harness.mjs';

const HUB = '123456789012';
const STAGING = '210987654321';
const SHARED = 'shared/api-token';

describe('fleet', () => {
  const env = useStack({ fleet: { deniedSpoke: true } });
  const listable = () => env.stack.state.targets.filter((t) => !t.denied);
  const expectedRows = () => listable().reduce((n, t) => n + t.scheduled.length, 0);
  const button = (page, name, place) =>
    page.getByRole('button', { name: `Cancel deletion for ${name} in ${place}`, exact: true });

  async function loaded() {
    const opened = await openPage(env.browser, env.stack);
    await opened.page.goto('/');
    await waitForListing(opened.page, expectedRows());
    return opened;
  }

  test('rows of every account-region in one table, with Account and Region; a failing target is summarised', async () => {
    const { page, context } = await loaded();
    const config = await (await page.request.get('/api/config')).json();
    assert.equal(config.targets.length, 6, JSON.stringify(config.targets));

    const headers = (await table(page).getByRole('columnheader').allInnerTexts()).map((s) => s.trim());
    // The first column holds the "Select all shown" checkbox.
    assert.equal(await table(page).getByRole('columnheader').first()
      .getByRole('checkbox', { name: 'Select all shown' }).count(), 1);
    assert.deepEqual(headers.slice(1, 5).map((h) => h.replace(/[▲▼↕]/g, '').trim()),
      ['Name', 'Account', 'Region', 'Description']);
    // Every listable target's secrets, each row naming its place.
    for (const t of listable()) {
      const place = t.label === t.account ? `${t.account} (${t.region})` : `${t.label} (${t.region})`;
      for (const s of t.scheduled) {
        assert.equal(await button(page, s.name, place).count(), 1, `${s.name} in ${place}`);
      }
    }
    // The spoke's rows show its label and ID.
    const stagingRow = table(page).getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'staging/queue/creds', exact: true }) });
    const rowText = await stagingRow.innerText();
    assert.match(rowText, /staging/);
    assert.match(rowText, new RegExp(STAGING));
    assert.match(rowText, /us-east-1/);

    // Most urgent first across the fleet: the spoke's 7-day secret before the hub's 8-day one.
    const names = await rowNames(page);
    assert.ok(names.indexOf('eu/staging/db') < names.indexOf(SHARED), names.join(', '));

    // The denied spoke: one summary naming both its regions and why, with a Retry.
    const summary = page.getByRole('alert').filter({ hasText: 'Could not list 2 of 6 account-regions' });
    await summary.waitFor();
    const text = await summary.innerText();
    assert.match(text, /sandbox \(333333333333\) in us-east-1/);
    assert.match(text, /sandbox \(333333333333\) in eu-west-1/);
    assert.match(text, /Access denied/);
    assert.equal(await summary.getByRole('button', { name: 'Retry 2 account-regions' }).count(), 1);
    // Not an all-clear, and the header says what the table spans.
    assert.equal(await page.getByText('No secrets are scheduled for deletion').count(), 0);
    assert.match(await page.locator('header').innerText(), /3 accounts × 2 regions \(6 account-regions\)/);
    await screenshot(page, 'fleet');
    await context.close();
  });

  test('the same name in two targets: two rows; restoring one leaves the other scheduled', async () => {
    const { page, context } = await loaded();
    const inHub = button(page, SHARED, `${HUB} (eu-west-1)`);
    const inStaging = button(page, SHARED, 'staging (us-east-1)');
    assert.equal(await inHub.count(), 1);
    assert.equal(await inStaging.count(), 1);
    const restores = [];
    page.on('request', (r) => {
      if (r.headers()['x-amz-target'] === 'secretsmanager.RestoreSecret') restores.push(new URL(r.url()).pathname);
    });

    await inStaging.click();
    const dialog = dialogFor(page, SHARED);
    await dialog.waitFor();
    // Where it acts, named in the dialog's description.
    const described = await dialog.evaluate((el) => document.getElementById(el.getAttribute('aria-describedby')).textContent);
    assert.match(described, new RegExp(`staging \\(${STAGING}\\)`));
    assert.match(described, /us-east-1/);
    const arn = env.stack.state.targets.find((t) => t.account === STAGING && t.region === 'us-east-1')
      .scheduled.find((s) => s.name === SHARED).arn;
    assert.ok((await dialog.innerText()).includes(arn), 'the ARN of the staging secret');
    await dialog.getByRole('button', { name: 'Confirm restore' }).click();
    await page.getByRole('status').filter({ hasText: `${SHARED} in staging (${STAGING}) in us-east-1 restored.` }).waitFor();

    assert.deepEqual(restores, [`/api/secretsmanager/${STAGING}/us-east-1`]);
    await eventually(async () => assert.equal(await inStaging.count(), 0));
    assert.equal(await inHub.count(), 1, 'the hub row stays');
    // In moto: restored in staging us-east-1 only.
    const staging = await env.stack.admin({ target: `${STAGING}/us-east-1` }, 'describe', SHARED);
    assert.equal(staging.deletedDate, null, 'staging copy restored');
    const hub = await env.stack.admin({ target: `${HUB}/eu-west-1` }, 'describe', SHARED);
    assert.notEqual(hub.deletedDate, null, 'hub copy still scheduled');
    // Scheduled again, for the tests that follow.
    await env.stack.admin({ target: `${STAGING}/us-east-1` }, 'schedule', SHARED, 11);
    await context.close();
  });

  test('filters by account and region, and search by account and region, narrow "Showing N of M"', async () => {
    const { page, context } = await loaded();
    const total = (await rowNames(page)).length;
    const count = () => page.locator('#match-count').innerText();
    await page.getByLabel('Region', { exact: true }).selectOption('eu-west-1');
    const inEu = listable().filter((t) => t.region === 'eu-west-1').reduce((n, t) => n + t.scheduled.length, 0);
    await eventually(async () => assert.equal(await count(), `Showing ${inEu} of ${total}`));
    await page.getByLabel('Account', { exact: true }).selectOption({ label: `staging (${STAGING})` });
    await eventually(async () => assert.equal(await count(), 'Showing 1 of ' + total));
    assert.equal(await button(page, 'eu/staging/db', 'staging (eu-west-1)').isVisible(), true);
    await page.getByLabel('Region', { exact: true }).selectOption('');
    await page.getByLabel('Account', { exact: true }).selectOption('');
    await eventually(async () => assert.equal(await count(), `Showing ${total} of ${total}`));

    // Search matches the region and the account ID as well.
    await page.getByRole('searchbox', { name: 'Search secrets' }).fill('eu-west-1');
    await eventually(async () => assert.equal(await count(), `Showing ${inEu} of ${total}`));
    await page.getByRole('searchbox', { name: 'Search secrets' }).fill(STAGING);
    await eventually(async () => assert.equal(await count(),
      `Showing ${listable().filter((t) => t.account === STAGING).reduce((n, t) => n + t.scheduled.length, 0)} of ${total}`));
    await context.close();
  });

  test('a target that fails keeps the others; Retry lists only the failed targets', async () => {
    const { page, context } = await openPage(env.browser, env.stack);
    const broken = `/api/secretsmanager/${STAGING}/eu-west-1`;
    await page.route(`**${broken}`, (route) => route.abort('connectionreset'));
    await page.goto('/');
    const summary = page.getByRole('alert').filter({ hasText: 'Could not list 3 of 6 account-regions' });
    await summary.waitFor();
    assert.match(await summary.innerText(), /staging \(210987654321\) in eu-west-1/);
    // The summary comes as soon as the third target fails: the others may still be paging.
    await page.getByText(/^Listed 3 of 6 account-regions: scanned/).waitFor();
    // The other targets' rows are there.
    const names = await rowNames(page);
    assert.ok(names.includes('staging/queue/creds') && names.includes('prod/db'), names.join(', '));
    assert.ok(!names.includes('eu/staging/db'));
    assert.equal(await page.getByText('No secrets are scheduled for deletion').count(), 0);

    await page.unroute(`**${broken}`);
    const listed = [];
    page.on('request', (r) => {
      if (r.headers()['x-amz-target'] === 'secretsmanager.ListSecrets') listed.push(new URL(r.url()).pathname);
    });
    await summary.getByRole('button', { name: 'Retry 3 account-regions' }).click();
    await page.getByRole('alert').filter({ hasText: 'Could not list 2 of 6 account-regions' }).waitFor();
    await eventually(async () => assert.ok((await rowNames(page)).includes('eu/staging/db')));
    assert.deepEqual([...new Set(listed)].sort(), [
      broken, '/api/secretsmanager/333333333333/eu-west-1', '/api/secretsmanager/333333333333/us-east-1',
    ].sort(), 'only the failed targets are listed again');
    await context.close();
  });
});
