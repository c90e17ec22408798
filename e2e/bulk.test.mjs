// Bulk Cancel deletion (issue #18): select rows across account-regions, one confirmation,
// bounded parallel restores, Stop, Retry failed (moto, IAM on; a fleet of the own account and
// `staging`, each in two regions, and 40 `bulk/NNNN` secrets besides the named ones).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  eventually, focusedLabel, isFocused, openPage, rowNames, table, useStack, waitForListing,
} from './harness.mjs';

const HUB = '123456789012';
const STAGING = '210987654321';

describe('bulk Cancel deletion', () => {
  const env = useStack({ fleet: {}, scheduled: 52 });
  const targets = () => env.stack.state.targets.filter((t) => !t.denied);
  const place = (t) => (t.label === t.account ? `${t.account} (${t.region})` : `${t.label} (${t.region})`);
  const find = (name, account, region) => {
    const t = targets().find((x) => x.account === account && x.region === region);
    return { target: t, secret: t.scheduled.find((s) => s.name === name) };
  };
  const checkbox = (page, name, t) =>
    page.getByRole('checkbox', { name: `Select ${name} in ${place(t)}`, exact: true });
  const status = (page) => page.getByRole('status');
  const bulkDialog = (page, n) =>
    page.getByRole('alertdialog', { name: `Cancel deletion of ${n} secret${n === 1 ? '' : 's'}?`, exact: true });
  /** Waits for the confirmation of n secrets; returns the dialog, whose title changes once confirmed. */
  async function openedBulk(page, n) {
    await bulkDialog(page, n).waitFor();
    return page.getByRole('alertdialog');
  }

  /** The page, listed to its end; `restores` records every RestoreSecret's path and body. */
  async function loaded() {
    const opened = await openPage(env.browser, env.stack);
    const restores = [];
    opened.page.on('request', (r) => {
      if (r.headers()['x-amz-target'] === 'secretsmanager.RestoreSecret') {
        restores.push({ path: new URL(r.url()).pathname, id: JSON.parse(r.postData()).SecretId });
      }
    });
    await opened.page.goto('/');
    const inMoto = await Promise.all(targets().map((t) =>
      env.stack.admin({ target: `${t.account}/${t.region}` }, 'scheduled')));
    await waitForListing(opened.page, inMoto.reduce((n, names) => n + names.length, 0));
    return { ...opened, restores };
  }

  async function stillScheduled(name, account, region) {
    const d = await env.stack.admin({ target: `${account}/${region}` }, 'describe', name);
    return d.exists && d.deletedDate !== null;
  }

  test('3 of 5 across two accounts: one confirmation, exactly three RestoreSecret calls', async () => {
    const { page, context, restores, problems } = await loaded();
    const picks = [
      find('prod/db', HUB, 'us-east-1'),
      find('eu/payments/db', HUB, 'eu-west-1'),
      find('staging/queue/creds', STAGING, 'us-east-1'),
    ];
    const others = [find('shared/api-token', HUB, 'eu-west-1'), find('shared/api-token', STAGING, 'us-east-1')];
    const header = page.getByRole('checkbox', { name: 'Select all shown' });
    assert.equal(await header.isChecked(), false);
    for (const { target, secret } of picks) await checkbox(page, secret.name, target).check();
    // Some shown rows selected: the header box is mixed.
    assert.equal(await header.getAttribute('aria-checked'), 'mixed');
    assert.equal(await header.evaluate((el) => el.indeterminate), true);
    await page.getByText('3 selected', { exact: true }).waitFor();
    // A search that hides two of them: they stay selected and are still in the dialog.
    await page.getByRole('searchbox', { name: 'Search secrets' }).fill('prod/db');
    await page.getByText(/3 selected \(2 not shown by the search or filters\)/).waitFor();
    await page.getByRole('button', { name: 'Cancel deletion for 3 selected', exact: true }).click();
    const dialog = await openedBulk(page, 3);
    // Cancel, the safe choice, has focus; every secret is listed with where it lives.
    assert.equal(await isFocused(dialog.getByRole('button', { name: 'Cancel', exact: true })), true, await focusedLabel(page));
    const text = await dialog.innerText();
    for (const { target, secret } of picks) {
      assert.ok(text.includes(secret.name), `${secret.name} listed`);
      assert.ok(text.includes(target.region), `${target.region} listed`);
    }
    assert.match(text, new RegExp(`staging \\(${STAGING}\\)`));
    assert.match(text, /days? left|left/);
    // A double click on Confirm sends one RestoreSecret per secret, no more.
    await dialog.getByRole('button', { name: 'Confirm restore of 3', exact: true }).dblclick();
    await status(page).filter({ hasText: 'Restored 3 of 3.' }).waitFor();
    await page.waitForTimeout(300);
    assert.equal(restores.length, 3, JSON.stringify(restores));
    for (const { target, secret } of picks) {
      assert.deepEqual(restores.filter((r) => r.id === secret.arn).map((r) => r.path),
        [`/api/secretsmanager/${target.account}/${target.region}`], secret.name);
      assert.equal(await stillScheduled(secret.name, target.account, target.region), false, `${secret.name} restored in moto`);
    }
    for (const { target, secret } of others) {
      assert.equal(await stillScheduled(secret.name, target.account, target.region), true, `${secret.name} in ${place(target)} untouched`);
    }
    // The progress bar is full, and the rows have left the table.
    const bar = dialog.getByRole('progressbar');
    assert.equal(await bar.getAttribute('value'), '3');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByRole('searchbox', { name: 'Search secrets' }).fill('');
    await eventually(async () => {
      const names = await rowNames(page);
      assert.ok(!names.includes('prod/db') && !names.includes('staging/queue/creds'), names.join(', '));
    });
    assert.equal(await page.getByText(/\d+ selected/).count(), 0, 'nothing selected any more');
    assert.deepEqual(problems, []);
    // Scheduled again for the tests that follow.
    for (const { target, secret } of picks) {
      await env.stack.admin({ target: `${target.account}/${target.region}` }, 'schedule', secret.name, 20);
    }
    await context.close();
  });

  test('keyboard only: Space selects, Enter opens, Cancel first, Tab and Enter confirm', async () => {
    const { page, context, restores } = await loaded();
    const a = find('staging/cdn-signing-key', STAGING, 'us-east-1');
    const b = find('eu/staging/db', STAGING, 'eu-west-1');
    await checkbox(page, a.secret.name, a.target).focus();
    await page.keyboard.press('Space');
    assert.equal(await checkbox(page, a.secret.name, a.target).isChecked(), true);
    await checkbox(page, b.secret.name, b.target).focus();
    await page.keyboard.press('Space');
    await page.getByText('2 selected', { exact: true }).waitFor();
    // Back to the bulk button with Shift+Tab.
    const bulkButton = page.getByRole('button', { name: 'Cancel deletion for 2 selected', exact: true });
    for (let i = 0; i < 40 && !(await isFocused(bulkButton)); i++) await page.keyboard.press('Shift+Tab');
    assert.equal(await isFocused(bulkButton), true, await focusedLabel(page));
    await page.keyboard.press('Enter');
    let dialog = await openedBulk(page, 2);
    assert.equal(await focusedLabel(page), 'Cancel');
    // Escape closes it and gives focus back to the button that opened it; Enter reopens it.
    await page.keyboard.press('Escape');
    await eventually(async () => assert.equal(await isFocused(bulkButton), true, await focusedLabel(page)));
    await page.keyboard.press('Enter');
    dialog = await openedBulk(page, 2);
    assert.equal(await focusedLabel(page), 'Cancel');
    // The answers wait until the second Enter: a fast moto could otherwise end the run before
    // the focus is read.
    let release;
    const released = new Promise((resolve) => { release = resolve; });
    await page.route('**/api/secretsmanager/**', async (route) => {
      if (route.request().headers()['x-amz-target'] === 'secretsmanager.RestoreSecret') await released;
      await route.continue();
    });
    await page.keyboard.press('Tab');
    assert.equal(await focusedLabel(page), 'Confirm restore of 2');
    await page.keyboard.press('Enter');
    // Focus stays on the button, now "Restoring…": another Enter sends nothing more.
    await eventually(async () => assert.equal(restores.length, 2));
    assert.equal(await focusedLabel(page), 'Restoring…');
    await page.keyboard.press('Enter');
    release();
    await status(page).filter({ hasText: 'Restored 2 of 2.' }).waitFor();
    assert.equal(restores.length, 2);
    // Focus is on Close; Enter closes it.
    await eventually(async () => assert.equal(await focusedLabel(page), 'Close'));
    await page.keyboard.press('Enter');
    await eventually(async () => assert.equal(await dialog.count(), 0));
    for (const { target, secret } of [a, b]) {
      assert.equal(await stillScheduled(secret.name, target.account, target.region), false);
      await env.stack.admin({ target: `${target.account}/${target.region}` }, 'schedule', secret.name, 20);
    }
    await context.close();
  });

  test('40 rows in one confirmation: all restored, at most 5 at once in one account-region', async () => {
    const { page, context, restores } = await loaded();
    let inFlight = 0;
    let most = 0;
    page.on('request', (r) => {
      if (r.headers()['x-amz-target'] === 'secretsmanager.RestoreSecret') most = Math.max(most, ++inFlight);
    });
    const done = (r) => { if (r.headers()['x-amz-target'] === 'secretsmanager.RestoreSecret') inFlight--; };
    page.on('requestfinished', done);
    page.on('requestfailed', done);
    await page.getByRole('searchbox', { name: 'Search secrets' }).fill('bulk/');
    await eventually(async () => assert.match(await page.locator('#match-count').innerText(), /^Showing 40 of/));
    await page.getByRole('checkbox', { name: 'Select all shown' }).check();
    await page.getByText('40 selected', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Cancel deletion for 40 selected', exact: true }).click();
    const dialog = await openedBulk(page, 40);
    // Enter, and Enter again a moment later: the second lands on the same button, now
    // "Restoring…", and neither sends more nor stops the run.
    await dialog.getByRole('button', { name: 'Confirm restore of 40', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.waitForTimeout(150);
    await page.keyboard.press('Enter');
    await status(page).filter({ hasText: 'Restored 40 of 40.' }).waitFor({ timeout: 60_000 });
    assert.equal(restores.length, 40);
    assert.equal(new Set(restores.map((r) => r.id)).size, 40, 'each secret once');
    assert.ok(most <= 5, `at most 5 in flight in one account-region, saw ${most}`);
    const hub = await env.stack.admin({ target: `${HUB}/us-east-1` }, 'scheduled');
    assert.deepEqual(hub.filter((n) => n.startsWith('bulk/')), [], 'no bulk/ secret left scheduled in moto');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await eventually(async () => assert.match(await page.locator('#match-count').innerText(), /^Showing 0 of/));
    await context.close();
  });

  test('Stop: restores already sent finish, the rest are not started and stay scheduled', async () => {
    const { page, context, restores } = await loaded();
    // Slow answers, so that Stop comes while restores are under way.
    await page.route('**/api/secretsmanager/**', async (route) => {
      if (route.request().headers()['x-amz-target'] === 'secretsmanager.RestoreSecret') {
        await new Promise((resolve) => setTimeout(resolve, 700));
      }
      await route.continue();
    });
    const total = (await rowNames(page)).length;
    assert.ok(total >= 12, `${total} rows`);
    await page.getByRole('checkbox', { name: 'Select all shown' }).check();
    await page.getByRole('button', { name: `Cancel deletion for ${total} selected`, exact: true }).click();
    const dialog = await openedBulk(page, total);
    await dialog.getByRole('button', { name: `Confirm restore of ${total}`, exact: true }).click();
    const stop = dialog.getByRole('button', { name: 'Stop', exact: true });
    await stop.waitFor();
    assert.equal(await focusedLabel(page), 'Restoring…', 'focus stays on Confirm, not on Stop');
    assert.match(await dialog.getByRole('heading').innerText(), new RegExp(`^Cancelling deletion of ${total} secrets…`));
    await dialog.getByText(/Restored [1-9]\d* of/).waitFor();
    await stop.click();
    const summary = status(page).filter({ hasText: /^Stopped\. Restored \d+ of \d+: .*\d+ not started\./ });
    await summary.waitFor({ timeout: 30_000 });
    const said = await summary.innerText();
    const [, restored, notStarted] = said.match(/Restored (\d+) of \d+.* (\d+) not started/);
    assert.ok(Number(notStarted) > 0, said);
    await page.waitForTimeout(1500);
    assert.equal(restores.length, Number(restored), `${said}: ${restores.length} calls`);
    assert.equal(restores.length + Number(notStarted), total, said);
    // In moto: what was not started is still scheduled.
    let left = 0;
    for (const t of targets()) left += (await env.stack.admin({ target: `${t.account}/${t.region}` }, 'scheduled')).length;
    assert.equal(left, Number(notStarted));
    // The rows not started stay selected for another try.
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByText(`${notStarted} selected`, { exact: true }).waitFor();
    await context.close();
  });

  test('a secret purged behind the UI\'s back: the others restored, it reported and left for Retry failed', async () => {
    const { page, context, restores } = await loaded();
    const names = await rowNames(page);
    assert.ok(names.length >= 3, names.join(', '));
    const hubRows = env.stack.state.targets.find((t) => t.account === HUB && t.region === 'us-east-1');
    const picks = hubRows.scheduled.filter((s) => names.includes(s.name)).slice(0, 3);
    assert.equal(picks.length, 3, 'three hub secrets still scheduled');
    for (const s of picks) await checkbox(page, s.name, hubRows).check();
    const purged = picks[1];
    await env.stack.admin({ target: `${HUB}/us-east-1` }, 'force-delete', purged.name);
    await page.getByRole('button', { name: 'Cancel deletion for 3 selected', exact: true }).click();
    const dialog = await openedBulk(page, 3);
    await dialog.getByRole('button', { name: 'Confirm restore of 3', exact: true }).click();
    await status(page).filter({ hasText: 'Restored 2 of 3: 1 failed.' }).waitFor();
    const itemText = await dialog.getByRole('listitem').filter({ hasText: purged.name }).innerText();
    assert.match(itemText, /Restore failed: .*purged/);
    const retry = dialog.getByRole('button', { name: 'Retry failed (1)', exact: true });
    assert.equal(await isFocused(retry), true, await focusedLabel(page));
    await retry.click();
    await status(page).filter({ hasText: 'Restored 0 of 1: 1 failed.' }).waitFor();
    assert.deepEqual(restores.map((r) => r.id).sort(), [...picks.map((s) => s.arn), purged.arn].sort(),
      'one more call, for the failed one only');
    // The retry is a run of its own: the dialog now names the one secret it tried.
    assert.equal(await dialog.getByRole('heading').innerText(), 'Cancel deletion of 1 secret: done');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    // The failed row stays, still selected, with its reason beside its name.
    const row = table(page).getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${purged.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }) });
    assert.equal(await checkbox(page, purged.name, hubRows).isChecked(), true);
    assert.match(await row.innerText(), /Restore failed: /);
    // Its time left is the truth the restore found, not what the list read before.
    assert.equal((await row.locator('.time-left-text').innerText()).trim(),
      'none: a restore found it already deleted for good');
    assert.match(await row.locator('td.time-left').innerText(), /^Purged/i);
    // Reopened and cancelled, the reason stays until it is tried again.
    await page.getByRole('button', { name: 'Cancel deletion for 1 selected', exact: true }).click();
    await (await openedBulk(page, 1)).getByRole('button', { name: 'Cancel', exact: true }).click();
    assert.match(await row.innerText(), /Restore failed: /);
    await page.getByText('1 selected', { exact: true }).waitFor();
    await context.close();
  });

  test('Stop also ends the retries of throttled restores: no RestoreSecret goes out after it', async () => {
    const { page, context, restores } = await loaded();
    // Every attempt is throttled. Second attempts are held until Stop is pressed, so that each
    // secret has a retry in flight then (with short jittered backoffs the five attempts could
    // otherwise all be spent before the click, and the run end on its own).
    let stopPressed;
    const pressed = new Promise((resolve) => { stopPressed = resolve; });
    const attempts = new Map();
    await page.route('**/api/secretsmanager/**', async (route) => {
      if (route.request().headers()['x-amz-target'] === 'secretsmanager.RestoreSecret') {
        const id = JSON.parse(route.request().postData()).SecretId;
        attempts.set(id, (attempts.get(id) ?? 0) + 1);
        if (attempts.get(id) > 1) await pressed;
        await route.fulfill({ status: 400, contentType: 'application/x-amz-json-1.1',
          body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }) });
        return;
      }
      await route.continue();
    });
    const boxes = page.getByRole('checkbox', { name: /^Select (?!all)/ });
    for (let i = 0; i < 3; i++) await boxes.nth(i).check();
    await page.getByRole('button', { name: 'Cancel deletion for 3 selected', exact: true }).click();
    const dialog = await openedBulk(page, 3);
    await dialog.getByRole('button', { name: 'Confirm restore of 3', exact: true }).click();
    await eventually(() => assert.deepEqual([...attempts.values()], [2, 2, 2]));
    await dialog.getByRole('button', { name: 'Stop', exact: true }).click();
    stopPressed();
    await status(page).filter({ hasText: 'Stopped. Restored 0 of 3: 3 failed.' }).waitFor();
    await page.waitForTimeout(2000);
    // The retries in flight were answered (throttled again) and none was tried a third time.
    assert.deepEqual([...attempts.values()], [2, 2, 2], 'no retry after Stop');
    assert.equal(restores.length, 6);
    // Each says why it was not restored: refused while throttled, and not tried again.
    assert.match(
      await dialog.innerText(),
      /Restore failed: AWS was throttling requests .*Stop was pressed before the next try: it was not restored\./,
    );
    await context.close();
  });
});
