// The kiosk (docs/contract.md §8, issue "kiosk mode"): a tablet at the counter, real Chromium,
// real `nps serve`, the real service worker and browser storage. One customer after another:
// the prompt fills the screen, asks everyone, starts over after the thank-you with nothing of
// the last answer left; the page loads with no network after one visit; answers queued offline
// for days (thousands, a browser restart) arrive exactly once.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('@playwright/test');
const { test, expect } = require('./fixtures');
const { uniqueTag } = require('./support/expect-rows');
const { DOCS } = require('./support/paths');
const { recordCspViolations, cspProblems } = require('./support/csp');
const { expectNoAxeViolations } = require('./support/axe');

const TABLET = { width: 768, height: 1024 };
const HOST = '[data-nps-widget="kiosk"]';

/** The kiosk page on the test's receiver (`/kiosk`), configured by its query string. */
function kioskUrl(options = {}) {
  const q = new URLSearchParams({ endpoint: '/v1/responses', touchpoint: 'store-12', company: 'Acme', ...options });
  return `/kiosk?${q}`;
}

/** The prompt on screen, marked so that the next one can be told from it. */
async function currentPrompt(page) {
  const host = page.locator(`${HOST}:not([data-seen])`);
  await expect(host.getByRole('radio')).toHaveCount(11);
  await host.evaluate((el) => { el.dataset.seen = '1'; });
  return page.locator(`${HOST}[data-seen]`);
}

/** Waits for a fresh prompt (a new host element, nothing chosen) and returns it. */
async function nextPrompt(page) {
  const host = page.locator(`${HOST}:not([data-seen])`);
  await expect(host.getByRole('radio')).toHaveCount(11, { timeout: 20_000 });
  await expect(host.locator('[aria-checked="true"]')).toHaveCount(0);
  return host;
}

/** One customer: a score, a comment, Send; then waits for the prompt of the next one. */
async function customer(page, score, comment) {
  const host = await currentPrompt(page);
  await host.getByRole('radio', { name: String(score), exact: true }).click();
  if (comment) await host.locator('textarea').fill(comment);
  await host.getByRole('button', { name: 'Send', exact: true }).click();
  await nextPrompt(page);
}

/**
 * The shop's network goes: the browser is offline (navigator.onLine false, the `offline` event)
 * and the receiver is gone as well. Chromium's offline emulation does not cover a request that a
 * service worker passes on to the network (the kiosk's POSTs, once the worker controls the
 * page), and a real outage does: stopping the receiver makes those fail too.
 */
async function networkDown(context, server) {
  await context.setOffline(true);
  await server.stop();
}

/** The network returns: the receiver first, then the browser's `online` event. */
async function networkUp(context, server) {
  await server.start();
  await context.setOffline(false);
}

/** The status line's figures (kiosk.js keeps them), recounted now. */
const kioskStatus = (page) => page.evaluate(() => window.NpsKiosk.update());

