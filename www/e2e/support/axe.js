// axe-core over a page: the WCAG 2.0–2.2 A and AA rules (contrast included), for the a11y and
// kiosk tests.
'use strict';
const { default: AxeBuilder } = require('@axe-core/playwright');

const WCAG_A_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Asserts that axe finds no violation in `page`, or in the elements `include` selects.
 * @param {import('@playwright/test').Expect} expect
 * @param {import('@playwright/test').Page} page
 * @param {string} when the moment, for the failure message ("before a choice")
 * @param {{include?: string}} [opts]
 */
async function expectNoAxeViolations(expect, page, when, { include } = {}) {
  const axe = new AxeBuilder({ page });
  if (include) axe.include(include);
  const result = await axe.withTags(WCAG_A_AA).analyze();
  const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(found, `axe violations ${when}`).toEqual([]);
}

module.exports = { expectNoAxeViolations };
