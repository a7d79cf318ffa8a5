// Options and the JS API at the edges: a bad data- attribute, bad record() input, the Russian locale.
'use strict';
const { test, expect } = require('./fixtures');
const { HostPage } = require('./pages/host-page');
const { expectOneRowWithComment, uniqueTag } = require('./support/expect-rows');

test('data-sample="abc": one console.error naming data-sample, no exception, the shop still works', async ({
  page,
  guard,
}) => {
  const shop = new HostPage(page, { attributes: { 'data-sample': 'abc' } });
  await shop.goto();
  const sampleErrors = () => guard.console.filter((m) => m.type === 'error' && m.text.includes('data-sample'));
  await expect.poll(() => sampleErrors().length).toBe(1);
  // Let the widget settle (ready, or inactive) and pass the auto-show delay before counting.
  await page.evaluate(() =>
    Promise.race([
      Promise.resolve(window.NpsWidget && window.NpsWidget.ready).catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 5_000)),
    ]),
  );
  await page.waitForTimeout(3_500);

  const errors = guard.console.filter((m) => m.type === 'error');
  expect(errors).toHaveLength(1);
  expect(errors[0].text).toContain('data-sample');
  expect(errors[0].text).toContain('"abc"');
  expect(guard.pageErrors).toEqual([]);
  await shop.placeOrder(expect);
});

/** Calls NpsWidget.record with each bad score; reports how each call failed. */
function recordBadScores(page) {
  return page.evaluate(() =>
    [11, -1, 2.5, '9', null, Number.NaN, undefined, 1e21].map((score) => {
      try {
        const result = window.NpsWidget.record({ score });
        if (result && typeof result.then === 'function') result.then(undefined, () => {});
        return { score: String(score), threw: false };
      } catch (e) {
        return { score: String(score), threw: true, typeError: e instanceof TypeError, message: String(e && e.message) };
      }
    }),
  );
}

test('NpsWidget.record({score: 11}) throws a TypeError synchronously and records nothing', async ({ page }) => {
  const shop = new HostPage(page);
  await shop.goto();
  await shop.widgetReady();

  const results = await recordBadScores(page);
  for (const r of results) {
    expect(r, `record({score: ${r.score}})`).toMatchObject({ threw: true, typeError: true });
    expect(r.message, `message for score ${r.score}`).toMatch(/score/);
  }
  expect(await shop.pending()).toBe(0);
  expect((await shop.stats()).n).toBe(0);

  // A valid score is accepted: the validation is not "always throw".
  await page.evaluate(() => window.NpsWidget.record({ score: 10 }));
  expect((await shop.stats()).n).toBe(1);
});

test('NpsWidget.record({score: 11}) throws a TypeError synchronously before the wasm is ready too', async ({
  page,
}) => {
  await page.addInitScript(() => {
    document.addEventListener('DOMContentLoaded', () => {
      const wasmLoaded = performance.getEntriesByType('resource').some((e) => e.name.endsWith('.wasm'));
      try {
        const result = window.NpsWidget.record({ score: 11 });
        if (result && typeof result.then === 'function') result.then(undefined, () => {});
        window.__early = { threw: false, wasmLoaded };
      } catch (e) {
        window.__early = { threw: true, typeError: e instanceof TypeError, message: String(e && e.message), wasmLoaded };
      }
    });
  });
  const shop = new HostPage(page);
  await shop.goto();
  const early = await page.evaluate(() => window.__early);
  expect(early).toMatchObject({ threw: true, typeError: true, wasmLoaded: false });
  expect(early.message).toMatch(/score/);
  await shop.widgetReady();
  expect(await shop.pending()).toBe(0);
});

test('data-locale="ru" shows the prompt in Russian and the answer is stored with locale ru', async ({
  page,
  rows,
}) => {
  const shop = new HostPage(page, { attributes: { 'data-locale': 'ru' } });
  const prompt = await shop.gotoPrompt(expect, { locale: 'ru' });
  await expect(prompt.close).toBeVisible();
  const comment = `Курьер опоздал на час ${uniqueTag()}`;
  await prompt.answer(expect, 4, comment);
  await expect(prompt.status).toHaveText('Спасибо за ваш отзыв!');
  const row = await expectOneRowWithComment(expect, rows, comment);
  expect(row.locale).toBe('ru');
  expect(row.score).toBe(4);
});
