// Listing, paging, search and sorting against a seeded moto account (IAM auth on).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cancelButton, eventually, openPage, rowNames, scheduledByUrgency, screenshot,
  table, waitForListing,
  useStack,
} from './harness.mjs';

describe('listing', () => {
  const env = useStack();

  test('lists exactly the secrets scheduled for deletion, across every ListSecrets page', async () => {
    const { state } = env.stack;
    assert.ok(state.total > 100, 'the seed must exceed one ListSecrets page');
    const { page, problems, context } = await openPage(env.browser, env.stack);
    const listCalls = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/secretsmanager') && r.headers()['x-amz-target'] === 'secretsmanager.ListSecrets') {
        listCalls.push(JSON.parse(r.postData() || '{}'));
      }
    });
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'Undelete' }).waitFor();
    const expected = state.scheduled.map((s) => s.name);
    await waitForListing(page, expected.length);

    const names = await rowNames(page);
    assert.deepEqual([...names].sort(), [...expected].sort(), 'rows = the seeded scheduled secrets');
    const live = new Set(state.live);
    assert.deepEqual(names.filter((n) => live.has(n)), [], 'no live secret is listed');
    assert.ok(listCalls.length >= 2, `paged through ListSecrets (${listCalls.length} calls)`);
    assert.ok(listCalls.slice(1).every((c) => c.NextToken), 'later ListSecrets calls carry NextToken');

    // Every row has its own, exactly named action.
    for (const name of expected) {
      assert.equal(await cancelButton(page, name).count(), 1, `one "Cancel deletion for ${name}" button`);
    }
    // Chromium's own accessibility tree (what a screen reader reads) has every row's button too,
    // including rows far below the fold: small tables never skip rendering off-screen rows.
    await page.setViewportSize({ width: 1280, height: 200 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const cdp = await context.newCDPSession(page);
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const axButtons = new Set(nodes.filter((n) => !n.ignored && n.role?.value === 'button').map((n) => n.name?.value));
    for (const name of expected) {
      assert.ok(axButtons.has(`Cancel deletion for ${name}`), `accessibility tree has the button for ${name}`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    // Columns of the contract.
    const headers = (await table(page).getByRole('columnheader').allInnerTexts()).map((s) => s.trim());
    for (const h of ['Name', 'Description', 'Deletion date', 'Time left', 'Tags', 'Last changed', 'Actions']) {
      assert.ok(headers.some((t) => t.startsWith(h)), `column "${h}" in ${JSON.stringify(headers)}`);
    }
    // A row shows its description and tags.
    const row = table(page).getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'prod/db', exact: true }) });
    const rowText = await row.innerText();
    assert.match(rowText, /Primary Postgres credentials for the orders service/);
    assert.match(rowText, /payments/);

    // The header shows what /api/config reports.
    const config = await (await page.request.get('/api/config')).json();
    const body = await page.locator('body').innerText();
    assert.ok(body.includes(config.region), `page shows region ${config.region}`);
    assert.ok(body.includes(config.endpoint), `page shows endpoint ${config.endpoint}`);

    // Marks for the benchmark script.
    const marks = await page.evaluate(() => performance.getEntriesByType('mark').map((m) => m.name));
    assert.ok(marks.includes('undelete:first-row'), `performance mark undelete:first-row in ${marks}`);
    assert.ok(marks.includes('undelete:list-complete'), `performance mark undelete:list-complete in ${marks}`);

    assert.equal(await page.getByRole('status').count(), 1, 'one live region with role status');

    await screenshot(page, 'dashboard');
    assert.deepEqual(problems, [], 'no console errors or failed requests');
    await context.close();
  });

  test('default order is time left ascending; the sort buttons toggle', async () => {
    const { page, problems, context } = await openPage(env.browser, env.stack);
    await page.goto('/');
    const urgent = scheduledByUrgency(env.stack.state);
    await waitForListing(page, urgent.length);

    const th = (name) => table(page).getByRole('columnheader', { name: new RegExp(`^${name}`) });
    const sortButton = (name) => table(page).getByRole('button', { name, exact: true });
    assert.equal(await th('Time left').getAttribute('aria-sort'), 'ascending');
    assert.deepEqual(await rowNames(page), urgent, 'most urgent first');

    await sortButton('Time left').click();
    await eventually(async () => assert.equal(await th('Time left').getAttribute('aria-sort'), 'descending'));
    assert.deepEqual(await rowNames(page), [...urgent].reverse(), 'least urgent first');

    await sortButton('Time left').click();
    await eventually(async () => assert.equal(await th('Time left').getAttribute('aria-sort'), 'ascending'));
    assert.deepEqual(await rowNames(page), urgent);

    // Deletion date sorts like time left.
    await sortButton('Deletion date').click();
    const dir = await eventually(async () => {
      const d = await th('Deletion date').getAttribute('aria-sort');
      assert.ok(d === 'ascending' || d === 'descending', `aria-sort on Deletion date is ${d}`);
      return d;
    });
    assert.equal(await th('Time left').getAttribute('aria-sort'), 'none', 'only one column is sorted');
    assert.deepEqual(await rowNames(page), dir === 'ascending' ? urgent : [...urgent].reverse());

    // Name, both directions.
    const byName = [...urgent].sort();
    await sortButton('Name').click();
    const first = await eventually(async () => {
      const d = await th('Name').getAttribute('aria-sort');
      assert.ok(d === 'ascending' || d === 'descending', `aria-sort on Name is ${d}`);
      return d;
    });
    assert.deepEqual(await rowNames(page), first === 'ascending' ? byName : [...byName].reverse());
    await sortButton('Name').click();
    await eventually(async () => assert.notEqual(await th('Name').getAttribute('aria-sort'), first));
    assert.deepEqual(await rowNames(page), first === 'ascending' ? [...byName].reverse() : byName);

    assert.deepEqual(problems, [], 'no console errors or failed requests');
    await context.close();
  });

  test('search narrows the rows by name, description and tags', async () => {
    const { page, problems, context } = await openPage(env.browser, env.stack);
    await page.goto('/');
    const total = env.stack.state.scheduled.length;
    await waitForListing(page, total);
    const search = page.getByRole('searchbox', { name: 'Search secrets' });
    const showing = (n) => page.getByText(`Showing ${n} of ${total}`);

    const cases = [
      ['prod/db', ['prod/db', 'prod/db-replica']], // name (prefix pair)
      ['retired', ['legacy/ldap-bind']], // description only
      ['4711', ['analytics/warehouse+etl']], // tag value only
      ['team: identity', ['legacy/ldap-bind', 'prod/oauth/client.secret']], // a tag as the table shows it
      ['team=identity env=prod', ['legacy/ldap-bind', 'prod/oauth/client.secret']], // key=value, two terms
      ['no-such-secret-anywhere', []],
    ];
    // Screen readers hear the result from the live region once typing pauses.
    const announced = (text) => eventually(async () => {
      const said = await page.getByRole('status').innerText();
      assert.equal(said, text, 'the live region announces the search result');
    });
    for (const [query, want] of cases) {
      await search.fill(query);
      await eventually(async () => assert.deepEqual([...(await rowNames(page))].sort(), [...want].sort(), `search "${query}"`));
      await showing(want.length).first().waitFor();
      await announced(`Showing ${want.length} of ${total}`);
    }
    await search.fill('');
    await eventually(async () => assert.equal((await rowNames(page)).length, total));
    await showing(total).first().waitFor();
    await announced(`Showing ${total} of ${total}`);

    assert.deepEqual(problems, [], 'no console errors or failed requests');
    await context.close();
  });

  test('dates the browser cannot hold are unreadable, look-alike names are told apart; Refresh still works', async () => {
    const { page, problems, context } = await openPage(env.browser, env.stack);
    const arn = (n) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${n}-AbCdEf`;
    const now = Date.now() / 1000;
    let synthetic = true;
    await page.route('**/api/secretsmanager**', async (route) => {
      if (!synthetic || route.request().headers()['x-amz-target'] !== 'secretsmanager.ListSecrets') return route.continue();
      return route.fulfill({
        status: 200,
        contentType: 'application/x-amz-json-1.1',
        body: JSON.stringify({ SecretList: [
          // Epoch seconds past what a JS Date holds (a microsecond epoch read as seconds, 1e13).
          { ARN: arn('far/deleted'), Name: 'far/deleted', DeletedDate: 1.8e15 },
          { ARN: arn('far/changed'), Name: 'far/changed', DeletedDate: now + 86400, LastChangedDate: 1e13 },
          { ARN: arn('normal'), Name: 'normal', DeletedDate: now + 3 * 86400 },
          // moto accepts a name that looks like another one: the row writes the difference out.
          { ARN: arn('normal-zw'), Name: 'normal\u200b', DeletedDate: now + 3 * 86400 },
        ] }),
      });
    });
    await page.goto('/');
    await waitForListing(page, 4);
    const row = (name) => table(page).getByRole('row').filter({ has: cancelButton(page, name) });
    assert.match(await row('far/deleted').innerText(), /Unknown: the deletion date could not be read/);
    assert.match(await row('far/changed').innerText(), /23 hours \d+ minutes left[\s\S]*Unknown/);
    // The two rows' controls are told apart by name: the zero-width space is written out in it
    // (accessible names would drop it otherwise), and in the note under the name.
    const lookAlikes = [...await row('normal').allInnerTexts(), ...await row('normal[U+200B]').allInnerTexts()];
    assert.equal(lookAlikes.length, 2);
    assert.ok(lookAlikes.every((text) => /2 days 23 hours left/.test(text)), lookAlikes.join(' | '));
    assert.deepEqual(lookAlikes.map((text) => text.includes('Hidden characters: normal[U+200B]')), [false, true]);
    assert.equal(await page.getByRole('checkbox', { name: 'Select normal[U+200B]', exact: true }).count(), 1);
    // The confirmation writes it out too, so the person confirming sees which one it is.
    await table(page).getByRole('row').filter({ hasText: 'Hidden characters: normal[U+200B]' }).getByRole('button').click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /This restores normal\[U\+200B\]:/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    // Nothing broke: Refresh lists the real account.
    synthetic = false;
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await waitForListing(page, env.stack.state.scheduled.length);
    assert.deepEqual(problems.filter((p) => !p.startsWith('HTTP')), [], 'no page errors');
    await context.close();
  });

  test('Refresh lists again', async () => {
    const { page, problems, context } = await openPage(env.browser, env.stack);
    await page.goto('/');
    const names = env.stack.state.scheduled.map((s) => s.name);
    await waitForListing(page, names.length);
    // Restored behind the UI's back: gone after Refresh.
    await env.stack.admin('restore', 'staging/smtp@relay');
    try {
      await page.getByRole('button', { name: 'Refresh', exact: true }).click();
      await waitForListing(page, names.length - 1);
      assert.ok(!(await rowNames(page)).includes('staging/smtp@relay'));
    } finally {
      await env.stack.admin('schedule', 'staging/smtp@relay', 26);
    }
    assert.deepEqual(problems, [], 'no console errors or failed requests');
    await context.close();
  });
});
