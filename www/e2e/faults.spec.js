// Delivery faults made with page.route: 5xx / 429 answers, a permanent refusal, a reload while a
// batch is in flight, and two tabs sharing one queue.
'use strict';
const { test, expect } = require('./fixtures');
const { HostPage } = require('./pages/host-page');
const { expectOneRowWithComment, uniqueTag } = require('./support/expect-rows');

const ENDPOINT = 'http://127.0.0.1:8080/v1/responses';

/** record() without the UI, on a page whose widget is ready. */
function record(page, response) {
  return page.evaluate((r) => window.NpsWidget.record(r), response);
}

test('receiver answers 500, then 429 with Retry-After: 2, then accepts: arrives once, nothing dead-lettered', async ({
  context,
  page,
  rows,
}) => {
  const calls = [];
  await context.route(ENDPOINT, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    calls.push(Date.now());
    if (calls.length === 1) {
      return route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"boom"}' });
    }
    if (calls.length === 2) {
      return route.fulfill({
        status: 429,
        headers: { 'Retry-After': '2' },
        contentType: 'application/json',
        body: '{"error":"slow down"}',
      });
    }
    return route.continue();
  });
  const shop = new HostPage(page);
  await shop.goto();
  await shop.widgetReady();
  const comment = `After 500 and 429 ${uniqueTag()}`;
  await record(page, { score: 3, comment });

  const row = await expectOneRowWithComment(expect, rows, comment, 40_000);
  expect(row.score).toBe(3);
  expect(calls.length).toBeGreaterThanOrEqual(3);
  // Retry-After: 2 was honoured between the 429 and the next attempt.
  expect(calls[2] - calls[1]).toBeGreaterThanOrEqual(1_900);
  await expect.poll(() => shop.pending()).toBe(0);
  expect(await page.evaluate(() => window.NpsWidget.deadLetters())).toEqual([]);
  expect(await rows()).toHaveLength(1);
});

test('receiver refuses with 400: the response is dead-lettered, kept, and not retried', async ({
  context,
  page,
  rows,
}) => {
  let calls = 0;
  await context.route(ENDPOINT, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    calls += 1;
    return route.fulfill({ status: 400, contentType: 'application/json', body: '{"error":"unknown schema"}' });
  });
  const shop = new HostPage(page);
  await shop.goto();
  await shop.widgetReady();
  const comment = `Refused for good ${uniqueTag()}`;
  await record(page, { score: 5, comment });

  await expect.poll(() => page.evaluate(() => window.NpsWidget.deadLetters().length), { timeout: 20_000 }).toBe(1);
  expect(await shop.pending()).toBe(0);
  const dead = await page.evaluate(() => window.NpsWidget.deadLetters());
  const text = JSON.stringify(dead);
  expect(text).toContain(comment);
  expect(text).toContain('400');

  // Not retried: the count of attempts stays put past several backoff periods.
  const attempts = calls;
  expect(attempts).toBeGreaterThanOrEqual(1);
  await page.waitForTimeout(7_000);
  expect(calls).toBe(attempts);
  expect(await rows()).toEqual([]);

  // Kept across a reload.
  await page.reload();
  await shop.widgetReady();
  expect(JSON.stringify(await page.evaluate(() => window.NpsWidget.deadLetters()))).toContain(comment);
  expect(await shop.pending()).toBe(0);
});

test('page reloaded while its batch is in flight: the answer still arrives exactly once', async ({
  context,
  page,
  rows,
}) => {
  let calls = 0;
  let releaseFirst;
  const firstHeld = new Promise((resolve) => (releaseFirst = resolve));
  await context.route(ENDPOINT, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    calls += 1;
    if (calls === 1) {
      // Hold the first batch until the page has been reloaded, then let it through late.
      await firstHeld;
      await route.continue().catch(() => {});
      return;
    }
    await route.continue().catch(() => {});
  });
  const shop = new HostPage(page);
  await shop.goto();
  await shop.widgetReady();
  const comment = `Reloaded mid-flight ${uniqueTag()}`;
  await record(page, { score: 9, comment });
  await page.evaluate(() => {
    window.NpsWidget.flush();
  });
  await expect.poll(() => calls, { message: 'first batch on the wire' }).toBeGreaterThanOrEqual(1);

  await page.reload();
  await shop.widgetReady();
  releaseFirst();
  const row = await expectOneRowWithComment(expect, rows, comment, 30_000);
  expect(row.score).toBe(9);
  await expect.poll(() => shop.pending(), { timeout: 20_000 }).toBe(0);
  expect(await rows()).toHaveLength(1);
});