test.describe('kiosk', () => {
  test.use({ viewport: TABLET });

  test('fills the screen with 48 px targets, asks every customer and starts over after the thank-you', async ({ page, rows }) => {
    const tag = uniqueTag();
    await page.goto(kioskUrl({ 'kiosk-reset-ms': '1500' }));
    const first = await currentPrompt(page);
    const box = first.locator('.box');
    // The whole screen.
    const r = await box.boundingBox();
    expect(r).toEqual({ x: 0, y: 0, width: TABLET.width, height: TABLET.height });
    await expect(first.getByRole('group', { name: /How likely are you to recommend Acme/ })).toBeVisible();
    for (const b of await first.getByRole('radio').all()) {
      const s = await b.boundingBox();
      expect(s.width, 'radio width').toBeGreaterThanOrEqual(48);
      expect(s.height, 'radio height').toBeGreaterThanOrEqual(48);
    }
    const close = await first.getByRole('button', { name: 'Close', exact: true }).boundingBox();
    expect(Math.min(close.width, close.height)).toBeGreaterThanOrEqual(48);
    // The scale has the focus: a keyboard user answers at once.
    await expect(first.getByRole('radio', { name: '0', exact: true })).toBeFocused();

    // Customer 1 answers by keyboard, with a comment.
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Enter');
    await first.locator('textarea').fill(`first ${tag}`);
    const send = first.getByRole('button', { name: 'Send', exact: true });
    expect((await send.boundingBox()).height).toBeGreaterThanOrEqual(48);
    await send.click();
    await expect(first.getByRole('status')).toHaveText('Thank you for your feedback!');
    // The thank-you stays until the reset, then a fresh prompt: nothing chosen, nothing typed,
    // nothing of the answer anywhere in the page or its shadow roots.
    const fresh = await nextPrompt(page);
    await expect(first).toHaveCount(0);
    await expect(fresh.locator('textarea')).toHaveValue('');
    const dom = await page.evaluate(() => {
      const parts = [document.documentElement.outerHTML];
      for (const el of document.querySelectorAll('*')) if (el.shadowRoot) parts.push(el.shadowRoot.innerHTML);
      for (const t of document.querySelectorAll('*')) for (const n of t.shadowRoot ? t.shadowRoot.querySelectorAll('textarea') : []) parts.push(n.value);
      return parts.join('\n');
    });
    expect(dom).not.toContain(tag);
    // Customer 2 is asked although this browser just answered (no recontact window).
    await fresh.getByRole('radio', { name: '3', exact: true }).click();
    await fresh.locator('textarea').fill(`second ${tag}`);
    await fresh.getByRole('button', { name: 'Send', exact: true }).click();
    await nextPrompt(page);

    await expect.poll(async () => (await rows()).filter((x) => String(x.comment).endsWith(tag)).length, { timeout: 20_000 }).toBe(2);
    const mine = (await rows()).filter((x) => String(x.comment).endsWith(tag));
    expect(mine.map((x) => [x.score, x.comment, x.touchpoint]).sort()).toEqual([
      [3, `second ${tag}`, 'store-12'],
      [9, `first ${tag}`, 'store-12'],
    ]);
    // The status line: counts and times only.
    const s = await kioskStatus(page);
    expect(s.text).not.toContain(tag);
    expect(s.text).toMatch(/^All answers delivered · last delivery \d/);
    await expect(page.locator('#kiosk-status')).toHaveText(s.text);
  });

  test('a score chosen and left is recorded at the reset; × and Escape start over', async ({ page, rows }) => {
    const tag = uniqueTag();
    await page.goto(kioskUrl({ 'kiosk-reset-ms': '1000' }));
    // Left after choosing 6 and typing: recorded, with the comment typed so far.
    let host = await currentPrompt(page);
    await host.getByRole('radio', { name: '6', exact: true }).click();
    await host.locator('textarea').fill(`walked away ${tag}`);
    const left = Date.now();
    host = await nextPrompt(page);
    expect(Date.now() - left, 'reset after kiosk-reset-ms').toBeGreaterThanOrEqual(900);
    await expect.poll(async () => (await rows()).filter((x) => x.comment === `walked away ${tag}`).map((x) => x.score), { timeout: 20_000 }).toEqual([6]);

    // Escape before a choice: a fresh prompt, nothing recorded, the kiosk stays on screen.
    host = await currentPrompt(page);
    await host.getByRole('radio', { name: '0', exact: true }).focus();
    await page.keyboard.press('Escape');
    host = await nextPrompt(page);
    // × after a choice: the answer is recorded, and the next customer gets a fresh prompt.
    host = await currentPrompt(page);
    await host.getByRole('radio', { name: '10', exact: true }).click();
    await host.locator('textarea').fill(`closed ${tag}`);
    await host.getByRole('button', { name: 'Close', exact: true }).click();
    await nextPrompt(page);
    // An untouched prompt is not reset and records nothing.
    await page.waitForTimeout(1500);
    await expect(page.locator(HOST)).toHaveCount(1);
    await expect.poll(async () => (await rows()).filter((x) => String(x.comment).endsWith(tag)).map((x) => x.score).sort(), { timeout: 20_000 }).toEqual([10, 6]);
    await page.waitForTimeout(500);
    expect((await rows()).filter((x) => String(x.comment).endsWith(tag))).toHaveLength(2);
  });

  test('after one visit the page loads with no network (service worker)', async ({ page, context, server, rows }) => {
    const tag = uniqueTag();
    await page.goto(kioskUrl({ 'kiosk-reset-ms': '300' }));
    await currentPrompt(page);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);

    await networkDown(context, server);
    await page.reload();
    await customer(page, 8, `offline ${tag}`);
    await expect.poll(async () => (await kioskStatus(page)).text).toMatch(/^Offline · 1 answer waiting/);
    // The installed app opens kiosk.html without a query: the tablet's saved configuration.
    await page.goto('/www/kiosk.html');
    await currentPrompt(page);
    expect((await rows()).filter((x) => x.comment === `offline ${tag}`)).toHaveLength(0);

    await networkUp(context, server);
    await expect.poll(async () => (await rows()).filter((x) => x.comment === `offline ${tag}`).map((x) => [x.score, x.touchpoint]), { timeout: 45_000 }).toEqual([[8, 'store-12']]);
    await expect.poll(async () => (await kioskStatus(page)).text, { timeout: 45_000 }).toMatch(/^All answers delivered · last delivery \d/);
  });

  test('the receiver comes back with no `online` event (the Wi-Fi stayed up): a retry delivers', async ({ page, server, rows }) => {
    test.setTimeout(120_000);
    const tag = uniqueTag();
    await page.goto(kioskUrl({ 'kiosk-reset-ms': '300' }));
    await page.evaluate(() => navigator.serviceWorker.ready);
    // Only the receiver goes: the browser still believes it is online.
    await server.stop();
    await customer(page, 5, `upstream ${tag}`);
    await expect.poll(async () => (await kioskStatus(page)).text, { timeout: 20_000 }).toMatch(/^1 answer waiting · endpoint not reachable/);
    await page.waitForTimeout(3000);
    await server.start();
    await expect.poll(async () => (await rows()).filter((x) => x.comment === `upstream ${tag}`).length, { timeout: 60_000, intervals: [1000] }).toBe(1);
    await expect.poll(async () => (await kioskStatus(page)).text, { timeout: 20_000 }).toMatch(/^All answers delivered · last delivery \d/);
  });

  test('200 customers through three network drops and two reloads: 200 rows, none lost, none twice', async ({ page, context, server, rows }) => {
    test.setTimeout(300_000);
    const tag = uniqueTag();
    // A customer's choice, comment and Send must fit in the reset time, on a loaded CI machine too.
    await page.goto(kioskUrl({ 'kiosk-reset-ms': '600', 'flush-ms': '500' }));
    await page.evaluate(() => navigator.serviceWorker.ready);
    const offlineAt = new Set([30, 90, 150]);
    const onlineAt = new Set([60, 120, 185]);
    const reloadAt = new Set([75, 135]);
    const delivered = async () => (await rows()).filter((x) => String(x.comment).endsWith(tag)).length;
    const drops = [];
    for (let i = 0; i < 200; i++) {
      if (offlineAt.has(i)) {
        await networkDown(context, server);
        drops.push({ from: i, atDrop: await delivered() });
      }
      if (onlineAt.has(i)) {
        // Customers answered while it was down, and none of their answers arrived meanwhile.
        const d = drops[drops.length - 1];
        Object.assign(d, { to: i, atReturn: await delivered() });
        await networkUp(context, server);
      }
      if (reloadAt.has(i)) await page.reload();
      await customer(page, i % 11, `c${i} ${tag}`);
    }
    expect(drops.map((d) => d.atReturn - d.atDrop), 'rows that arrived while the network was down').toEqual([0, 0, 0]);
    await expect.poll(async () => (await rows()).filter((x) => String(x.comment).endsWith(tag)).length, { timeout: 60_000, intervals: [500, 1000] }).toBe(200);
    await page.waitForTimeout(1500);
    const mine = (await rows()).filter((x) => String(x.comment).endsWith(tag));
    expect(mine).toHaveLength(200);
    expect(new Set(mine.map((x) => x.id)).size).toBe(200);
    expect(new Set(mine.map((x) => x.comment)).size).toBe(200);
    for (const x of mine) expect(x.score).toBe(Number(/^c(\d+) /.exec(x.comment)[1]) % 11);
    const s = await kioskStatus(page);
    expect(s.pending).toBe(0);
    test.info().annotations.push({ type: 'kiosk-session', description: `200 customers, 3 drops, 2 reloads: ${mine.length} rows, ${200 - new Set(mine.map((x) => x.comment)).size} lost, ${mine.length - new Set(mine.map((x) => x.id)).size} twice` });
  });

  test('answers beyond the queue bound are shed to dead letters, shown on the status line', async ({ page, context, server }) => {
    test.setTimeout(180_000);
    await page.goto(kioskUrl());
    await currentPrompt(page);
    await networkDown(context, server);
    await page.evaluate(async () => {
      for (let i = 0; i < 10_500; i++) await window.NpsWidget.record({ score: i % 11, comment: `bound ${i}` });
    });
    // The 10 001st answer makes one pass move the oldest to the dead letters, down to 9 500;
    // 499 more came after it. Nothing is lost: every answer is waiting or a dead letter.
    const s = await kioskStatus(page);
    expect([s.pending, s.queueFull]).toEqual([9_999, 501]);
    expect(s.text).toMatch(/^Offline · 9,999 answers waiting · .* · 501 answers not delivered \(queue full\)/);
    await expect(page.locator('#kiosk-status')).toHaveText(s.text);
  });
});

