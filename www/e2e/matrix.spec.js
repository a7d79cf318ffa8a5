// The fault matrix: delivery loses nothing under faults, end to end (real Chromium, real
// receivers). Each test is one scenario: its pages answer with NpsWidget.record() (hundreds
// each, > 10 000 in all), a fault hits delivery, and the scenario ends with its row:
//
//   made       ids that NpsWidget.record() returned in the pages;
//   stored     distinct ids in the receiver's store: the SQLite file of `nps serve`, PostgreSQL
//              (psql), ClickHouse (`FINAL`), or the counting receiver of the body formats;
//   duplicates absorbed
//              deliveries of an id the receiver got after the first, counted in the receiver's
//              own store: with `nps serve` (SQLite, PostgreSQL) a BEFORE INSERT trigger on its
//              `responses` table copies every row it tries to insert, the ones its
//              `ON CONFLICT (id) DO NOTHING` skips included, into a side table; in ClickHouse a
//              materialized view copies every inserted row into a plain MergeTree; duplicates =
//              those rows − distinct ids. The counting receiver of the body formats counts per
//              id. (`nps serve` also logs `batch stored accepted=N duplicates=M`, checked here as
//              a lower bound: a process killed between a commit and its log line never logs it);
//   dead letters
//              ids of NpsWidget.deadLetters() entries that carry a response (unreadable stored
//              data is listed there too, without a response: not an answer made);
//   lost       made − stored − dead letters: must be 0, and no id is both stored and dead.
//
// Also checked in every scenario: no id was POSTed again after a 2xx for it had reached a page
// unless the receiver absorbed it as a duplicate (from the POSTs the pages made, as Playwright
// sees them); nothing is left pending. The run prints the table, and writes it as Markdown to
// www/test-results/fault-matrix.md (the README's table comes from there).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { test: base, expect } = require('./fixtures');
const { HostPage } = require('./pages/host-page');
const { readResponses } = require('./support/db');
const { NpsServer } = require('./support/server');
const { ClickHouse } = require('./support/clickhouse');
const { WWW } = require('./support/paths');
const { PgCluster } = require('./support/matrix-pg');
const { CountingReceiver } = require('./support/matrix-receiver');
const { account, idsOfBody, markdownTable, receiverCounts, watchWire } = require('./support/matrix-ledger');
const { countSqliteDeliveries, sqliteDeliveries, POSTGRES_COUNTER, COUNT_SQL } = require('./support/matrix-sqlite');

/** The endpoint of checkout.html's snippet: `nps serve` of the fixture. */
const ENDPOINT = 'http://127.0.0.1:8080/v1/responses';
/** Answers per scenario (the body-format scenarios: FORMAT_N each). */
const N = 750;
const FORMAT_N = 400;
/** How many tests (rows) this file has: the total is checked only when all ran. */
const SCENARIOS = 17;
const RESULTS = path.join(WWW, 'test-results');
const ROWS_FILE = path.join(RESULTS, 'fault-matrix.rows.jsonl');
const TABLE_FILE = path.join(RESULTS, 'fault-matrix.md');

/**
 * The fixtures, and `wire`: the POSTs of the test's pages to ENDPOINT (watchWire), watched from
 * the test's start. The scenarios against `nps serve` take it; the others watch their own receiver.
 */
const test = base.extend({
  wire: async ({ context }, use) => {
    await use(watchWire(context, isEndpoint));
  },
});

// A scenario takes 3–25 s; 120 s leaves room for a loaded machine (and for settle() to wait).
test.describe.configure({ timeout: 120_000 });

// `nps serve` logs each batch it stores at `info` (its default filter; crossCheckLog() reads
// it): make sure a RUST_LOG of the environment does not hide that line here.
let savedRustLog;
test.beforeAll(() => {
  savedRustLog = process.env.RUST_LOG;
  process.env.RUST_LOG = 'warn,nps_server=info';
});

// Every delivery the fixture's `nps serve` gets is counted in its SQLite file (see the top).
test.beforeEach(async ({ server }) => {
  await countSqliteDeliveries(server);
});

test.afterAll(() => {
  if (savedRustLog === undefined) delete process.env.RUST_LOG;
  else process.env.RUST_LOG = savedRustLog;
  // The rows of this run (a failed test restarts the worker: the file keeps the earlier rows;
  // Playwright empties test-results/ when a run starts).
  if (!fs.existsSync(ROWS_FILE)) return;
  const byName = new Map();
  for (const line of fs.readFileSync(ROWS_FILE, 'utf8').split('\n')) {
    if (line.trim()) {
      const row = JSON.parse(line);
      byName.set(row.scenario, row);
    }
  }
  const rows = [...byName.values()];
  const table = markdownTable(rows);
  console.log(`\nFault matrix (www/e2e/matrix.spec.js):\n\n${table}\n`);
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(TABLE_FILE, `${table}\n`);
  if (rows.length === SCENARIOS) {
    expect(rows.reduce((n, r) => n + r.made, 0), 'answers made across the matrix').toBeGreaterThanOrEqual(10_000);
  }
});

