// What one visitor experiences across page loads: dismissing, answering, events, not being nagged.
'use strict';
const { test, expect } = require('./fixtures');
const { HostPage } = require('./pages/host-page');
const { uniqueTag, expectOneRowWithComment } = require('./support/expect-rows');

/** Records the widget's events (names, in order) from the first moment the API exists. */
async function recordEvents(page) {
  await page.addInitScript(() => {
    window.__npsEvents = [];
    document.addEventListener('DOMContentLoaded', () => {
      for (const name of ['shown', 'response', 'sent', 'dismissed', 'error']) {
        window.NpsWidget.on(name, () => window.__npsEvents.push(name));
      }
    });
  });
}
const events = (page) => page.evaluate(() => window.__npsEvents);

/** Opens checkout.html recording the widget's events, and waits for the popup. */
async function openWithEvents(page) {
  await recordEvents(page);
  const shop = new HostPage(page);
  const prompt = await shop.gotoPrompt(expect);
  return { shop, prompt };
}

/** Reloads past the auto-show delay: the popup stays closed this time. */
async function reloadStaysQuiet(page, shop, prompt) {
  await page.reload();
  await shop.widgetReady();
  await page.waitForTimeout(4_500);
  await expect(prompt.radiogroup).toHaveCount(0);
}

test('Escape dismisses the popup; the next page does not ask again unless forced', async ({ page, rows }) => {
  const { shop, prompt } = await openWithEvents(page);
  // A popup does not trap the page: no aria-modal.
  await expect(prompt.container()).not.toHaveAttribute('aria-modal', /.*/);
  await prompt.radio(5).focus();
  await page.keyboard.press('Escape');
  await expect(prompt.radiogroup).toHaveCount(0);
  await expect.poll(() => events(page)).toEqual(['shown', 'dismissed']);

  // data-dismiss-days (7): the next page load stays quiet past the auto-show delay.
  await reloadStaysQuiet(page, shop, prompt);
  // show() respects that; show(…, {force: true}) does not.
  await page.evaluate(() => window.NpsWidget.show());
  await page.waitForTimeout(500);
  await expect(prompt.radiogroup).toHaveCount(0);
  await page.evaluate(() => window.NpsWidget.show({ order_id: 'A-1042' }, { force: true }));
  await prompt.expectOpen(expect);

  // Properties given to show() travel with that response.
  const comment = `Forced after a dismiss ${uniqueTag()}`;
  await prompt.answer(expect, 8, comment);
  const row = await expectOneRowWithComment(expect, rows, comment);
  expect(JSON.parse(String(row.properties))).toEqual({ order_id: 'A-1042' });
  expect(await events(page)).toEqual(expect.arrayContaining(['shown', 'response']));
  await expect.poll(() => events(page)).toContain('sent');
});

test('after an answer the next page load does not ask again (data-recontact-days)', async ({ page, rows }) => {
  const { shop, prompt } = await openWithEvents(page);
  const comment = `Asked once ${uniqueTag()}`;
  await prompt.answer(expect, 10, comment);
  await expectOneRowWithComment(expect, rows, comment);
  await expect.poll(() => events(page)).toEqual(['shown', 'response', 'sent']);

  await reloadStaysQuiet(page, shop, prompt);
  expect(await events(page)).toEqual([]);
});