test('days offline: 5 000 answers survive reloads and a browser restart, then arrive exactly once', async ({ server, rows }) => {
  test.setTimeout(300_000);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'nps-e2e-kiosk-'));
  const launch = () => chromium.launchPersistentContext(profile, {
    ...test.info().project.use.launchOptions,
    baseURL: test.info().project.use.baseURL,
    viewport: TABLET,
  });
  const tag = uniqueTag();
  try {
    // Day 0: the tablet is set up online, then the shop's Wi-Fi goes.
    let context = await launch();
    let page = await context.newPage();
    await page.goto(kioskUrl({ 'kiosk-reset-ms': '200' }));
    await nextPrompt(page);
    await page.evaluate(() => navigator.serviceWorker.ready);
    // Chromium's own verdict on the manifest, icons and service worker: installable (a
    // persistent profile, as on a tablet; a throwaway context is "incognito" to it).
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
    await networkDown(context, server);
    await customer(page, 10, `ui ${tag}`);
    await page.evaluate(async (tag) => {
      for (let i = 1; i < 5_000; i++) await window.NpsWidget.record({ score: i % 11, comment: `d${i} ${tag}` });
    }, tag);
    await page.reload();
    await currentPrompt(page);
    expect((await kioskStatus(page)).pending).toBe(5_000);
    // The browser is closed (the tablet restarts) while still offline, once Chromium has
    // written the last answer to its localStorage files: it commits to disk a moment after a
    // write (about 1.3 s here after 5 000 answers; a clean shutdown commits too). An answer in
    // the very last second before a power cut is the browser's to lose, not the widget's.
    const leveldb = path.join(profile, 'Default', 'Local Storage', 'leveldb');
    const onDisk = () => fs.readdirSync(leveldb)
      .filter((f) => /\.(log|ldb)$/.test(f))
      .some((f) => fs.readFileSync(path.join(leveldb, f)).includes(`d4999 ${tag}`));
    await expect.poll(onDisk, { timeout: 60_000, intervals: [250] }).toBe(true);
    await context.close();

    context = await launch();
    await context.setOffline(true);
    page = await context.newPage();
    await page.goto('/kiosk');
    await currentPrompt(page);
    const s = await kioskStatus(page);
    expect(s.pending).toBe(5_000);
    expect(s.text).toMatch(/^Offline · 5,000 answers waiting/);
    expect((await rows()).filter((x) => String(x.comment).endsWith(tag))).toHaveLength(0);

    // The network returns: everything arrives, once.
    await networkUp(context, server);
    await expect.poll(async () => (await rows()).filter((x) => String(x.comment).endsWith(tag)).length, { timeout: 120_000, intervals: [1000] }).toBe(5_000);
    await page.waitForTimeout(2000);
    const mine = (await rows()).filter((x) => String(x.comment).endsWith(tag));
    expect(mine).toHaveLength(5_000);
    expect(new Set(mine.map((x) => x.id)).size).toBe(5_000);
    expect(new Set(mine.map((x) => x.comment)).size).toBe(5_000);
    await expect.poll(async () => (await kioskStatus(page)).pending).toBe(0);
    await context.close();
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
  expect(server.log).not.toMatch(/panicked/);
});

