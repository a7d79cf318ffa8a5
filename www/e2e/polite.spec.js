// Politeness costs nothing (docs/contract.md §1): a visitor who will not be asked now downloads
// the loader and nothing else, counted request by request; the API still loads the rest on demand.
// (The loader's own weight, ≤ 2 000 B brotli, is a size budget of `cargo xtask test`.)
'use strict';
const { test, expect } = require('./fixtures');
const { pkgRequests } = require('./support/requests');
const { HostPage } = require('./pages/host-page');
const { NpsPrompt } = require('./pages/prompt');
const { uniqueTag, expectOneRowWithComment } = require('./support/expect-rows');

const LOADER = '/pkg/nps-widget.js';
const REST = ['/pkg/nps_widget.js', '/pkg/nps_widget_bg.wasm'];

/** Reloads and waits past the auto-show delay (3 s) with the page idle. */
async function reloadAndWait(page) {
  await page.reload();
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(4_000);
}

/**
 * The page just opened loads the rest and its wasm sends what the last page left queued.
 * Polled, and the row checked only after this page's queue is empty: the last page's pagehide
 * keepalive POST, sent while the receiver was down, can reach it once it is back (seen 2 runs in
 * 30, the row stored before this page had even fetched the wasm). pending() is asked only once
 * the loads are seen: it loads the rest too.
 */
async function expectLoadedAndDelivered(shop, requests, rows, comment) {
  await expect.poll(() => requests).toEqual(expect.arrayContaining([LOADER, ...REST]));
  await expect.poll(() => shop.pending()).toBe(0);
  await expectOneRowWithComment(expect, rows, comment);
}

test('an answered visitor downloads the loader only; the API still loads the rest on demand', async ({
  page,
  rows,
}) => {
  const requests = pkgRequests(page);
  const shop = new HostPage(page);
  const prompt = await shop.gotoPrompt(expect);
  expect(requests).toEqual(expect.arrayContaining([LOADER, ...REST]));
  const comment = `Polite after an answer ${uniqueTag()}`;
  await prompt.answer(expect, 9, comment);
  await expectOneRowWithComment(expect, rows, comment);
  await expect.poll(() => shop.pending()).toBe(0);

  requests.length = 0;
  await reloadAndWait(page);
  expect(requests).toEqual([LOADER]);
  await expect(prompt.radiogroup).toHaveCount(0);
  // on() does not load it either.
  await page.evaluate(() => window.NpsWidget.on('shown', () => {}));
  await page.waitForTimeout(300);
  expect(requests).toEqual([LOADER]);

  // The page's own call loads it: forced, the prompt opens.
  await page.evaluate(() => window.NpsWidget.show({}, { force: true }));
  await prompt.expectOpen(expect);
  expect(requests).toEqual([LOADER, ...REST]);
  // stats() waits for nothing, but `ready` gives the real figures once loaded.
  const stats = await page.evaluate(async () => {
    await window.NpsWidget.ready;
    return window.NpsWidget.stats();
  });
  expect(stats.n).toBe(1);
  expect(stats.promoters).toBe(1);
});

test('a sampled-out visitor downloads the loader only from the second page on', async ({ page }) => {
  // (The first page has no record to read: the widget loads, decides and writes one.)
  const requests = pkgRequests(page);
  const shop = new HostPage(page, { attributes: { 'data-sample': '0' } });
  // First page: no record yet, so the widget loads, decides (sampled out) and writes it.
  await shop.goto();
  await shop.widgetReady();
  expect(requests).toEqual(expect.arrayContaining([LOADER, ...REST]));
  const gate = await page.evaluate(() => JSON.parse(localStorage.getItem('nps-widget:gate')));
  expect(gate.queued).toBe(0);
  expect(gate.at).toBeUndefined();
  expect(gate.options['data-sample']).toBe('0');

  requests.length = 0;
  await reloadAndWait(page);
  expect(requests).toEqual([LOADER]);
  await expect(new NpsPrompt(page).radiogroup).toHaveCount(0);
});

