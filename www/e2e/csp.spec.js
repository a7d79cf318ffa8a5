// A host page with a strict Content-Security-Policy (no 'unsafe-inline', no 'unsafe-eval').
'use strict';
const { test, expect } = require('./fixtures');
const { HostPage } = require('./pages/host-page');
const { NpsPrompt } = require('./pages/prompt');
const { expectOneRowWithComment, uniqueTag } = require('./support/expect-rows');
const { recordCspViolations, cspProblems } = require('./support/csp');

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
    await plain.goto('/www/checkout.html');
    const plainPrompt = new NpsPrompt(plain);
    await plainPrompt.expectOpen(expect);
    await plain.waitForTimeout(600);
    plainBox = await plainPrompt.container().boundingBox();
  } finally {
    await plainContext.close();
  }

  await recordCspViolations(page);
  const shop = new HostPage(page, 'csp.html');
  const prompt = new NpsPrompt(page);
  await shop.goto();
  await prompt.expectOpen(expect);
  // Styles reached the shadow root: same size and place as without the policy.
  await expect.poll(() => prompt.container().boundingBox()).toEqual(plainBox);

  const comment = `Works under a strict CSP ${uniqueTag()}`;
  await prompt.answer(expect, 9, comment);
  const row = await expectOneRowWithComment(expect, rows, comment);
  expect(row.score).toBe(9);

  expect(await cspProblems(page, guard)).toEqual([]);
});