for (const theme of ['light', 'dark']) {
  test(`kiosk, ${theme}: axe finds nothing before and after a choice; no CSP violation, no console error`, async ({ page, guard }) => {
    await page.setViewportSize(TABLET);
    await page.emulateMedia({ colorScheme: theme });
    await recordCspViolations(page);
    await page.goto(kioskUrl({ theme, locale: 'de' }));
    const host = await currentPrompt(page);
    await expectNoAxeViolations(expect, page, 'before a choice');
    await host.getByRole('radio', { name: '4', exact: true }).click();
    await expect(host.locator('textarea')).toBeVisible();
    await page.waitForTimeout(250);
    await expectNoAxeViolations(expect, page, 'after a choice');
    expect(await cspProblems(page, guard)).toEqual([]);
    expect(guard.console.filter((m) => m.type === 'error').map((m) => m.text)).toEqual([]);
  });

  test(`screenshot → docs/kiosk-${theme}.png (portrait tablet)`, async ({ browser }) => {
    const context = await browser.newContext({ viewport: TABLET, colorScheme: theme, serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(kioskUrl({ theme }));
    const host = await currentPrompt(page);
    await host.getByRole('radio', { name: '9', exact: true }).click();
    await host.locator('textarea').fill('Quick and friendly at the till.');
    await page.evaluate(() => window.NpsKiosk.update());
    await page.waitForTimeout(300);
    fs.mkdirSync(DOCS, { recursive: true });
    const file = path.join(DOCS, `kiosk-${theme}.png`);
    await page.screenshot({ path: file });
    const png = fs.readFileSync(file);
    expect(png.subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    expect(png.readUInt32BE(16)).toBe(TABLET.width);
    expect(png.readUInt32BE(20)).toBe(TABLET.height);
    await context.close();
  });
}