test('new options on the script tag load the widget again, which decides afresh', async ({ page }) => {
  const requests = pkgRequests(page);
  const sampledOut = new HostPage(page, { attributes: { 'data-sample': '0' } });
  await sampledOut.goto();
  await sampledOut.widgetReady();
  await reloadAndWait(page);
  requests.length = 0;

  // The site owner raises data-sample to 1: the record no longer matches; this visitor is asked.
  await page.unrouteAll({ behavior: 'wait' });
  const everyone = new HostPage(page, { attributes: { 'data-sample': '1' } });
  await everyone.gotoPrompt(expect);
  expect(requests).toEqual(expect.arrayContaining([LOADER, ...REST]));
});

test('trigger manual: nothing beyond the loader, from the first visit on, until the page calls show()', async ({
  page,
  rows,
}) => {
  const requests = pkgRequests(page);
  const shop = new HostPage(page, { attributes: { 'data-trigger': 'manual' } });
  await shop.goto();
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(1_000);
  expect(requests).toEqual([LOADER]);
  await reloadAndWait(page);
  expect(requests).toEqual([LOADER, LOADER]);
  requests.length = 0;
  await page.evaluate(() => window.NpsWidget.show({ order_id: 'A-7' }));
  const prompt = new NpsPrompt(page);
  await prompt.expectOpen(expect);
  expect(requests).toEqual(REST);
  const comment = `Manual, on demand ${uniqueTag()}`;
  await prompt.answer(expect, 7, comment);
  const row = await expectOneRowWithComment(expect, rows, comment);
  expect(JSON.parse(String(row.properties))).toEqual({ order_id: 'A-7' });
});

test('a visitor with an answer still queued loads the rest and delivers it', async ({ page, server, rows }) => {
  const shop = new HostPage(page);
  const prompt = await shop.gotoPrompt(expect);
  // The receiver is down: the answer stays queued.
  await server.stop();
  const comment = `Queued while offline ${uniqueTag()}`;
  await prompt.choose(expect, 3);
  await prompt.comment.fill(comment);
  await prompt.send.click();
  await expect(prompt.status).toBeVisible();
  expect(await shop.pending()).toBe(1);
  const gate = await page.evaluate(() => JSON.parse(localStorage.getItem('nps-widget:gate')));
  expect(gate.queued).toBe(1);
  expect(gate.at).toBeGreaterThan(Date.now());

  // Next page, receiver back: answered (so not asked), but the queue needs the widget.
  await page.goto('about:blank');
  await server.start();
  const requests = pkgRequests(page);
  await shop.goto();
  await expectLoadedAndDelivered(shop, requests, rows, comment);
  await expect
    .poll(() => page.evaluate(() => JSON.parse(localStorage.getItem('nps-widget:gate')).queued))
    .toBe(0);
});

test('a <nps-survey> element on a not-asked visit loads the widget and renders', async ({ page }) => {
  const shop = new HostPage(page, { attributes: { 'data-sample': '0' }, card: '<nps-survey touchpoint="support"></nps-survey>' });
  await shop.goto();
  await shop.widgetReady();
  const requests = pkgRequests(page);
  await reloadAndWait(page);
  await expect.poll(() => requests).toEqual(expect.arrayContaining([LOADER, ...REST]));
  await expect(page.locator('nps-survey').getByRole('radiogroup')).toBeVisible();
});

test('no record but a queue (left by a release without the record): trigger manual still loads and delivers', async ({
  page,
  server,
  rows,
}) => {
  const shop = new HostPage(page, { attributes: { 'data-trigger': 'manual' } });
  await shop.goto();
  await shop.widgetReady();
  await server.stop();
  const comment = `Queued by an earlier release ${uniqueTag()}`;
  await page.evaluate((c) => window.NpsWidget.record({ score: 8, comment: c }), comment);
  expect(await shop.pending()).toBe(1);
  await page.evaluate(() => localStorage.removeItem('nps-widget:gate'));

  await page.goto('about:blank');
  await server.start();
  const requests = pkgRequests(page);
  await shop.goto();
  await expectLoadedAndDelivered(shop, requests, rows, comment);
});
