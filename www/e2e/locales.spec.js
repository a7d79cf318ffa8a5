// The prompt in the visitor's language: only that catalog is downloaded (English is built in);
// right-to-left locales are mirrored, with 0 at the right and the popup in the left corner.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { test, expect } = require('./fixtures');
const { HostPage } = require('./pages/host-page');
const { ROOT } = require('./support/paths');

const catalog = (tag) => JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', `${tag}.json`), 'utf8'));

async function open(page, locale) {
  const fetched = [];
  page.on('request', (r) => {
    if (r.url().includes('/locales/')) fetched.push(new URL(r.url()).pathname);
  });
  const host = new HostPage(page, { attributes: { 'data-locale': locale, 'data-delay-ms': '0' } });
  await host.goto();
  const widget = page.locator('[data-nps-widget="popup"]');
  await expect(widget.getByRole('radio')).toHaveCount(11);
  return { widget, fetched };
}

for (const [requested, tag] of [['de-DE', 'de'], ['ja', 'ja'], ['pt-BR', 'pt'], ['ar', 'ar']]) {
  test(`data-locale="${requested}": the prompt speaks ${tag}, and only locales/${tag}.json is downloaded`, async ({ page }) => {
    const { widget, fetched } = await open(page, requested);
    const text = catalog(tag);
    await expect(widget.getByRole('dialog')).toHaveAccessibleName(text.question.replace('{company}', 'Acme'));
    await expect(widget.getByText(text.not_likely, { exact: true })).toBeVisible();
    await expect(widget.getByRole('button', { name: text.close, exact: true })).toBeVisible();
    expect(fetched).toEqual([`/pkg/locales/${tag}.json`]);
  });
}

test('English is built in: nothing else is downloaded', async ({ page }) => {
  const { widget, fetched } = await open(page, 'en-GB');
  await expect(widget.getByRole('dialog')).toHaveAccessibleName('How likely are you to recommend Acme to a friend or colleague?');
  expect(fetched).toEqual([]);
});

test('Arabic is right to left: dir="rtl", 0 at the right, the popup in the left corner, ← moves up', async ({ page }) => {
  const { widget } = await open(page, 'ar-EG');
  const box = widget.locator('.box');
  const root = widget.locator('[dir]');
  await expect(root).toHaveAttribute('dir', 'rtl');
  await expect(root).toHaveAttribute('lang', 'ar');
  const zero = await widget.getByRole('radio', { name: '0', exact: true }).boundingBox();
  const ten = await widget.getByRole('radio', { name: '10', exact: true }).boundingBox();
  expect(zero.x).toBeGreaterThan(ten.x);
  const card = await box.boundingBox();
  const viewport = page.viewportSize();
  expect(card.x, 'popup at the left edge').toBeLessThan(viewport.width - (card.x + card.width));
  await widget.getByRole('radio', { name: '3', exact: true }).focus();
  await page.keyboard.press('ArrowLeft');
  await expect(widget.getByRole('radio', { name: '4', exact: true })).toBeFocused();
});