// ---------- helpers ----------

/** checkout.html with the widget (trigger manual: nothing pops up; answers come from record()). */
function shopPage(page, attributes = {}) {
  return new HostPage(page, {
    attributes: { 'data-trigger': 'manual', 'data-flush-ms': '200', 'data-batch-size': '25', ...attributes },
  });
}

/** The shop page, opened and ready (shopReady). */
async function openShop(page, attributes = {}) {
  const shop = shopPage(page, attributes);
  await shop.goto();
  await shopReady(page, shop);
  return shop;
}

/** Waits for the widget of `shop` (loaded in `page`), then `window.__matrix.errors` collects its `error` events. */
async function shopReady(page, shop) {
  await shop.widgetReady();
  await page.evaluate(() => {
    window.__matrix = { errors: [] };
    window.NpsWidget.on('error', (d) => window.__matrix.errors.push({ kind: d.kind, status: d.status ?? null, count: d.count }));
  });
}

/** The widget's `error` events of kind retry (status null: network error or timeout). */
function retries(page, status) {
  return page.evaluate(
    (s) => window.__matrix.errors.filter((e) => e.kind === 'retry' && (s === undefined || e.status === s)).length,
    status,
  );
}

/**
 * `n` answers through NpsWidget.record() in chunks of `chunk` (one page.evaluate each: delivery
 * runs between chunks, as it would between visitors' answers); their ids.
 */
async function recordMany(page, n, tag, chunk = 50) {
  const ids = [];
  for (let from = 0; from < n; from += chunk) {
    const got = await page.evaluate(
      async ({ from, to, tag }) => {
        const out = [];
        for (let k = from; k < to; k++) {
          const r = await window.NpsWidget.record({ score: k % 11, comment: `${tag} #${k}` });
          out.push(r.id);
        }
        return out;
      },
      { from, to: Math.min(n, from + chunk), tag },
    );
    ids.push(...got);
  }
  return ids;
}

/** The pages' deadLetters(): every entry of each page, and the ids of those that carry a response. */
async function deadLetters(pages) {
  const all = [];
  for (const p of pages) all.push(...(await p.evaluate(() => window.NpsWidget.deadLetters())));
  return { all, ids: all.filter((d) => d.response).map((d) => d.response.id) };
}

/** Ids in the SQLite file of `nps serve`; null while the file cannot be read (a crash's hot journal). */
async function sqliteIds(server) {
  try {
    return (await readResponses(server.dbPath)).map((r) => String(r.id));
  } catch {
    return null;
  }
}

async function sqliteCount(server) {
  const ids = await sqliteIds(server);
  return ids === null ? -1 : new Set(ids).size;
}

/** Responses queued, not yet acknowledged, in the pages still open. */
async function pendingIn(pages) {
  let n = 0;
  for (const p of pages) if (!p.isClosed()) n += await p.evaluate(() => window.NpsWidget.pending());
  return n;
}

/**
 * Waits (the widget delivering by itself: no flush() call) until the receiver's `count()` is
 * `expected`; gives up when `timeout` has passed, or when nothing is pending in `pages` and the
 * count has not moved for 3 s (what is missing then will never come). It does not fail by
 * itself: the scenario's row is booked either way, and book() fails on what was lost.
 */
