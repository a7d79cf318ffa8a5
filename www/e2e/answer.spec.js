// A chosen score is an answer: after a choice, closing the prompt in any way (×, Escape, leaving
// the page) records the response with the comment typed so far, and it reaches the receiver.
// Closing before any choice records nothing.
'use strict';
const { test, expect } = require('./fixtures');
const { HostPage } = require('./pages/host-page');
const { expectOneRowWithComment, uniqueTag } = require('./support/expect-rows');

for (const how of ['the × button', 'Escape', 'leaving the page']) {
  test(`a score chosen, then ${how}: the answer arrives with the comment typed so far`, async ({ page, rows }) => {
    const host = new HostPage(page);
    const prompt = await host.gotoPrompt(expect);
    await prompt.choose(expect, 9);
    const comment = `half-answer ${uniqueTag()}`;
    await prompt.comment.fill(comment);
    if (how === 'the × button') await prompt.close.click();
    else if (how === 'Escape') await prompt.comment.press('Escape');
    else await page.goto('/www/favicon.svg');
    if (how !== 'leaving the page') await expect(prompt.host).toHaveCount(0);
    const row = await expectOneRowWithComment(expect, rows, comment);
    expect(row.score).toBe(9);
    expect(row.touchpoint).toBe('checkout');
  });
}

test('closing before any choice records nothing', async ({ page, rows }) => {
  const host = new HostPage(page);
  const prompt = await host.gotoPrompt(expect);
  await prompt.close.click();
  await expect(prompt.host).toHaveCount(0);
  await page.evaluate(() => window.NpsWidget.flush());
  expect(await page.evaluate(() => window.NpsWidget.stats().n)).toBe(0);
  expect(await rows()).toEqual([]);
});
