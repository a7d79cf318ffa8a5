// Delivery under real faults: an offline browser, a stopped receiver. Each answer must reach the
// receiver's database exactly once.
'use strict';
const { test, expect } = require('./fixtures');
const { HostPage } = require('./pages/host-page');
const { NpsPrompt } = require('./pages/prompt');
const { expectOneRowWithComment, uniqueTag } = require('./support/expect-rows');

test('answered while offline, page closed, reopened online: arrives exactly once', async ({
  context,
  page,
  rows,
}) => {
  const shop = new HostPage(page);
  const prompt = new NpsPrompt(page);
  await shop.goto();
  await prompt.expectOpen(expect);

  await context.setOffline(true);
  const comment = `Answered offline ${uniqueTag()}`;
  await prompt.answer(expect, 7, comment);
  await expect.poll(() => shop.pending()).toBe(1);
  // Past data-flush-ms (5 s): the widget has tried to send, and failed, while offline.
  await page.waitForTimeout(6_000);
  expect(await shop.pending()).toBe(1);
  expect(await rows()).toEqual([]);
  await page.close();
  expect(await rows()).toEqual([]);

  await context.setOffline(false);
  const again = await context.newPage();
  const shopAgain = new HostPage(again);
  await shopAgain.goto();
  await shopAgain.widgetReady();

  const row = await expectOneRowWithComment(expect, rows, comment, 30_000);
  expect(row.score).toBe(7);
  expect(row.touchpoint).toBe('checkout');
  await expect.poll(() => shopAgain.pending()).toBe(0);
  await shopAgain.flush();
  expect(await rows()).toHaveLength(1);
});

test('receiver stopped when the visitor answers, started later: arrives exactly once', async ({
  page,
  server,
  rows,
}) => {
  const shop = new HostPage(page);
  const prompt = new NpsPrompt(page);
  await shop.goto();
  await prompt.expectOpen(expect);

  await server.stop();
  const comment = `Answered while the receiver was down ${uniqueTag()}`;
  await prompt.answer(expect, 10, comment);
  await expect.poll(() => shop.pending()).toBe(1);
  // Past data-flush-ms (5 s): at least one delivery attempt has failed against the stopped receiver.
  await page.waitForTimeout(6_000);
  expect(await shop.pending()).toBe(1);
  expect(await rows()).toEqual([]);

  await server.start();
  // The widget retries by itself (backoff with jitter); no flush() call here.
  const row = await expectOneRowWithComment(expect, rows, comment, 40_000);
  expect(row.score).toBe(10);
  await expect.poll(() => shop.pending()).toBe(0);
  await shop.flush();
  expect(await rows()).toHaveLength(1);
});