async function settle(message, count, expected, { pages, timeout = 60_000 }) {
  const deadline = Date.now() + timeout;
  let last;
  let quietSince = Date.now();
  for (;;) {
    const now = await count();
    if (now === expected) return;
    if (now !== last) {
      last = now;
      quietSince = Date.now();
    }
    if (Date.now() > deadline || (Date.now() - quietSince > 3_000 && (await pendingIn(pages)) === 0)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const pending = await pendingIn(pages).catch(() => '?');
  console.log(`${message}: the receiver holds ${last} of ${expected}; ${pending} still pending in the pages`);
}

/** Nothing left pending in any of the pages. */
async function nothingPending(pages) {
  for (const p of pages) {
    await expect.poll(() => p.evaluate(() => window.NpsWidget.pending()), { message: 'pending', timeout: 20_000 }).toBe(0);
  }
}

/**
 * The scenario's row: booked (in the run's rows file: the table is printed even when a later
 * assertion fails) and then checked: lost 0, nothing stored and dead, nothing stored or dead
 * that was not made, every made id once.
 */
function book(scenario, ledger) {
  const a = account(scenario, ledger);
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.appendFileSync(ROWS_FILE, `${JSON.stringify(a.row)}\n`);
  expect(a.madeTwice, 'ids returned twice by record()').toBe(0);
  expect(a.lostIds, 'ids made but neither stored nor dead-lettered (lost)').toEqual([]);
  expect(a.row.lost, 'lost').toBe(0);
  expect(a.storedAndDead, 'ids both stored and dead-lettered').toEqual([]);
  expect(a.storedNotMade, 'ids stored that no page made').toEqual([]);
  expect(a.deadNotMade, 'dead letters no page made').toEqual([]);
  return a.row;
}

/**
 * Checks `nps serve`'s log against the count in its store: it can only have logged less (a
 * batch committed after its client went away is not logged; the log also reaches this process
 * a moment after the answer). Says so when it did.
 */
function crossCheckLog(scenario, log, row) {
  const counts = receiverCounts(log);
  expect(counts.accepted, "responses nps serve's log says it accepted").toBeLessThanOrEqual(row.stored);
  expect(counts.duplicates, "duplicates nps serve's log says it absorbed").toBeLessThanOrEqual(row.duplicates);
  if (counts.accepted < row.stored || counts.duplicates < row.duplicates) {
    console.log(
      `${scenario}: nps serve stored ${row.stored} responses and absorbed ${row.duplicates} duplicates; ` +
        `its log reports ${counts.accepted} and ${counts.duplicates}`,
    );
  }
}

/**
 * The row of a scenario against the fixture's `nps serve`: stored from its SQLite file, the
 * duplicates from the delivery counter in it; each stored id was delivered, and every id the
 * pages POSTed again after its 2xx was absorbed.
 */
async function bookNpsServe(scenario, { server, made, dead, wire }) {
  const stored = (await readResponses(server.dbPath)).map((r) => String(r.id));
  const deliveries = await sqliteDeliveries(server.dbPath);
  const row = book(scenario, { made, stored, dead, duplicates: deliveries.rows - deliveries.ids });
  expect(deliveries.ids, 'ids delivered = ids stored').toBe(row.stored);
  expect(wire.resentAcked, 'ids POSTed again after a 2xx, and not absorbed as duplicates').toBeLessThanOrEqual(row.duplicates);
  crossCheckLog(scenario, server.log, row);
  return row;
}

/**
 * The end of a scenario against the fixture's `nps serve`: waits until its SQLite file holds
 * `expected` answers (settle(); `settled` names that moment), books the row (bookNpsServe, with
 * the dead letters of all `pages`) and checks that nothing is left pending in them. The row, and
 * the dead letters (deadLetters()).
 */
async function settleAndBook(scenario, { server, wire, made, pages, expected = N, settled = 'all stored', timeout }) {
  await settle(settled, () => sqliteCount(server), expected, { pages, timeout });
  const dead = await deadLetters(pages);
  const row = await bookNpsServe(scenario, { server, made, dead: dead.ids, wire });
  await nothingPending(pages);
  return { row, dead };
}

/**
 * The end of a scenario against another receiver, once settled: books the row from the ids it
 * `stored` and the `duplicates` it counted, with the dead letters of all `pages`, and checks that
 * nothing is left pending in them.
 */
async function bookReceiver(scenario, { made, stored, duplicates, pages }) {
  const row = book(scenario, { made, stored, dead: (await deadLetters(pages)).ids, duplicates });
  await nothingPending(pages);
  return row;
}

/** Every answer stored once: no duplicate absorbed, no dead letter, nothing POSTed again after its 2xx. */
function expectEachOnce(row, wire) {
  expect(row.duplicates).toBe(0);
  expect(row.dead).toBe(0);
  expect(wire.resentAcked).toBe(0);
}

/** Deterministic pseudo-random numbers in 0..1 (mulberry32). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const isPost = (route) => route.request().method() === 'POST';
const postIds = (route) => idsOfBody(route.request().postData() || '');
const isEndpoint = (url) => url === ENDPOINT;

/**
 * Routes the POSTs of the test's pages to ENDPOINT through `handle(route, n)` (n: 1 for the first
 * POST, 2 for the next, …); any other request to it goes on unchanged.
 */
async function routePosts(context, handle) {
  let n = 0;
  await context.route(ENDPOINT, (route) => (isPost(route) ? handle(route, ++n) : route.continue()));
}

// ---------- the scenarios ----------

test('offline, then back online', async ({ context, page, server, wire }) => {
  const shop = await openShop(page);
  await context.setOffline(true);
  const made = await recordMany(page, N, 'offline');
  // The widget tried and failed (network error): nothing reached the receiver, all wait.
  await expect.poll(() => retries(page, null), { timeout: 20_000 }).toBeGreaterThan(0);
  expect(await sqliteCount(server)).toBe(0);
  expect(await shop.pending()).toBe(N);

  await context.setOffline(false);
  // No flush(): the widget comes back by itself (the `online` event, then its backoff).
  const { row } = await settleAndBook('offline, then back online', {
    server,
    wire,
    made,
    pages: [page],
    settled: 'all stored after going online',
  });
  expectEachOnce(row, wire);
});

test('receiver killed mid-flight (SIGKILL), restarted later', async ({ page, server, wire }) => {
  await openShop(page);
  // Answers keep coming and batches keep going out: the receiver is killed in the middle of them.
  const recording = recordMany(page, N / 2, 'killed-a', 10);
  await expect.poll(() => sqliteCount(server), { intervals: [25], timeout: 20_000 }).toBeGreaterThanOrEqual(100);
  server.proc.kill('SIGKILL');
  await server.stop();
  const made = await recording;
  made.push(...(await recordMany(page, N / 2, 'killed-b', 25)));
  await expect.poll(() => retries(page, null), { timeout: 20_000 }).toBeGreaterThan(0);
  await page.waitForTimeout(1_000);
  await server.start();
  // No flush(): the widget's own retries find the receiver back.
  const { row } = await settleAndBook('receiver killed mid-flight, restarted', {
    server,
    wire,
    made,
    pages: [page],
    settled: 'all stored after the restart',
    timeout: 75_000,
  });
  expect(row.dead).toBe(0);
});

test('5xx answers, one after the receiver stored the batch', async ({ context, page, server, wire }) => {
  const storedThen500 = [];
  // POSTs 1, 4, 7, 9 fail without reaching the receiver; POST 3 reaches it, and the page is
  // told 500 anyway: the widget sends that batch again, and the receiver absorbs it.
  const fail = { 1: 500, 4: 500, 7: 502, 9: 503 };
  await routePosts(context, async (route, n) => {
    if (fail[n]) return route.fulfill({ status: fail[n], contentType: 'application/json', body: '{"error":"matrix: 5xx"}' });
    if (n === 3) {
      const response = await route.fetch();
      expect(response.status()).toBe(200);
      storedThen500.push(...postIds(route));
      return route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"matrix: stored, then 500"}' });
    }
    return route.continue().catch(() => {});
  });
  await openShop(page);
  const made = await recordMany(page, N, '5xx');
  const { row } = await settleAndBook('5xx answers (one after storing)', { server, wire, made, pages: [page] });
  expect(await retries(page)).toBe(5);
  expect(storedThen500.length).toBeGreaterThan(0);
  // Exactly the batch answered 500 after it was stored came twice.
  expect(row.duplicates).toBe(storedThen500.length);
  expect(row.dead).toBe(0);
  expect(wire.resentAcked).toBe(0);
});

test('429 with Retry-After (seconds and an HTTP date): honoured, nothing lost', async ({ context, page, server, wire }) => {
  const posts = [];
  await routePosts(context, async (route, n) => {
    const at = Date.now();
    if (n === 2 || n === 5) {
      posts.push({ n, at, notBefore: at + 2_000 });
      return route.fulfill({ status: 429, headers: { 'Retry-After': '2' }, contentType: 'application/json', body: '{"error":"slow down"}' });
    }
    if (n === 8) {
      const until = Math.ceil((at + 3_000) / 1000) * 1000;
      posts.push({ n, at, notBefore: until });
      return route.fulfill({
        status: 429,
        headers: { 'Retry-After': new Date(until).toUTCString() },
        contentType: 'application/json',
        body: '{"error":"slow down"}',
      });
    }
    posts.push({ n, at });
    return route.continue().catch(() => {});
  });
  await openShop(page);
  const made = await recordMany(page, N, '429');
  const { row } = await settleAndBook('429 with Retry-After', { server, wire, made, pages: [page] });
  // No POST went out before Retry-After had passed.
  for (const limited of posts.filter((p) => p.notBefore)) {
    const next = posts.find((p) => p.n === limited.n + 1);
    expect(next, `a POST after the 429 of POST ${limited.n}`).toBeTruthy();
    expect(next.at, `POST ${limited.n + 1} waited for Retry-After`).toBeGreaterThanOrEqual(limited.notBefore - 100);
  }
  expect(await retries(page, 429)).toBe(3);
  expectEachOnce(row, wire);
});

test('400 for one batch: exactly that batch is dead-lettered, never sent again, the rest stored', async ({
  context,
  page,
  server,
  wire,
}) => {
  const refused = [];
  await routePosts(context, async (route, n) => {
    if (n === 3) {
      refused.push(...postIds(route));
      return route.fulfill({ status: 400, contentType: 'application/json', body: '{"error":"matrix: refused for good","field":"responses"}' });
    }
    return route.continue().catch(() => {});
  });
  await openShop(page);
  const made = await recordMany(page, N, '400');
  // The third POST may still be on its way when the recording ends (a loaded machine).
  await expect.poll(() => refused.length, { message: 'the third POST, refused', timeout: 30_000 }).toBeGreaterThan(0);
  const { row, dead } = await settleAndBook('400 for one batch', {
    server,
    wire,
    made,
    pages: [page],
    expected: N - refused.length,
    settled: 'all but the refused batch stored',
  });
  expect(new Set(dead.ids)).toEqual(new Set(refused));
  for (const d of dead.all) {
    expect(d.status).toBe(400);
    expect(d.reason).toContain('matrix: refused for good');
  }
  for (const id of refused) expect(wire.timesPosted(id), `refused ${id} POSTed once`).toBe(1);
  expect(row.dead).toBe(refused.length);
  expect(row.duplicates).toBe(0);
  expect(wire.resentAcked).toBe(0);
});

test('hanging endpoint: no answer at all, then an answer that never comes after storing', async ({
  context,
  page,
  server,
  wire,
}) => {
  const at = [];
  const hung = [];
  const storedThenHung = [];
  // POST 2 hangs before the receiver; POST 5 reaches the receiver, whose answer never comes
  // back. Each time the widget gives up after 10 s and sends again.
  await routePosts(context, async (route, n) => {
    at[n] = Date.now();
    if (n === 2) {
      hung.push(route);
      return;
    }
    if (n === 5) {
      const response = await route.fetch();
      expect(response.status()).toBe(200);
      storedThenHung.push(...postIds(route));
      hung.push(route);
      return;
    }
    return route.continue().catch(() => {});
  });
  try {
    await openShop(page);
    const made = await recordMany(page, N, 'hang');
    const { row } = await settleAndBook('hanging endpoint (10 s timeout)', { server, wire, made, pages: [page], timeout: 90_000 });
    // The widget waited its 10 s for each hung answer before trying again.
    expect(at[3] - at[2], 'wait after the hang before the receiver').toBeGreaterThanOrEqual(9_500);
    expect(at[6] - at[5], 'wait after the hang after storing').toBeGreaterThanOrEqual(9_500);
    expect(await retries(page, null)).toBe(2);
    expect(row.duplicates).toBe(storedThenHung.length);
    expect(row.dead).toBe(0);
  } finally {
    for (const route of hung) await route.abort().catch(() => {});
  }
});

test('page reloaded three times with a batch in flight; each late batch reaches the receiver after the reload', async ({
  context,
  page,
  server,
  wire,
}) => {
  let holdNext = false;
  const held = [];
  await routePosts(context, async (route) => {
    if (holdNext) {
      holdNext = false;
      held.push(route);
      return;
    }
    return route.continue().catch(() => {});
  });
  const shop = await openShop(page);
  const made = [];
  let late = 0;
  for (let round = 0; round < 3; round++) {
    made.push(...(await recordMany(page, 200, `reload${round}-a`)));
    holdNext = true;
    made.push(...(await recordMany(page, 50, `reload${round}-b`, 25)));
    await expect.poll(() => held.length, { message: 'a batch held in flight' }).toBe(round + 1);
    await page.reload();
    await shopReady(page, shop);
    // The old page's POST had left: it reaches the receiver now, and its answer reaches nobody.
    const route = held[round];
    const response = await route.fetch().catch(() => null);
    if (response && response.ok()) late += postIds(route).length;
    await route.abort().catch(() => {});
  }
  const { row } = await settleAndBook('reloads with a batch in flight', { server, wire, made, pages: [page] });
  expect(late, 'late batches delivered after their page was gone').toBeGreaterThan(0);
  expect(row.duplicates).toBeGreaterThanOrEqual(late);
  expect(row.dead).toBe(0);
});

test('tab closed while its POST is in flight: the other tab sends everything', async ({ context, page, server, wire }) => {
  const tabA = page;
  let held = null;
  await routePosts(context, async (route) => {
    // The first POST is tab A's (tab B opens after it): it hangs until A is closed.
    if (held === null) {
      held = route;
      return;
    }
    return route.continue().catch(() => {});
  });
  await openShop(tabA);
  const made = await recordMany(tabA, N / 2, 'tabA', 25);
  await expect.poll(() => held !== null, { message: "tab A's first POST held" }).toBe(true);
  expect(held.request().frame().page(), "the held POST is tab A's").toBe(tabA);
  // Tab B opens only now: opened earlier, its own first flush could send A's answers before A
  // did (the queue is shared, and whichever tab holds the lock sends it), which is right, but
  // not this scenario.
  const tabB = await context.newPage();
  await openShop(tabB);
  // Tab A holds the site's Web Lock while its POST hangs: tab B records, and does not send.
  made.push(...(await recordMany(tabB, N / 2, 'tabB', 25)));
  expect(await sqliteCount(server), 'one tab sends at a time').toBe(0);
  await tabA.close();
  // Tab A's POST had left before the tab closed: it reaches the receiver now.
  const response = await held.fetch().catch(() => null);
  const late = response && response.ok() ? postIds(held).length : 0;
  await held.abort().catch(() => {});
  // No flush(): tab B gets the lock and sends A's answers and its own.
  const { row } = await settleAndBook('tab closed mid-flight', { server, wire, made, pages: [tabB] });
  expect(late).toBeGreaterThan(0);
  expect(row.duplicates).toBeGreaterThanOrEqual(late);
  expect(row.dead).toBe(0);
});

test('three tabs answering at once while 30 % of POSTs fail', async ({ context, page, server, wire }) => {
  const random = mulberry32(0x5eed);
  let posts = 0;
  let failed = 0;
  await routePosts(context, async (route) => {
    posts += 1;
    if (random() < 0.3) {
      failed += 1;
      return route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"matrix: 30 % fail"}' });
    }
    return route.continue().catch(() => {});
  });
  const tabs = [page, await context.newPage(), await context.newPage()];
  for (const tab of tabs) await openShop(tab);
  const made = (await Promise.all(tabs.map((tab, i) => recordMany(tab, N / 3, `tab${i}`, 25)))).flat();
  const { row } = await settleAndBook('three tabs at once, 30 % of POSTs fail', { server, wire, made, pages: tabs, timeout: 90_000 });
  expect(failed, `failed POSTs (of ${posts})`).toBeGreaterThanOrEqual(5);
  expect(row.dead).toBe(0);
});

