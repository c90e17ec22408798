// The confirmation dialog and RestoreSecret, checked against moto's state.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cancelButton, dialogFor, eventually, focusedLabel, isFocused, openPage, rowNames,
  screenshot, waitForListing,
  useStack,
} from './harness.mjs';

describe('restore', () => {
  const env = useStack();

  async function loaded() {
    const opened = await openPage(env.browser, env.stack);
    await opened.page.goto('/');
    await waitForListing(opened.page, (await env.stack.admin('scheduled')).length);
    return opened;
  }

  test('Escape and Cancel close the dialog and restore nothing; focus returns to the row', async () => {
    const { page, problems, context } = await loaded();
    const name = 'prod/db-replica';
    const secret = env.stack.state.scheduled.find((s) => s.name === name);
    const before = await env.stack.admin('scheduled');
    const restoreCalls = [];
    page.on('request', (r) => {
      if (r.headers()['x-amz-target'] === 'secretsmanager.RestoreSecret') restoreCalls.push(r.postData());
    });

    // Open, check what the dialog says, close with Escape.
    await cancelButton(page, name).click();
    const dialog = dialogFor(page, name);
    await dialog.waitFor();
    const text = await dialog.innerText();
    assert.ok(text.includes(name), 'dialog names the secret');
    assert.ok(text.includes(secret.arn), 'dialog shows the ARN');
    const described = await dialog.evaluate((el) => {
      const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
      return ids.map((id) => document.getElementById(id)?.textContent || '').join(' ');
    });
    assert.ok(described.includes(name), `aria-describedby text names the secret: "${described}"`);
    const cancel = dialog.getByRole('button', { name: 'Cancel', exact: true });
    const confirm = dialog.getByRole('button', { name: 'Confirm restore', exact: true });
    await confirm.waitFor();
    await eventually(async () => assert.ok(await isFocused(cancel), `Cancel has focus on open (focus: ${await focusedLabel(page)})`));
    await screenshot(page, 'dialog', { fullPage: false }); // the modal backdrop covers the viewport

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await eventually(async () => assert.ok(await isFocused(cancelButton(page, name)),
      `focus back on the row button (focus: ${await focusedLabel(page)})`));

    // A double click on the row's button opens the dialog and leaves it open (the second click
    // lands on the backdrop); then close with Cancel.
    await cancelButton(page, name).dblclick();
    await dialog.waitFor();
    await page.waitForTimeout(200);
    assert.ok(await dialog.isVisible(), 'a double click leaves the dialog open');
    await cancel.click();
    await dialog.waitFor({ state: 'hidden' });
    await eventually(async () => assert.ok(await isFocused(cancelButton(page, name)),
      `focus back on the row button (focus: ${await focusedLabel(page)})`));

    // Nothing restored, nothing even attempted.
    assert.deepEqual(restoreCalls, []);
    assert.deepEqual(await env.stack.admin('scheduled'), before);
    assert.notEqual((await env.stack.admin('describe', name)).deletedDate, null);
    assert.ok((await rowNames(page)).includes(name));
    assert.deepEqual(problems, [], 'no console errors or failed requests');
    await context.close();
  });

  test('Confirm restores exactly that secret; the row leaves; it is announced; focus moves on', async () => {
    const { page, problems, context } = await loaded();
    const name = 'prod/kafka/sasl_scram';
    const before = await env.stack.admin('scheduled');
    const order = await rowNames(page);
    const next = order[order.indexOf(name) + 1];
    assert.ok(next, 'the secret is not the last row');

    // Hold RestoreSecret for a moment so the in-flight state can be seen.
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route('**/api/secretsmanager**', async (route) => {
      if (route.request().headers()['x-amz-target'] === 'secretsmanager.RestoreSecret') await held;
      await route.continue();
    });

    await cancelButton(page, name).click();
    const dialog = dialogFor(page, name);
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Confirm restore', exact: true }).click();
    const busy = dialog.getByRole('button', { name: 'Restoring…', exact: true });
    await busy.waitFor();
    assert.ok(await busy.isDisabled(), '"Restoring…" is disabled while the request is in flight');
    assert.ok(await isFocused(busy), `focus stays on it, not on the page (focus: ${await focusedLabel(page)})`);
    // A request that is out cannot be called back: Escape (twice) and Cancel leave the dialog open.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click({ force: true });
    await page.waitForTimeout(200);
    assert.ok(await dialog.isVisible(), 'the dialog stays open until the answer is in');
    release();

    await dialog.waitFor({ state: 'hidden' });
    await eventually(async () => assert.ok(!(await rowNames(page)).includes(name), 'row left the table'));
    const status = page.getByRole('status');
    await eventually(async () => {
      const texts = await status.allInnerTexts();
      assert.ok(texts.some((t) => t.includes(`${name} restored`)), `status says "${name} restored": ${JSON.stringify(texts)}`);
    });
    await eventually(async () => assert.ok(await isFocused(cancelButton(page, next)),
      `focus on the next row's button "${next}" (focus: ${await focusedLabel(page)})`));

    // In moto: exactly that one secret is no longer scheduled for deletion, and it still exists.
    const after = await env.stack.admin('scheduled');
    assert.deepEqual(after, before.filter((n) => n !== name));
    const d = await env.stack.admin('describe', name);
    assert.equal(d.exists, true);
    assert.equal(d.deletedDate, null);
    assert.deepEqual([...(await rowNames(page))].sort(), after, 'table = moto');

    await page.unroute('**/api/secretsmanager**');
    assert.deepEqual(problems, [], 'no console errors or failed requests');
    await context.close();
  });

  test('a restore right after a search: the search result does not talk over "restored"', async () => {
    const { page, problems, context } = await loaded();
    const name = 'prod/db';
    await page.getByRole('searchbox', { name: 'Search secrets' }).fill(name);
    await cancelButton(page, name).click();
    const dialog = dialogFor(page, name);
    await dialog.getByRole('button', { name: 'Confirm restore', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    // Past the search's announcement delay: the live region still says what happened last.
    await page.waitForTimeout(1200);
    assert.equal(await page.getByRole('status').innerText(), `${name} restored.`);
    assert.equal((await env.stack.admin('describe', name)).deletedDate, null);
    assert.deepEqual(problems, [], 'no console errors or failed requests');
    await context.close();
  });

  test('a restore that ran but whose answer was lost: the UI looks the secret up and says it was restored', async () => {
    const { page, context } = await loaded();
    const name = 'ci/github-deploy-token';
    const calls = [];
    page.on('request', (r) => {
      const target = r.headers()['x-amz-target'];
      if (target && !target.endsWith('.ListSecrets')) calls.push(target.replace('secretsmanager.', ''));
    });
    await page.route('**/api/secretsmanager**', async (route) => {
      if (route.request().headers()['x-amz-target'] === 'secretsmanager.RestoreSecret') {
        await route.fetch(); // it reaches the proxy and moto...
        return route.abort('connectionreset'); // ...but its answer never reaches the page
      }
      return route.continue();
    });

    await cancelButton(page, name).click();
    const dialog = dialogFor(page, name);
    await dialog.getByRole('button', { name: 'Confirm restore', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.getByRole('status').innerText(), `${name} restored.`);
    await eventually(async () => assert.ok(!(await rowNames(page)).includes(name), 'the row left the table'));
    assert.deepEqual(calls, ['RestoreSecret', 'DescribeSecret']);
    assert.equal((await env.stack.admin('describe', name)).deletedDate, null);
    await page.unroute('**/api/secretsmanager**');
    await context.close();
  });

  test('a restore that never arrived: unknown while the check fails too, then "not restored", then Retry restores', async () => {
    const { page, context } = await loaded();
    const name = 'analytics/warehouse+etl';
    let dropCheck = true;
    await page.route('**/api/secretsmanager**', async (route) => {
      const target = route.request().headers()['x-amz-target'];
      if (target === 'secretsmanager.RestoreSecret' || (dropCheck && target === 'secretsmanager.DescribeSecret')) {
        return route.abort('connectionreset');
      }
      return route.continue();
    });

    await cancelButton(page, name).click();
    const dialog = dialogFor(page, name);
    const confirm = dialog.getByRole('button', { name: 'Confirm restore', exact: true });
    const alert = dialog.getByRole('alert');
    await confirm.click();
    await eventually(async () => {
      const words = await alert.innerText();
      assert.match(words, /^The connection to the proxy failed \(.+\)\. Check that undelete-proxy is running/);
      assert.ok(words.endsWith(`It is not known whether ${name} was restored; retrying is safe.`), words);
    });
    assert.equal(await page.getByRole('status').innerText(), `Restore of ${name}: the outcome is not known.`);

    // The check gets through this time: moto says the secret is still scheduled for deletion.
    dropCheck = false;
    await confirm.click();
    await eventually(async () => assert.equal(await alert.innerText(),
      `${name} was not restored: the request failed (TypeError: Failed to fetch), and ${name} is still scheduled for deletion. Retry.`));
    assert.ok(await dialog.isVisible(), 'the dialog stays open');
    assert.ok((await rowNames(page)).includes(name), 'the row stays');
    assert.notEqual((await env.stack.admin('describe', name)).deletedDate, null);

    assert.equal(await page.getByRole('status').innerText(), `Restore of ${name} failed.`);

    // The network is back: Retry restores it.
    await page.unroute('**/api/secretsmanager**');
    await confirm.click();
    await dialog.waitFor({ state: 'hidden' });
    await eventually(async () => assert.ok(!(await rowNames(page)).includes(name), 'the row left the table'));
    assert.equal((await env.stack.admin('describe', name)).deletedDate, null);
    await context.close();
  });

  test('a 200 answer to RestoreSecret that does not name the secret proves nothing: DescribeSecret decides', async () => {
    const { page, context } = await loaded();
    const name = 'staging/api/stripe-key';
    await page.route('**/api/secretsmanager**', async (route) => {
      if (route.request().headers()['x-amz-target'] === 'secretsmanager.RestoreSecret') {
        // Never reaches moto; an empty success.
        return route.fulfill({ status: 200, contentType: 'application/x-amz-json-1.1', body: '{}' });
      }
      return route.continue();
    });
    await cancelButton(page, name).click();
    const dialog = dialogFor(page, name);
    await dialog.getByRole('button', { name: 'Confirm restore', exact: true }).click();
    await eventually(async () => assert.match(await dialog.getByRole('alert').innerText(),
      new RegExp(`^${name} was not restored: .* and ${name} is still scheduled for deletion\\. Retry\\.$`)));
    assert.ok((await rowNames(page)).includes(name), 'the row stays');
    assert.notEqual((await env.stack.admin('describe', name)).deletedDate, null, 'moto: still scheduled');
    await page.unroute('**/api/secretsmanager**');
    await context.close();
  });

  test('a restore answered "not found" for a secret still scheduled: the row leaves, and a Refresh that lists it shows it again', async () => {
    const { page, context } = await loaded();
    const name = 'staging/api/stripe-key';
    await page.route('**/api/secretsmanager**', async (route) => {
      if (route.request().headers()['x-amz-target'] === 'secretsmanager.RestoreSecret') {
        // As a proxy pointed at another region or account would answer; never reaches moto.
        return route.fulfill({
          status: 400,
          contentType: 'application/x-amz-json-1.1',
          body: JSON.stringify({ __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." }),
        });
      }
      return route.continue();
    });
    await cancelButton(page, name).click();
    const dialog = dialogFor(page, name);
    await dialog.getByRole('button', { name: 'Confirm restore', exact: true }).click();
    await eventually(async () => assert.match(await dialog.getByRole('alert').innerText(), /no longer exists/));
    await eventually(async () => assert.ok(!(await rowNames(page)).includes(name), 'the row left the table'));
    await page.unroute('**/api/secretsmanager**');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.notEqual((await env.stack.admin('describe', name)).deletedDate, null, 'moto: still scheduled');
    const scheduled = await env.stack.admin('scheduled');
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await waitForListing(page, scheduled.length);
    assert.deepEqual([...(await rowNames(page))].sort(), scheduled, 'every scheduled secret is listed, that one too');
    await context.close();
  });

  test('restoring the last row moves focus to the row before it', async () => {
    const { page, problems, context } = await loaded();
    const order = await rowNames(page);
    const [previous, last] = order.slice(-2);
    await cancelButton(page, last).click();
    const dialog = dialogFor(page, last);
    await dialog.getByRole('button', { name: 'Confirm restore', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await eventually(async () => assert.ok(!(await rowNames(page)).includes(last)));
    await eventually(async () => assert.ok(await isFocused(cancelButton(page, previous)),
      `focus on "Cancel deletion for ${previous}" (focus: ${await focusedLabel(page)})`));
    assert.equal((await env.stack.admin('describe', last)).deletedDate, null);
    assert.deepEqual(problems, [], 'no console errors or failed requests');
    await context.close();
  });

  test('restoring a secret purged behind the UI\'s back shows a clear error; the list stays usable', async () => {
    const { page, context } = await loaded();
    const name = 'legacy/ldap-bind';
    await env.stack.admin('force-delete', name);
    assert.equal((await env.stack.admin('describe', name)).exists, false);

    await cancelButton(page, name).click();
    const dialog = dialogFor(page, name);
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Confirm restore', exact: true }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /it no longer exists, so it has already been deleted for good/i);
    assert.ok(await dialog.isVisible(), 'the dialog stays open');
    // Nothing is left to restore: Confirm is disabled, and pressing it sends nothing.
    const confirm = dialog.getByRole('button', { name: 'Confirm restore', exact: true });
    assert.equal(await confirm.getAttribute('aria-disabled'), 'true');
    let sent = 0;
    page.on('request', (r) => { if (r.headers()['x-amz-target'] === 'secretsmanager.RestoreSecret') sent += 1; });
    await confirm.click({ force: true }); // Playwright itself will not click a disabled button
    await page.waitForTimeout(300);
    assert.equal(sent, 0, 'no second RestoreSecret');
    // Gone for good: it leaves the list; the status region says the restore failed (the alert
    // in the dialog says why).
    await eventually(async () => assert.ok(!(await rowNames(page)).includes(name), 'the purged row left the table'));
    assert.equal(await page.getByRole('status').innerText(), 'Restore of legacy/ldap-bind failed.');
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await eventually(async () => assert.ok(await isFocused(page.getByRole('searchbox', { name: 'Search secrets' })),
      `focus on the search box (focus: ${await focusedLabel(page)})`));

    // Still usable: another dialog opens and closes; search works; Refresh drops the purged one.
    const other = (await rowNames(page)).find((n) => n !== name);
    await cancelButton(page, other).click();
    await dialogFor(page, other).waitFor();
    await page.keyboard.press('Escape');
    await dialogFor(page, other).waitFor({ state: 'hidden' });
    const remaining = await env.stack.admin('scheduled');
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await waitForListing(page, remaining.length);
    assert.deepEqual([...(await rowNames(page))].sort(), remaining);
    await context.close();
  });
});
