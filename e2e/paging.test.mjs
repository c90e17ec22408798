// Paging through ListSecrets: every page once and in order, what the app does when one of its
// requests fails, when scans overlap, and when the server's paging is broken.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, rowNames, waitForListing, useStack } from './harness.mjs';

const isList = (request) =>
  request.url().includes('/api/secretsmanager') &&
  request.headers()['x-amz-target'] === 'secretsmanager.ListSecrets';
const tokenOf = (request) => JSON.parse(request.postData() || '{}').NextToken ?? null;

describe('paging through ListSecrets', () => {
  // Five pages of 100 and more; 300 rows, a table large enough to test how it scales.
  const env = useStack({ live: 200, scheduled: 300 });
  const expected = () => env.stack.state.scheduled.map((s) => s.name).sort();

  test('the app pages to the end: every page is requested once, in order', async () => {
    const { page, problems, context } = await openPage(env.browser, env.stack);
    const tokens = [];
    page.on('request', (r) => { if (isList(r)) tokens.push(tokenOf(r)); });
    await page.goto('/');
    await waitForListing(page, expected().length);
    assert.deepEqual([...(await rowNames(page))].sort(), expected());
    assert.ok(tokens.length >= 3, `several pages (${tokens.length} requests)`);
    assert.equal(tokens[0], null, 'the first request has no NextToken');
    assert.equal(new Set(tokens).size, tokens.length, `no page requested twice: ${tokens}`);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('300 rows: every row and its button are in Chromium\'s accessibility tree, far below the fold too', async () => {
    const { page, context } = await openPage(env.browser, env.stack);
    await page.goto('/');
    await waitForListing(page, expected().length);
    const cdp = await context.newCDPSession(page);
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const live = nodes.filter((n) => !n.ignored);
    const buttons = new Set(live.filter((n) => n.role?.value === 'button').map((n) => n.name?.value));
    const missing = expected().filter((name) => !buttons.has(`Cancel deletion for ${name}`));
    assert.deepEqual(missing, [], 'every row\'s button is in the accessibility tree');
    const rowHeaders = new Set(live.filter((n) => n.role?.value === 'rowheader').map((n) => n.name?.value));
    assert.equal(expected().filter((name) => rowHeaders.has(name)).length, expected().length, 'every row header too');
    // The last row, far below the screen, has a box: tools and people see it as shown.
    const last = (await rowNames(page)).at(-1);
    assert.ok(await page.getByRole('button', { name: `Cancel deletion for ${last}`, exact: true }).isVisible());
    await context.close();
  });

  test('a page whose request fails once is requested again; nothing is lost', async () => {
    const { page, context } = await openPage(env.browser, env.stack);
    const tokens = [];
    let failed = null;
    await page.route('**/api/secretsmanager**', async (route) => {
      const request = route.request();
      if (isList(request)) tokens.push(tokenOf(request));
      // The first request for the second page fails as if the proxy had a bad moment.
      if (isList(request) && tokenOf(request) !== null && failed === null) {
        failed = tokenOf(request);
        return route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify({ __type: 'ServiceUnavailable', message: 'try again' }),
        });
      }
      return route.continue();
    });
    await page.goto('/');
    await waitForListing(page, expected().length);
    assert.deepEqual([...(await rowNames(page))].sort(), expected());
    assert.ok(failed, 'a second page was requested');
    assert.equal(tokens.filter((t) => t === failed).length, 2, `the failed page was asked for again: ${tokens}`);
    assert.equal(await page.getByRole('alert').count(), 0, 'no error is shown');
    await context.close();
  });

  test('quick Refresh clicks leave one scan paging: the scans before stop at once', async () => {
    const { page, problems, context } = await openPage(env.browser, env.stack);
    await page.goto('/');
    await waitForListing(page, expected().length);
    // From now on every ListSecrets answer takes 300 ms, so that the scans overlap.
    let inFlight = 0;
    let most = 0;
    page.on('request', (r) => { if (isList(r)) { inFlight += 1; most = Math.max(most, inFlight); } });
    const settled = (r) => { if (isList(r)) inFlight -= 1; };
    page.on('requestfinished', settled);
    page.on('requestfailed', settled);
    await page.route('**/api/secretsmanager**', async (route) => {
      if (isList(route.request())) await new Promise((r) => setTimeout(r, 300));
      try { await route.continue(); } catch { /* the page gave up on it */ }
    });
    const refresh = page.getByRole('button', { name: 'Refresh', exact: true });
    for (let i = 0; i < 4; i++) {
      await refresh.click();
      await page.waitForTimeout(100);
    }
    await page.getByRole('progressbar', { name: 'Loading secrets' }).waitFor({ state: 'hidden', timeout: 30_000 });
    await waitForListing(page, expected().length);
    assert.deepEqual([...(await rowNames(page))].sort(), expected());
    assert.ok(most <= 2, `at most 2 ListSecrets requests in flight at once, saw ${most}`);
    assert.deepEqual(problems.filter((p) => !/request failed: .*ERR_ABORTED/.test(p)), []);
    await context.close();
  });

  test('a server that repeats a NextToken ends the scan with a clear error and keeps the rows', async () => {
    const { page, context } = await openPage(env.browser, env.stack);
    let requests = 0;
    const deletedDate = Date.now() / 1000 + 5 * 86400;
    await page.route('**/api/secretsmanager**', async (route) => {
      if (!isList(route.request())) return route.continue();
      requests += 1;
      return route.fulfill({
        status: 200,
        contentType: 'application/x-amz-json-1.1',
        json: {
          SecretList: [{ ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:looped-AbCdEf', Name: 'looped', DeletedDate: deletedDate }],
          NextToken: 'same-token-every-time',
        },
      });
    });
    await page.goto('/');
    const alert = page.getByRole('alert').filter({ has: page.getByRole('button', { name: 'Retry' }) });
    await alert.waitFor();
    assert.match(await alert.innerText(), /NextToken|paging/i);
    assert.ok(requests < 10, `paging stopped (${requests} requests)`);
    assert.deepEqual(await rowNames(page), ['looped'], 'the row read before the loop stays');
    await context.close();
  });
});