test('storage full: answers kept in memory for the page, reported once, all delivered', async ({
  page,
  server,
  guard,
  wire,
}) => {
  const shop = await openShop(page);
  const filled = await page.evaluate(() => {
    let size = 1 << 20;
    let i = 0;
    while (size >= 1) {
      try {
        localStorage.setItem(`matrix-junk:${i}`, 'x'.repeat(size));
        i += 1;
      } catch (e) {
        if (e.name !== 'QuotaExceededError') throw e;
        size = Math.floor(size / 2);
      }
    }
    let full = false;
    try {
      localStorage.setItem('matrix-probe', 'x');
    } catch (e) {
      full = e.name === 'QuotaExceededError';
    }
    return { keys: i, full };
  });
  expect(filled.full, 'localStorage refuses even one more character').toBe(true);
  const made = await recordMany(page, N, 'full');
  const { row } = await settleAndBook('storage full (memory fallback)', { server, wire, made, pages: [page] });
  const warnings = guard.console.filter((m) => m.text.includes('kept in memory'));
  expect(warnings.map((m) => m.type), 'the memory fallback is reported once').toEqual(['error']);
  // Nothing of the queue could be written to localStorage: it all went through memory.
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('nps-widget:queue:q:')).length)).toBe(0);
  expectEachOnce(row, wire);
  expect((await shop.stats()).n).toBe(N);
});