test('two tabs of one visitor: each answer arrives exactly once, both tabs end with nothing pending', async ({
  context,
  page,
  rows,
}) => {
  const tabA = new HostPage(page);
  const other = await context.newPage();
  const tabB = new HostPage(other);
  await tabA.goto();
  await tabB.goto();
  await tabA.widgetReady();
  await tabB.widgetReady();

  const a = `From tab A ${uniqueTag()}`;
  const b = `From tab B ${uniqueTag()}`;
  // One answer per tab, a moment apart (two writes in the same millisecond from two renderer
  // processes can still overwrite each other in localStorage: a known widget limitation).
  await record(page, { score: 10, comment: a });
  await page.waitForTimeout(300);
  await record(other, { score: 2, comment: b });
  await expect.poll(() => tabA.pending()).toBeGreaterThanOrEqual(1);
  // Both tabs deliver the shared queue at once: the receiver dedupes by id.
  await Promise.all([tabA.flush(), tabB.flush()]);

  expect((await expectOneRowWithComment(expect, rows, a)).score).toBe(10);
  expect((await expectOneRowWithComment(expect, rows, b)).score).toBe(2);
  await expect.poll(() => tabA.pending()).toBe(0);
  await expect.poll(() => tabB.pending()).toBe(0);
  expect(await rows()).toHaveLength(2);
});

test('a receiver over its --rate-limit answers 429 with Retry-After: the widget waits that long, then delivers all', async ({
  page,
  server,
  rows,
}) => {
  // 6 posts a minute per client: a burst of 6, then one every 10 s.
  await server.stop();
  server.args = ['--rate-limit', '6/min'];
  await server.start();
  const answers = [];
  page.on('response', (r) => {
    if (r.url() === ENDPOINT && r.request().method() === 'POST') {
      answers.push({ status: r.status(), at: Date.now(), retryAfter: r.headers()['retry-after'] });
    }
  });
  const shop = new HostPage(page, { attributes: { 'data-trigger': 'manual', 'data-batch-size': '1', 'data-flush-ms': '100' } });
  await shop.goto();
  await shop.widgetReady();
  const tag = uniqueTag();
  for (let i = 0; i < 7; i++) await record(page, { score: i, comment: `rate ${i} ${tag}` });

  await expect.poll(() => answers.find((a) => a.status === 429), { timeout: 30_000 }).toBeTruthy();
  const limited = answers.find((a) => a.status === 429);
  const wait = Number(limited.retryAfter);
  expect(wait).toBeGreaterThanOrEqual(1);
  await expect.poll(() => shop.pending(), { timeout: 60_000 }).toBe(0);
  // Nothing was posted again before Retry-After had passed.
  const next = answers.find((a) => a.at > limited.at);
  expect(next.at - limited.at).toBeGreaterThanOrEqual(wait * 1000 - 250);
  const stored = (await rows()).filter((r) => String(r.comment).endsWith(tag));
  expect(stored).toHaveLength(7);
  expect(await page.evaluate(() => window.NpsWidget.deadLetters())).toEqual([]);
});

test('one tab sends at a time (Web Locks); a tab closed while its POST is in flight loses nothing and blocks no other', async ({
  context,
  page,
  rows,
}) => {
  // The receiver is slow: each POST is held 800 ms before it goes on. Counted per tab: a
  // request of a tab that closed is dead, even while its handler still sleeps.
  const held = new Map();
  const live = () => [...held].reduce((n, [tab, k]) => n + (tab.isClosed() ? 0 : k), 0);
  let most = 0;
  await context.route(ENDPOINT, async (route) => {
    const tab = route.request().frame().page();
    held.set(tab, (held.get(tab) ?? 0) + 1);
    most = Math.max(most, live());
    await new Promise((r) => setTimeout(r, 800));
    try {
      await route.continue();
    } catch (e) {
      // The tab closed while its request was held: the request never reaches the receiver.
    } finally {
      held.set(tab, held.get(tab) - 1);
    }
  });
  const inFlight = () => live();
  const attributes = { 'data-trigger': 'manual', 'data-batch-size': '1', 'data-flush-ms': '100' };
  const tabA = new HostPage(page, { attributes });
  const other = await context.newPage();
  const tabB = new HostPage(other, { attributes });
  await tabA.goto();
  await tabB.goto();
  await tabA.widgetReady();
  await tabB.widgetReady();

  // Both tabs answer (a moment apart: see the test above) and both start flushing.
  const tag = uniqueTag();
  for (let i = 0; i < 3; i++) {
    await record(page, { score: 9, comment: `A${i} ${tag}` });
    await page.waitForTimeout(150);
    await record(other, { score: 4, comment: `B${i} ${tag}` });
    await page.waitForTimeout(150);
  }
  await expect.poll(async () => (await rows()).filter((r) => String(r.comment).endsWith(tag)).length, { timeout: 60_000 }).toBe(6);
  expect(most, 'POSTs in flight at once across the two tabs').toBe(1);

  // Tab A answers; while its POST is held, tab B's flush() waits for the lock instead of
  // sending beside it. Tab A closes mid-flight: tab B gets the lock at once (no lease to wait
  // out), sends A's answer, and it arrives exactly once.
  const last = `A closed mid-flight ${tag}`;
  await record(page, { score: 7, comment: last });
  await expect.poll(inFlight).toBe(1);
  const flushB = tabB.flush();
  await other.waitForTimeout(500);
  expect(inFlight(), 'tab B waits while tab A sends').toBe(1);
  await page.close();
  const closed = Date.now();
  const result = await flushB;
  expect(Date.now() - closed, 'tab B was not held up by the closed tab').toBeLessThan(5_000);
  expect(result.pending).toBe(0);
  expect(most, 'POSTs in flight at once across the two tabs').toBe(1);
  await expectOneRowWithComment(expect, rows, last);
  expect((await rows()).filter((r) => String(r.comment).endsWith(tag))).toHaveLength(7);
});

