// Links (issue #18): the view in the address (?q= ?sort= ?account= ?region=), and ?secret= that
// opens a secret's restore; Copy link. A fleet (own account + `staging`, two regions each), where
// `shared/api-token` is scheduled in two places (moto, IAM on).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialogFor, eventually, openPage, rowNames, table, useStack, waitForListing } from './harness.mjs';

const STAGING = '210987654321';
const SHARED = 'shared/api-token';

describe('links', () => {
  const env = useStack({ fleet: {} });
  const rowsInAll = () => env.stack.state.targets.filter((t) => !t.denied)
    .reduce((n, t) => n + t.scheduled.length, 0);
  const search = (page) => page.getByRole('searchbox', { name: 'Search secrets' });
  const count = (page) => page.locator('#match-count').innerText();

  async function open(query) {
    const opened = await openPage(env.browser, env.stack);
    await opened.page.goto(`/${query}`);
    return opened;
  }

  test('?secret=NAME opens its restore once listed; Copy link gives a URL that opens the same dialog', async () => {
    const { page, context, problems } = await open('?secret=prod%2Fdb');
    const dialog = dialogFor(page, 'prod/db');
    await dialog.waitFor();
    // The safe choice has focus, as when opened from the row.
    assert.equal(await dialog.getByRole('button', { name: 'Cancel', exact: true })
      .evaluate((el) => el === document.activeElement), true);
    // Handled: the address no longer asks for it.
    await eventually(async () => assert.equal(new URL(page.url()).searchParams.get('secret'), null));
    const arn = env.stack.state.scheduled.find((s) => s.name === 'prod/db').arn;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.stack.baseURL.replace(/\/$/, '') });
    await dialog.getByRole('button', { name: 'Copy link', exact: true }).click();
    await dialog.getByText('Link copied.').waitFor();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(new URL(link).searchParams.get('secret'), arn, link);
    assert.equal(new URL(link).origin, new URL(env.stack.baseURL).origin);
    assert.deepEqual(problems, []);
    await context.close();

    const again = await openPage(env.browser, env.stack);
    await again.page.goto(link);
    const reopened = dialogFor(again.page, 'prod/db');
    await reopened.waitFor();
    assert.ok((await reopened.innerText()).includes(arn));
    await again.context.close();
  });

  test('?secret=ARN opens exactly that copy of a name scheduled in two places', async () => {
    const staging = env.stack.state.targets.find((t) => t.account === STAGING && t.region === 'us-east-1');
    const arn = staging.scheduled.find((s) => s.name === SHARED).arn;
    const { page, context } = await open(`?secret=${encodeURIComponent(arn)}`);
    const dialog = dialogFor(page, SHARED);
    await dialog.waitFor();
    const text = await dialog.innerText();
    assert.ok(text.includes(arn), text);
    assert.match(text, new RegExp(`staging \\(${STAGING}\\)`));
    assert.match(text, /us-east-1/);
    await context.close();
  });

  test('a name scheduled in several places filters the table to them and asks to choose; an absent name says so', async () => {
    const { page, context } = await open(`?secret=${encodeURIComponent(SHARED)}`);
    await page.getByText(`${SHARED} is scheduled for deletion in 2 places: choose one.`).waitFor();
    assert.equal(await page.getByRole('alertdialog').count(), 0, 'no dialog: the user chooses');
    const total = rowsInAll();
    await eventually(async () => assert.equal(await count(page), `Showing 2 of ${total}`));
    assert.deepEqual(await rowNames(page), [SHARED, SHARED]);
    await page.getByRole('button', { name: 'Show all secrets', exact: true }).click();
    await eventually(async () => assert.equal(await count(page), `Showing ${total} of ${total}`));
    await context.close();

    const absent = await open('?secret=no%2Fsuch-secret');
    await absent.page.getByText('No secret named no/such-secret is scheduled for deletion in the accounts and regions listed here; it may have been restored or purged, or live in an account this dashboard does not list.').waitFor();
    await waitForListing(absent.page, total);
    assert.equal(await absent.page.getByRole('alertdialog').count(), 0);
    await absent.context.close();
  });

  test('?q=&sort=&region= reproduce a view; changes update the address in place; Back restores the last view', async () => {
    const { page, context } = await open('?q=db&sort=name-desc&region=eu-west-1');
    assert.equal(await search(page).inputValue(), 'db');
    const nameHeader = table(page).getByRole('columnheader', { name: /^Name/ });
    await eventually(async () => assert.equal(await nameHeader.getAttribute('aria-sort'), 'descending'));
    await eventually(async () => assert.equal(await page.getByLabel('Region', { exact: true }).inputValue(), 'eu-west-1'));
    const euDbs = env.stack.state.targets.filter((t) => t.region === 'eu-west-1')
      .flatMap((t) => t.scheduled.map((s) => s.name)).filter((n) => n.includes('db'))
      .sort((a, b) => b.localeCompare(a));
    await eventually(async () => {
      const shown = await table(page).getByRole('rowheader').evaluateAll((ths) =>
        ths.filter((th) => !th.closest('tr').hidden).map((th) => th.textContent.trim()));
      assert.deepEqual(shown, euDbs);
    });
    // A change: the address follows, without a new history entry per key.
    const entries = await page.evaluate(() => history.length);
    await search(page).fill('payments');
    await eventually(async () => assert.equal(new URL(page.url()).searchParams.get('q'), 'payments'));
    await nameHeader.getByRole('button').click();
    await eventually(async () => assert.equal(new URL(page.url()).searchParams.get('sort'), 'name'));
    assert.equal(await page.evaluate(() => history.length), entries);
    // Another page, then Back: the view as it was left.
    await page.goto('/?q=staging');
    assert.equal(await search(page).inputValue(), 'staging');
    await page.goBack();
    await eventually(async () => assert.equal(await search(page).inputValue(), 'payments'));
    assert.equal(new URL(page.url()).searchParams.get('sort'), 'name');
    await context.close();
  });

  test('hostile values in the address are plain text', async () => {
    const q = '<img src=x onerror="window.__pwned=1">';
    const secret = '<script>window.__pwned=2</script>';
    const { page, context, problems } = await open(`?q=${encodeURIComponent(q)}&secret=${encodeURIComponent(secret)}&sort=%22%3E&account=%00`);
    await page.getByText(`No secret named ${secret} is scheduled for deletion`, { exact: false }).waitFor();
    assert.equal(await search(page).inputValue(), q);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(await page.locator('img[src="x"], main script').count(), 0);
    // A search that matches nothing is quoted with its invisible and bidi characters written out.
    await search(page).fill('db\u202Eevil\u200B');
    await page.getByText('No secrets match “db[U+202E]evil[U+200B]”.').waitFor();
    // An unknown sort is the default order.
    const timeLeft = table(page).getByRole('columnheader', { name: /^Time left/ });
    if (await timeLeft.count()) assert.equal(await timeLeft.getAttribute('aria-sort'), 'ascending');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('?account= and ?region= that match nothing listed show everything, and say so', async () => {
    const { page, context } = await open('?account=999999999999&region=mars-1');
    await waitForListing(page, rowsInAll());
    await page.getByRole('status').filter({
      hasText: 'The account “999999999999” is not among those this dashboard lists: all accounts are shown. '
        + 'The region “mars-1” is not among those this dashboard lists: all regions are shown.',
    }).waitFor();
    assert.equal((await rowNames(page)).length, rowsInAll());
    await eventually(async () => {
      const params = new URL(page.url()).searchParams;
      assert.deepEqual([params.get('account'), params.get('region')], [null, null]);
    });
    await context.close();
  });

  test('a link still waiting for the fleet never opens over what the user started: it offers its secret', async () => {
    const { page, context } = await openPage(env.browser, env.stack);
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await page.route(`**/api/secretsmanager/${STAGING}/eu-west-1`, async (route) => { await held; await route.continue(); });
    await page.goto('/?secret=prod%2Fdb');
    // Meanwhile the user opens another secret's restore.
    await page.getByRole('button', { name: 'Cancel deletion for legacy/ldap-bind in 123456789012 (us-east-1)', exact: true }).click();
    await dialogFor(page, 'legacy/ldap-bind').waitFor();
    release();
    await page.getByText('The link\'s secret prod/db is listed in 123456789012 in us-east-1.').waitFor({ state: 'attached' });
    assert.equal(await dialogFor(page, 'legacy/ldap-bind').count(), 1, 'the open dialog is still the user\'s');
    assert.equal(await page.getByRole('alertdialog').count(), 1);
    await dialogFor(page, 'legacy/ldap-bind').getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.getByRole('button', { name: 'Open the restore of prod/db', exact: true }).click();
    await dialogFor(page, 'prod/db').waitFor();
    await context.close();
  });

  test('a name listed once while another account-region failed: not opened by itself, the doubt is said', async () => {
    const { page, context } = await openPage(env.browser, env.stack);
    await page.route(`**/api/secretsmanager/${STAGING}/us-east-1`, (route) => route.fulfill({
      status: 400, contentType: 'application/x-amz-json-1.1',
      body: JSON.stringify({ __type: 'AccessDeniedException', message: 'not today' }),
    }));
    await page.goto(`/?secret=${encodeURIComponent(SHARED)}`);
    await page.getByText(`${SHARED} is scheduled for deletion in 123456789012 in eu-west-1, but some account-regions could not be listed and may hold another secret of that name: check that this is the one you mean.`).waitFor();
    assert.equal(await page.getByRole('alertdialog').count(), 0);
    await page.getByRole('button', { name: `Open the restore of ${SHARED}`, exact: true }).click();
    const dialog = dialogFor(page, SHARED);
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /eu-west-1/);
    await context.close();
  });
});
