// Delivery under real faults: an offline browser, a stopped receiver. Each answer must reach the
// receiver's database exactly once.
'use strict';
const { test, expect } = require('./fixtures');
const { HostPage } = require('./pages/host-page');
const { expectOneRowWithComment, uniqueTag } = require('./support/expect-rows');

/**
 * Opens checkout.html, cuts delivery off with `cutOff()`, answers the popup, and checks the answer
 * stays queued past data-flush-ms (5 s: the widget has tried to send it, and failed).
 * @returns {Promise<HostPage>}
 */
async function answerUndelivered(page, rows, cutOff, score, comment) {
  const shop = new HostPage(page);
  const prompt = await shop.gotoPrompt(expect);
  await cutOff();
  await prompt.answer(expect, score, comment);
  await expect.poll(() => shop.pending()).toBe(1);
  await page.waitForTimeout(6_000);
  expect(await shop.pending()).toBe(1);
  expect(await rows()).toEqual([]);
  return shop;
}

/** The answer arrives, once: one row, nothing left pending, and a flush sends nothing again. */
async function expectDeliveredOnce(shop, rows, comment, timeout) {
  const row = await expectOneRowWithComment(expect, rows, comment, timeout);
  await expect.poll(() => shop.pending()).toBe(0);
  await shop.flush();
  expect(await rows()).toHaveLength(1);
  return row;
}

test('answered while offline, page closed, reopened online: arrives exactly once', async ({
  context,
  page,
  rows,
}) => {
  const comment = `Answered offline ${uniqueTag()}`;
  await answerUndelivered(page, rows, () => context.setOffline(true), 7, comment);
  await page.close();
  expect(await rows()).toEqual([]);

  await context.setOffline(false);
  const again = new HostPage(await context.newPage());
  await again.goto();
  await again.widgetReady();

  const row = await expectDeliveredOnce(again, rows, comment, 30_000);
  expect(row.score).toBe(7);
  expect(row.touchpoint).toBe('checkout');
});

test('receiver stopped when the visitor answers, started later: arrives exactly once', async ({
  page,
  server,
  rows,
}) => {
  const comment = `Answered while the receiver was down ${uniqueTag()}`;
  const shop = await answerUndelivered(page, rows, () => server.stop(), 10, comment);

  await server.start();
  // The widget retries by itself (backoff with jitter); no flush() call here.
  const row = await expectDeliveredOnce(shop, rows, comment, 40_000);
  expect(row.score).toBe(10);
});