test('storage blocked (localStorage throws, as in a sandboxed iframe): answers kept in memory, reported once, all delivered', async ({
  page,
  server,
  guard,
  wire,
}) => {
  // Before any script of the page: reading `localStorage` throws, as it does in a sandboxed
  // iframe or with the browser's storage blocked.
  await page.addInitScript(() => {
    Object.defineProperty(window, 'localStorage', {
      get() {
        throw new DOMException('The document is sandboxed', 'SecurityError');
      },
    });
  });
  const shop = await openShop(page);
  const made = await recordMany(page, N, 'blocked');
  const { row } = await settleAndBook('storage blocked (memory fallback)', { server, wire, made, pages: [page] });
  const warnings = guard.console.filter((m) => m.text.includes('kept in memory'));
  expect(warnings.map((m) => m.type), 'the memory fallback is reported once').toEqual(['error']);
  expectEachOnce(row, wire);
  expect((await shop.stats()).n).toBe(N);
});

test("garbage in the widget's storage keys: kept aside as unreadable, every answer still arrives", async ({
  page,
  server,
  wire,
}) => {
  const garbage = {
    'nps-widget:queue': '{bad',
    'nps-widget:queue:q:x': '42',
    'nps-widget:queue:q:y': '{"seq":1,"v":{"id":"y","score":99}}',
    'nps-widget:queue:dead:z': '{"seq":2,"v":{"nope":true}}',
    'nps-widget:tallies': '[]',
    'nps-widget:visitor': '"hello"',
  };
  // Written before the widget loads: checkout.html (trigger manual) loads nothing for a
  // visitor with nothing queued, so the garbage is in place before the reload that loads it.
  const first = shopPage(page);
  await first.goto();
  await page.evaluate((g) => {
    for (const [k, v] of Object.entries(g)) localStorage.setItem(k, v);
    localStorage.setItem('nps-widget:gate', 'not json');
  }, garbage);
  await page.reload();
  await shopReady(page, first);
  const made = await recordMany(page, N, 'garbage');
  const { row, dead } = await settleAndBook('garbage in the storage keys', { server, wire, made, pages: [page] });
  const unreadable = Object.fromEntries(dead.all.filter((d) => d.reason === 'unreadable').map((d) => [d.key, d.stored]));
  expect(unreadable, 'each garbage value kept aside, byte for byte').toEqual(garbage);
  expect(dead.all.filter((d) => d.response), 'no answer among the dead letters').toEqual([]);
  expect((await first.stats()).n, 'stats() counts the answers of this run').toBe(N);
  expectEachOnce(row, wire);
});

