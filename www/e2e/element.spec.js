// The ES-module install (pkg/index.js) and the <nps-survey> custom element it defines.
'use strict';
const { test, expect } = require('./fixtures');
const { NpsPrompt } = require('./pages/prompt');
const { expectOneRowWithComment, uniqueTag } = require('./support/expect-rows');

test('<nps-survey> from the ES module renders the prompt where it stands and delivers to its endpoint', async ({
  page,
  rows,
}) => {
  await page.goto('/www/element.html');
  await page.waitForFunction(() => window.npsModule !== undefined);
  await page.evaluate(() => window.npsModule.loaded());
  const prompt = new NpsPrompt(page, { mode: 'inline' });
  await expect(page.locator('nps-survey [data-nps-widget="inline"]')).toHaveCount(1);
  await prompt.expectOpen(expect, { role: 'group' });

  const comment = `Support solved it in minutes ${uniqueTag()}`;
  await prompt.answer(expect, 10, comment);
  const row = await expectOneRowWithComment(expect, rows, comment);
  expect(row.score).toBe(10);
  expect(row.touchpoint).toBe('support');

  // The module's record() validates like the script-tag API.
  const thrown = await page.evaluate(() => {
    try {
      window.npsModule.record({ score: 11 });
      return null;
    } catch (e) {
      return { typeError: e instanceof TypeError, message: e.message };
    }
  });
  expect(thrown).toMatchObject({ typeError: true });
  expect(thrown.message).toMatch(/score/);
});
