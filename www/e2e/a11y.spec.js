// axe-core (WCAG 2.2 A and AA rules) over the prompt: every mode × theme × {en, de, ar}, before
// and after choosing a score. Only the prompt is checked (the host page is the site's own).
'use strict';
const { test, expect } = require('./fixtures');
const { HostPage } = require('./pages/host-page');
const { default: AxeBuilder } = require('@axe-core/playwright');

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
        const scan = async (when) => {
          const result = await new AxeBuilder({ page })
            .include(`[data-nps-widget="${mode}"]`)
            .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
            .analyze();
          const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
          expect(found, `axe violations ${when}`).toEqual([]);
        };
        await scan('before a choice');
        await widget.getByRole('radio', { name: '9', exact: true }).click();
        await expect(widget.locator('textarea')).toBeVisible();
        await page.waitForTimeout(250);
        await scan('after choosing 9');
      });
    }
  }
}
