// The checkout page under a strict Content-Security-Policy (no 'unsafe-inline', no 'unsafe-eval').
'use strict';
const { test, expect } = require('./fixtures');
const { HostPage } = require('./pages/host-page');
const { expectOneRowWithComment, uniqueTag } = require('./support/expect-rows');
const { recordCspViolations, cspProblems } = require('./support/csp');

/** The demo page's policy (index.html), put on the checkout page as a <meta> first in <head>. */
const STRICT_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' http://127.0.0.1:8080";

/** Adds an inline <script> to the page: did it run? */
function inlineScriptRuns(page) {
  return page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__inlineRan = true;';
    document.head.append(script);
    return window.__inlineRan === true;
  });
}

test('strict CSP page: the prompt shows, styled as usual, and submits with no CSP violation', async ({
  browser,
  baseURL,
  page,
  rows,
  guard,
}) => {
  // Reference: the prompt's box on the same page without a policy (separate visitor).
  const plainContext = await browser.newContext({ baseURL, viewport: page.viewportSize(), locale: 'en-US' });
  let plainBox;
  try {
    const plain = await plainContext.newPage();
    const plainPrompt = await new HostPage(plain).gotoPrompt(expect);
    await plain.waitForTimeout(600);
    plainBox = await plainPrompt.container().boundingBox();
    expect(await inlineScriptRuns(plain), 'an inline <script> without a policy').toBe(true);
  } finally {
    await plainContext.close();
  }

  await recordCspViolations(page);
  const shop = new HostPage(page, { csp: STRICT_CSP });
  const prompt = await shop.gotoPrompt(expect);
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute('content', STRICT_CSP);
  // Styles reached the shadow root: same size and place as without the policy.
  await expect.poll(() => prompt.container().boundingBox()).toEqual(plainBox);

  const comment = `Works under a strict CSP ${uniqueTag()}`;
  await prompt.answer(expect, 9, comment);
  const row = await expectOneRowWithComment(expect, rows, comment);
  expect(row.score).toBe(9);

  expect(await cspProblems(page, guard)).toEqual([]);

  // The policy was in force all along: an inline script does not run on this page.
  expect(await inlineScriptRuns(page), "an inline <script> under script-src without 'unsafe-inline'").toBe(false);
});
