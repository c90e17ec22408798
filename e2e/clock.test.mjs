// A browser whose clock is wrong: "time left" must still be true, so the dashboard counts with
// the proxy's clock (its answers' `Date` header; src/model/clock.rs) and says that it does.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cancelButton, eventually, openPage, table, waitForListing, useStack } from './harness.mjs';

const DAY = 24 * 3600 * 1000;

describe('a wrong browser clock', () => {
  const env = useStack();

  test('8 days ahead: a secret purged in 7 days still shows ~7 days left, and the page says why', async () => {
    const { page, context } = await openPage(env.browser, env.stack);
    // By this clock prod/db's purge time (7 days from now, as moto reports it) is already past,
    // which the UI would otherwise read as the moment of deletion, with a purge estimate after it.
    await page.clock.install({ time: Date.now() + 8 * DAY });
    await page.goto('/');
    await waitForListing(page, env.stack.state.scheduled.length);

    const row = table(page).getByRole('row').filter({ has: cancelButton(page, 'prod/db') });
    const left = (await row.locator('.time-left-text').innerText()).trim();
    assert.match(left, /^6 days 2[0-3] hours left$/, `time left by the proxy's clock: "${left}"`);
    await page.getByText("This computer's clock is 8 days ahead of the proxy's: times here use the proxy's clock.").waitFor();

    // It stays while a refresh fails: the rows shown are still counted with the proxy's clock.
    await page.route('**/api/secretsmanager**', (route) => route.abort('connectionreset'));
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Could not load the list' }).waitFor();
    assert.equal(await page.getByText(/This computer's clock is 8 days ahead/).count(), 1);
    assert.match((await row.locator('.time-left-text').innerText()).trim(), /^6 days 2[0-3] hours left$/);
    await page.unroute('**/api/secretsmanager**');

    // The restore dialog counts with the same clock.
    await cancelButton(page, 'prod/db').click();
    const dialog = page.getByRole('alertdialog', { name: 'Cancel deletion of prod/db?' });
    assert.match(await dialog.innerText(), /6 days 2[0-3] hours left/);
    await page.keyboard.press('Escape');
    await context.close();
  });

  test('the bulk confirmation counts time left with the same clock as the table, as it runs', async () => {
    const { page, context } = await openPage(env.browser, env.stack);
    await page.clock.install();
    await page.goto('/');
    await waitForListing(page, env.stack.state.scheduled.length);
    const row = table(page).getByRole('row').filter({ has: cancelButton(page, 'prod/db') });
    const rowLeft = async () => (await row.locator('.time-left-text').innerText()).trim();
    // Selected now, confirmed two days later: the dialog says what is left then.
    await page.getByRole('checkbox', { name: 'Select prod/db', exact: true }).check();
    const before = await rowLeft();
    await page.clock.fastForward(2 * DAY);
    await eventually(async () => assert.notEqual(await rowLeft(), before));
    await page.getByRole('button', { name: 'Cancel deletion for 1 selected', exact: true }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Cancel deletion of 1 secret?', exact: true });
    await dialog.waitFor();
    assert.ok((await dialog.innerText()).includes(await rowLeft()), `dialog says "${await rowLeft()}"`);
    // Left open for another day, it still agrees with the table.
    await page.clock.fastForward(DAY);
    await eventually(async () => assert.ok((await dialog.innerText()).includes(await rowLeft())));
    assert.match(await rowLeft(), /^[34] days/);
    await page.keyboard.press('Escape');
    await context.close();
  });

  test('a clock within a minute of the proxy\'s is trusted as it is, and nothing is said', async () => {
    const { page, context } = await openPage(env.browser, env.stack);
    await page.clock.install({ time: Date.now() + 20_000 });
    await page.goto('/');
    await waitForListing(page, env.stack.state.scheduled.length);
    assert.equal(await page.getByText(/This computer's clock/).count(), 0);
    await context.close();
  });
});
