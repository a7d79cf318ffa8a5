// axe-core (WCAG 2.2 A and AA rules) over the prompt: every mode × theme × {en, de, ar}, before
// and after choosing a score. Only the prompt is checked (the host page is the site's own).
'use strict';
const { test, expect } = require('./fixtures');
const { HostPage } = require('./pages/host-page');
const { NpsPrompt, deepFocus } = require('./pages/prompt');
const { expectNoAxeViolations } = require('./support/axe');

const MODES = ['popup', 'modal', 'inline'];
const THEMES = ['light', 'dark'];
const LOCALES = ['en', 'de', 'ar'];

for (const mode of MODES) {
  for (const theme of THEMES) {
    for (const locale of LOCALES) {
      test(`axe: ${mode}, ${theme}, ${locale}: no violations before and after a choice`, async ({ page }) => {
        const attributes = { 'data-mode': mode, 'data-theme': theme, 'data-locale': locale, 'data-delay-ms': '0' };
        if (mode === 'inline') Object.assign(attributes, { 'data-target': '#order-status' });
        await page.emulateMedia({ colorScheme: theme });
        const host = new HostPage(page, { attributes });
        await host.goto();
        const widget = page.locator(`[data-nps-widget="${mode}"]`);
        await expect(widget.getByRole('radio')).toHaveCount(11);
        const scan = (when) => expectNoAxeViolations(expect, page, when, { include: `[data-nps-widget="${mode}"]` });
        await scan('before a choice');
        await widget.getByRole('radio', { name: '9', exact: true }).click();
        await expect(widget.locator('textarea')).toBeVisible();
        await page.waitForTimeout(250);
        await scan('after choosing 9');
      });
    }
  }
}

/** Whether every element of the page outside the widget is inert (inside an inert subtree). */
const pageInert = (page) =>
  page.evaluate(() =>
    [...document.body.querySelectorAll('input, button, a, h1')]
      .filter((el) => !el.closest('[data-nps-widget]'))
      .map((el) => el.closest('[inert]') !== null),
  );

test('modal: takes the focus, keeps Tab inside, makes the page inert, and gives the focus back on close', async ({
  page,
}) => {
  const host = new HostPage(page, { attributes: { 'data-mode': 'modal', 'data-trigger': 'manual' } });
  await host.goto();
  await host.widgetReady();
  const name = page.getByRole('textbox', { name: 'Full name' });
  await name.focus();
  expect(await pageInert(page)).not.toContain(true);

  await page.evaluate(() => window.NpsWidget.show());
  const prompt = new NpsPrompt(page, { mode: 'modal' });
  await prompt.expectOpen(expect);
  await expect(prompt.container()).toHaveAttribute('aria-modal', 'true');
  expect(await deepFocus(page)).toMatchObject({ inWidget: true, role: 'radio' });
  const inert = await pageInert(page);
  expect(inert.length).toBeGreaterThan(3);
  expect(inert).not.toContain(false);

  // Tab and Shift+Tab never reach the page: focus stays in the modal (or leaves the document
  // for the browser's own controls, then comes back to the modal).
  await prompt.choose(expect, 8);
  for (const key of [...Array(8).fill('Tab'), ...Array(8).fill('Shift+Tab')]) {
    await page.keyboard.press(key);
    const f = await deepFocus(page);
    expect(f === null || f.inWidget || f.tag === 'body', `${key}: ${JSON.stringify(f)}`).toBe(true);
  }

  // Closed (Escape after a choice records the answer): the page is alive again, focus is back.
  await prompt.radio(8).focus();
  await page.keyboard.press('Escape');
  await expect(prompt.radiogroup).toHaveCount(0);
  await expect(name).toBeFocused();
  expect(await pageInert(page)).not.toContain(true);
  await host.placeOrder(expect);
});

test('an automatic popup never takes the focus from the page', async ({ page }) => {
  const host = new HostPage(page, { attributes: { 'data-delay-ms': '500' } });
  await host.goto();
  const name = page.getByRole('textbox', { name: 'Full name' });
  await name.focus();
  const prompt = new NpsPrompt(page);
  await prompt.expectOpen(expect);
  await expect(name).toBeFocused();
  expect(await pageInert(page)).not.toContain(true);
  await page.keyboard.press('End');
  await page.keyboard.type(' Jr.');
  await expect(name).toHaveValue('Ada Lovelace Jr.');
});
