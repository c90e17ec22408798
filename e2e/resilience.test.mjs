// The proxy going away and coming back; an account with one, then no secret scheduled for deletion.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cancelButton, dialogFor, eventually, focusedLabel, isFocused, openPage, rowNames,
  waitForListing,
  useStack,
} from './harness.mjs';

describe('proxy stopped and restarted', () => {
  const env = useStack();

  test('listing error shows a banner with Retry; rows stay; Retry works once the proxy is back', async () => {
    const { page, context } = await openPage(env.browser, env.stack);
    await page.goto('/');
    const n = env.stack.state.scheduled.length;
    await waitForListing(page, n);

    await env.stack.stopProxy();
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    const alert = page.getByRole('alert').filter({ has: page.getByRole('button', { name: 'Retry' }) });
    await alert.waitFor();
    const reason = (await alert.innerText()).trim();
    assert.match(reason, /proxy|reach|network|connect/i, `the banner gives the reason: "${reason}"`);
    assert.equal((await rowNames(page)).length, n, 'rows already loaded stay visible');

    await env.stack.startProxy();
    await alert.getByRole('button', { name: 'Retry' }).click();
    await alert.waitFor({ state: 'hidden' });
    // The banner and its button are gone: focus is on Refresh, not lost to the page.
    assert.ok(await isFocused(page.getByRole('button', { name: 'Refresh', exact: true })),
      `focus on Refresh after Retry (focus: ${await focusedLabel(page)})`);
    await waitForListing(page, n);
    assert.deepEqual([...(await rowNames(page))].sort(), env.stack.state.scheduled.map((s) => s.name).sort());
    await context.close();
  });

  test('a proxy restarted with --read-only: every row says so and offers no restore', async () => {
    await env.stack.stopProxy();
    await env.stack.startProxy(['--read-only']);
    try {
      const { page, problems, context } = await openPage(env.browser, env.stack);
      // Nothing is listed before the proxy has said what it serves, and that it is read-only:
      // rows are never drawn with a restore button first.
      let releaseConfig;
      const configHeld = new Promise((resolve) => { releaseConfig = resolve; });
      await page.route('**/api/config', async (route) => { await configHeld; await route.continue(); });
      const lists = [];
      page.on('request', (r) => { if (r.headers()['x-amz-target']) lists.push(r.url()); });
      await page.goto('/');
      await page.getByText("Reading the proxy's settings…").waitFor();
      assert.deepEqual(lists, [], 'no call before the settings are known');
      releaseConfig();
      const n = env.stack.state.scheduled.length;
      await waitForListing(page, n);
      await page.getByText('Read-only: the proxy refuses restores').waitFor();
      assert.equal(await page.getByRole('button', { name: /^Cancel deletion/ }).count(), 0, 'no Cancel deletion button');
      // Nothing to select either: no checkboxes, no bulk button.
      assert.equal(await page.getByRole('checkbox').count(), 0, 'no checkboxes');
      const rows = page.getByRole('table', { name: /Secrets scheduled for deletion/ }).getByRole('row');
      assert.equal(await rows.filter({ hasText: 'Read-only' }).count(), n, 'every row says Read-only');
      assert.equal((await env.stack.admin('scheduled')).length, n, 'nothing was restored');
      assert.deepEqual(problems, [], 'no console errors or failed requests');
      await context.close();
    } finally {
      await env.stack.stopProxy();
      await env.stack.startProxy();
    }
  });

  test('a page opened before the proxy restarts with --read-only learns it on Refresh', async () => {
    const { page, context } = await openPage(env.browser, env.stack);
    await page.goto('/');
    const n = env.stack.state.scheduled.length;
    await waitForListing(page, n);
    assert.equal(await page.getByRole('button', { name: /^Cancel deletion/ }).count(), n);
    await env.stack.stopProxy();
    await env.stack.startProxy(['--read-only']);
    try {
      await page.getByRole('button', { name: 'Refresh', exact: true }).click();
      await page.getByText('Read-only: the proxy refuses restores').waitFor();
      await eventually(async () => assert.equal(
        await page.getByRole('button', { name: /^Cancel deletion/ }).count(), 0, 'no Cancel deletion button'));
      await waitForListing(page, n);
      await context.close();
    } finally {
      await env.stack.stopProxy();
      await env.stack.startProxy();
    }
  });
});

describe('empty account', () => {
  const env = useStack({ live: 20, scheduled: 0 });

  test('says that no secrets are scheduled for deletion', async () => {
    const { page, problems, context } = await openPage(env.browser, env.stack);
    await page.goto('/');
    await page.getByText('No secrets are scheduled for deletion').first().waitFor();
    await eventually(async () => assert.deepEqual(await rowNames(page), []));
    assert.deepEqual(problems, [], 'no console errors or failed requests');
    await context.close();
  });
});

describe('account with a single secret scheduled for deletion', () => {
  const env = useStack({ live: 5, scheduled: 1 });

  test('restoring the only row leaves the empty state and focus on the search box', async () => {
    const { page, problems, context } = await openPage(env.browser, env.stack);
    await page.goto('/');
    await waitForListing(page, 1);
    const [name] = await rowNames(page);
    await cancelButton(page, name).click();
    await dialogFor(page, name).getByRole('button', { name: 'Confirm restore', exact: true }).click();
    await dialogFor(page, name).waitFor({ state: 'hidden' });
    await page.getByText('No secrets are scheduled for deletion').first().waitFor();
    await eventually(async () => assert.ok(await isFocused(page.getByRole('searchbox', { name: 'Search secrets' })),
      `focus on the search box (focus: ${await focusedLabel(page)})`));
    assert.deepEqual(await env.stack.admin('scheduled'), []);
    assert.deepEqual(problems, [], 'no console errors or failed requests');
    await context.close();
  });
});