test('a main thread busy for 11 s while the receiver answers at 10.3 s: the 2xx stands, the batch is never sent again', async ({
  context,
  page,
  rows,
}) => {
  const posts = [];
  let seen;
  const onWire = new Promise((resolve) => (seen = resolve));
  await context.route(ENDPOINT, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    posts.push(Date.now());
    seen();
    // Answered 10.3 s after it was sent, while the page's main thread is still busy (below): a
    // single 10 s timer would be due before the answer arrived, run first once the thread is
    // free, and abort a request that had its answer (then send it again).
    await new Promise((r) => setTimeout(r, 10_300));
    await route.continue().catch(() => {});
  });
  const shop = new HostPage(page);
  await shop.goto();
  await shop.widgetReady();
  const comment = `Busy main thread ${uniqueTag()}`;
  await page.evaluate((c) => {
    window.__sent = [];
    window.NpsWidget.on('sent', (d) => window.__sent.push(...d.ids));
    return window.NpsWidget.record({ score: 8, comment: c }).then(() => {
      window.NpsWidget.flush();
    });
  }, comment);
  await onWire;
  // 11 s of one long task: longer than the request timeout.
  await page.evaluate(() => {
    const end = performance.now() + 11_000;
    while (performance.now() < end);
  });
  await expectOneRowWithComment(expect, rows, comment, 20_000);
  await expect.poll(() => page.evaluate(() => window.__sent.length)).toBe(1);
  // A retry would come within the first backoff's ceiling (1 s): wait well past it.
  await page.waitForTimeout(3_000);
  expect(posts).toHaveLength(1);
  expect(await shop.pending()).toBe(0);
  expect(await rows()).toHaveLength(1);
});

test('a 2xx whose body is still arriving when the 10 s timeout aborts it stands: sent once, not retried', async ({
  context,
  page,
}) => {
  // A receiver that answers 200 at once and then trickles its body for 12 s (a slow proxy).
  const http = require('node:http');
  const posts = [];
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      posts.push(Date.now());
      res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/json' });
      res.write('{"accepted":');
      setTimeout(() => res.end('1}'), 12_000).unref();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  try {
    await context.grantPermissions(['local-network-access']);
    const endpoint = `http://127.0.0.1:${receiver.address().port}/ingest`;
    const shop = new HostPage(page, {
      attributes: { 'data-endpoint': endpoint, 'data-content-type': 'text/plain', 'data-trigger': 'manual' },
    });
    await shop.goto();
    await shop.widgetReady();
    const result = await page.evaluate(async () => {
      const sent = [];
      window.NpsWidget.on('sent', (d) => sent.push(...d.ids));
      const r = await window.NpsWidget.record({ score: 10 });
      const flushed = await window.NpsWidget.flush();
      return { id: r.id, sent, flushed };
    });
    // Sent once ('sent' event), by flush() or by the automatic flush it waited for.
    expect(result.sent).toEqual([result.id]);
    expect(result.flushed).toMatchObject({ pending: 0, deadLetters: 0 });
    // A retry would come within the first backoff's ceiling (1 s): wait well past it.
    await page.waitForTimeout(3_000);
    expect(posts).toHaveLength(1);
  } finally {
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  }
});