for (const f of [
  {
    format: 'nps',
    contentType: 'text/plain',
    attributes: { 'data-content-type': 'text/plain' },
    preflight: false,
  },
  {
    format: 'ndjson',
    contentType: 'application/x-ndjson',
    attributes: { 'data-format': 'ndjson' },
    preflight: true,
  },
  {
    format: 'json-array',
    contentType: 'application/json',
    attributes: { 'data-format': 'json-array', 'data-headers': '{"apikey":"anon-key","Prefer":"resolution=ignore-duplicates"}' },
    preflight: true,
  },
]) {
  test(`body format ${f.format} (${f.contentType}) to a counting receiver that fails some POSTs`, async ({ context, page }) => {
    await context.grantPermissions(['local-network-access']);
    // POSTs 2 and 6 are stored and answered 503 (sent again: duplicates to absorb); POST 4 is
    // answered 500 without storing anything.
    const receiver = new CountingReceiver({
      format: f.format,
      contentType: f.contentType,
      fault: (n) => (n === 2 || n === 6 ? 'store-then-503' : n === 4 ? 500 : null),
    });
    await receiver.start();
    try {
      const wire = watchWire(context, (url) => url === receiver.url);
      await openShop(page, { 'data-endpoint': receiver.url, ...f.attributes });
      // No route may stay: while one is active, Playwright answers CORS preflights itself.
      await page.unrouteAll({ behavior: 'wait' });
      const made = await recordMany(page, FORMAT_N, `format-${f.format}`);
      await settle('all stored', () => receiver.stored.size, FORMAT_N, { pages: [page] });
      const row = await bookReceiver(`body format ${f.format} (${f.contentType})`, {
        made,
        stored: [...receiver.stored.keys()],
        duplicates: receiver.duplicates,
        pages: [page],
      });
      const storedThen503 = receiver.requests.filter((r) => r.stored && r.answer === 503).reduce((k, r) => k + r.ids.length, 0);
      expect(storedThen503).toBeGreaterThan(0);
      expect(row.duplicates, 'exactly the batches answered 503 after storing came again').toBe(storedThen503);
      expect(row.dead).toBe(0);
      expect(wire.resentAcked).toBe(0);
      expect(receiver.requests.some((r) => r.method === 'OPTIONS'), 'preflights').toBe(f.preflight);
      expect(receiver.requests.filter((r) => r.method === 'POST').every((r) => r.answer !== 400 && r.answer !== 415)).toBe(true);
    } finally {
      await receiver.close();
    }
  });
}

