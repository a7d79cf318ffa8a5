// The README's pictures of the prompt: light, dark, Russian, Arabic (right to left) and a 320 px
// phone, each taken from the running widget on the checkout page.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { test, expect } = require('./fixtures');
const { HostPage } = require('./pages/host-page');
const { DOCS } = require('./support/paths');

const SHOTS = [
  { file: 'prompt-light.png', attributes: { 'data-theme': 'light' } },
  { file: 'prompt-dark.png', attributes: { 'data-theme': 'dark' } },
  { file: 'prompt-ru.png', attributes: { 'data-locale': 'ru' } },
  { file: 'prompt-ar.png', attributes: { 'data-locale': 'ar' } },
  { file: 'prompt-320px.png', attributes: {}, viewport: { width: 320, height: 640 } },
];

for (const shot of SHOTS) {
  test(`screenshot → docs/${shot.file}`, async ({ page }) => {
    if (shot.viewport) await page.setViewportSize(shot.viewport);
    const host = new HostPage(page, { attributes: { ...shot.attributes, 'data-delay-ms': '0' } });
    await host.goto();
    const box = page.locator('[data-nps-widget="popup"] .box');
    await expect(box.getByRole('radio')).toHaveCount(11);
    await box.getByRole('radio', { name: '9', exact: true }).click();
    await expect(box.locator('textarea')).toBeFocused();
    await page.waitForTimeout(300);
    fs.mkdirSync(DOCS, { recursive: true });
    const file = path.join(DOCS, shot.file);
    await box.screenshot({ path: file });
    const png = fs.readFileSync(file);
    expect(png.subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    expect(png.length).toBeGreaterThan(5_000);
  });
}
