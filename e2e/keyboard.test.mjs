// Keyboard only: Tab to a row's button, Enter, Tab within the dialog, confirm with Enter.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cancelButton, dialogFor, eventually, focusedLabel, isFocused, openPage, rowNames,
  waitForListing,
  useStack,
} from './harness.mjs';

describe('keyboard', () => {
  const env = useStack();

  test('restore a secret with the keyboard alone', async () => {
    const { page, problems, context } = await openPage(env.browser, env.stack);
    await page.goto('/');
    await waitForListing(page, env.stack.state.scheduled.length);
    const order = await rowNames(page);
    const [name, next] = order; // the first row (most urgent) and the one after it

    // Tab from the top of the page until the first row's button has focus.
    const target = cancelButton(page, name);
    const visited = [];
    for (let i = 0; i < 40 && !(await isFocused(target)); i++) {
      await page.keyboard.press('Tab');
      visited.push(await focusedLabel(page));
    }
    assert.ok(await isFocused(target), `reached "Cancel deletion for ${name}" by Tab; visited: ${visited.join(' | ')}`);

    await page.keyboard.press('Enter');
    const dialog = dialogFor(page, name);
    await dialog.waitFor();
    const cancel = dialog.getByRole('button', { name: 'Cancel', exact: true });
    const confirm = dialog.getByRole('button', { name: 'Confirm restore', exact: true });
    await eventually(async () => assert.ok(await isFocused(cancel), `Cancel focused on open (focus: ${await focusedLabel(page)})`));

    // Tab moves within the dialog (the page behind is inert) and reaches "Confirm restore".
    const inDialog = [];
    for (let i = 0; i < 6 && !(await isFocused(confirm)); i++) {
      await page.keyboard.press('Tab');
      inDialog.push(await focusedLabel(page));
      const inside = await dialog.evaluate((d) => d.contains(document.activeElement) || document.activeElement === document.body);
      assert.ok(inside, `focus stayed in the dialog; went to: ${inDialog.join(' | ')}`);
    }
    assert.ok(await isFocused(confirm), `reached "Confirm restore" by Tab; visited: ${inDialog.join(' | ')}`);

    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await eventually(async () => assert.ok(!(await rowNames(page)).includes(name), 'row left the table'));
    await eventually(async () => {
      const texts = await page.getByRole('status').allInnerTexts();
      assert.ok(texts.some((t) => t.includes(`${name} restored`)), `announced: ${JSON.stringify(texts)}`);
    });
    await eventually(async () => assert.ok(await isFocused(cancelButton(page, next)),
      `focus moved to "Cancel deletion for ${next}" (focus: ${await focusedLabel(page)})`));
    const d = await env.stack.admin('describe', name);
    assert.equal(d.deletedDate, null, 'restored in moto');
    assert.deepEqual(await env.stack.admin('scheduled'), order.filter((n) => n !== name).sort());

    // And the keyboard way out: Enter on the next row's button, Escape, focus comes back.
    await page.keyboard.press('Enter');
    await dialogFor(page, next).waitFor();
    await page.keyboard.press('Escape');
    await dialogFor(page, next).waitFor({ state: 'hidden' });
    await eventually(async () => assert.ok(await isFocused(cancelButton(page, next)), `focus back (focus: ${await focusedLabel(page)})`));
    assert.notEqual((await env.stack.admin('describe', next)).deletedDate, null, 'Escape restored nothing');

    assert.deepEqual(problems, [], 'no console errors or failed requests');
    await context.close();
  });
});
