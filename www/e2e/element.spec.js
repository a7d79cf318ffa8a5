// The ES-module install (pkg/index.js) and the <nps-survey> custom element it defines.
'use strict';
const { test, expect } = require('./fixtures');
const { HostPage } = require('./pages/host-page');
const { NpsPrompt } = require('./pages/prompt');
const { expectOneRowWithComment, uniqueTag } = require('./support/expect-rows');

test('<nps-survey> from the ES module renders the prompt where it stands and delivers to its endpoint', async ({
  page,
  rows,
}) => {
  // The checkout page with the ES module in place of the snippet (www/element.js: the import
  // only, no call into the module: importing must define the element), and the element in its card.
  const shop = new HostPage(page, {
    snippet: '<script type="module" src="/www/element.js"></script>',
    card:
      '<nps-survey endpoint="http://127.0.0.1:8080/v1/responses" touchpoint="support" locale="en" company="Acme"></nps-survey>',
  });
  await shop.goto();
  const prompt = new NpsPrompt(page, { mode: 'inline' });
  await expect(page.locator('.card nps-survey [data-nps-widget="inline"]')).toHaveCount(1);
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

test('<nps-survey> without endpoint under the script tag delivers to the script tag\'s data-endpoint', async ({
  page,
  rows,
}) => {
  // checkout.html as on disk (its snippet has data-endpoint, data-company="Acme"), plus an element
  // that names only its touchpoint: the tag's options stay in force underneath.
  const shop = new HostPage(page, { card: '<nps-survey touchpoint="support"></nps-survey>' });
  await shop.goto();
  const prompt = new NpsPrompt(page, { mode: 'inline' });
  await expect(page.locator('.card nps-survey [data-nps-widget="inline"]')).toHaveCount(1);
  await prompt.expectOpen(expect, { role: 'group' });

  const comment = `Answered in the card ${uniqueTag()}`;
  await prompt.answer(expect, 8, comment);
  const row = await expectOneRowWithComment(expect, rows, comment);
  expect(row.score).toBe(8);
  expect(row.touchpoint).toBe('support');
});