test('ClickHouse (ndjson as text/plain, ReplacingMergeTree): 503 after storing and 500, counted with FINAL', async ({
  context,
  page,
}) => {
  const ch = new ClickHouse();
  await ch.start();
  try {
    // Every row ClickHouse receives, duplicates included, lands in a plain MergeTree too: the
    // receiver's own count of deliveries (the ReplacingMergeTree may merge them away any time).
    await ch.query('CREATE TABLE nps.deliveries (id String) ENGINE = MergeTree() ORDER BY id');
    await ch.query('CREATE MATERIALIZED VIEW nps.deliveries_mv TO nps.deliveries AS SELECT id FROM nps.responses');
    await context.grantPermissions(['local-network-access']);
    const endpoint = ch.endpoint();
    const wire = watchWire(context, (url) => url === endpoint);
    await openShop(page, { 'data-endpoint': endpoint, 'data-format': 'ndjson', 'data-content-type': 'text/plain', 'data-batch-size': '50' });
    const port = String(ch.httpPort);
    const cors = { 'Access-Control-Allow-Origin': '*' };
    let n = 0;
    const storedThen503 = [];
    // text/plain, no custom header: simple requests, no preflight for Playwright to answer.
    await page.route((url) => url.port === port, async (route) => {
      if (!isPost(route)) return route.continue();
      n += 1;
      if (n === 2 || n === 6) {
        const response = await route.fetch();
        expect(response.status()).toBe(200);
        storedThen503.push(...postIds(route));
        return route.fulfill({ status: 503, headers: cors, body: 'matrix: stored, then 503' });
      }
      if (n === 4) return route.fulfill({ status: 500, headers: cors, body: 'matrix: 500' });
      return route.continue().catch(() => {});
    });
    const made = await recordMany(page, N, 'clickhouse');
    const count = async () => Number((await ch.rows('SELECT count() AS n FROM nps.responses FINAL'))[0].n);
    await settle('all in ClickHouse (FINAL)', count, N, { pages: [page] });
    const stored = (await ch.rows('SELECT id FROM nps.responses FINAL')).map((r) => r.id);
    const [{ rows, ids }] = await ch.rows('SELECT count() AS rows, uniqExact(id) AS ids FROM nps.deliveries');
    const row = await bookReceiver('ClickHouse (ndjson, text/plain)', {
      made,
      stored,
      duplicates: Number(rows) - Number(ids),
      pages: [page],
    });
    expect(Number(ids)).toBe(row.stored);
    expect(row.duplicates, 'exactly the batches answered 503 after storing came again').toBe(storedThen503.length);
    expect(row.dead).toBe(0);
    expect(wire.resentAcked).toBe(0);
  } finally {
    await ch.stop();
  }
});

