// Escape dismisses an open popup (docs/contract.md §3) even when focus never moved into it, and leaves
// a prompt alone while the person is typing in the host page.
'use strict';
const { test, expect } = require('./fixtures');
const { HostPage } = require('./pages/host-page');
const { NpsPrompt } = require('./pages/prompt');

test('Escape with nothing focused dismisses a popup shown by show(); with focus in the page it does not', async ({
  page,
}) => {
  const shop = new HostPage(page, { attributes: { 'data-trigger': 'manual' } });
  await shop.goto();
  await shop.widgetReady();
  await page.evaluate(() => {
    window.dismissals = [];
    window.NpsWidget.on('dismissed', (d) => window.dismissals.push(d));
  });
  const prompt = new NpsPrompt(page, { mode: 'popup' });

  // Focus in a host-page field: Escape belongs to the page, the popup stays.
  await page.getByRole('textbox', { name: 'Full name' }).focus();
  await page.evaluate(() => window.NpsWidget.show(undefined, { force: true }));
  await prompt.expectOpen(expect);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('textbox', { name: 'Full name' })).toBeFocused();
  await expect(prompt.host).toHaveCount(1);
  expect(await page.evaluate(() => window.dismissals.length)).toBe(0);

  // Nothing focused (the popup did not take focus): Escape dismisses it.
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
  await page.keyboard.press('Escape');
  await expect(prompt.host).toHaveCount(0);
  await expect.poll(() => page.evaluate(() => window.dismissals)).toEqual([{ touchpoint: 'checkout' }]);
});