test('PostgreSQL (nps serve --db postgres://…): the database stopped mid-flight, started again', async ({
  page,
  server,
  wire,
}) => {
  const pg = new PgCluster();
  let pgServer = null;
  try {
    await pg.start();
    const url = await pg.createDatabase('nps_matrix');
    // The page posts to 127.0.0.1:8080: that receiver now stores in PostgreSQL.
    await server.stop();
    pgServer = new NpsServer({ dbPath: url });
    await pgServer.start();
    // nps serve has created `responses`: count every delivery to it (see the top).
    await pg.query('nps_matrix', POSTGRES_COUNTER);
    const count = async () => {
      try {
        return Number((await pg.query('nps_matrix', 'SELECT count(DISTINCT id) FROM responses'))[0][0]);
      } catch {
        return -1;
      }
    };
    await openShop(page);
    // Answers keep coming and batches keep going out: PostgreSQL stops in the middle of them.
    const recording = recordMany(page, N / 2, 'pg-a', 10);
    await expect.poll(count, { intervals: [25], timeout: 20_000 }).toBeGreaterThanOrEqual(100);
    await pg.stopServer();
    const made = await recording;
    made.push(...(await recordMany(page, N / 2, 'pg-b', 25)));
    // nps serve answers 5xx while its database is away; the widget backs off and retries.
    await expect.poll(() => retries(page, 500), { timeout: 20_000 }).toBeGreaterThan(0);
    await pg.startServer();
    await settle('all in PostgreSQL', count, N, { pages: [page], timeout: 75_000 });
    const stored = (await pg.query('nps_matrix', 'SELECT id FROM responses')).map((r) => r[0]);
    const [[rows, ids]] = await pg.query('nps_matrix', COUNT_SQL);
    const row = await bookReceiver('PostgreSQL (stopped mid-flight)', {
      made,
      stored,
      duplicates: Number(rows) - Number(ids),
      pages: [page],
    });
    expect(Number(ids), 'ids delivered = ids stored').toBe(row.stored);
    expect(wire.resentAcked).toBeLessThanOrEqual(row.duplicates);
    crossCheckLog('PostgreSQL (stopped mid-flight)', pgServer.log, row);
    expect(row.dead).toBe(0);
  } finally {
    if (pgServer) await pgServer.dispose();
    await pg.stop();
  }
});
