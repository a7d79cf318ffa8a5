// Any endpoint (docs/contract.md §1, §4): the README's ClickHouse recipe against a real ClickHouse
// (NDJSON as text/plain: no preflight, which ClickHouse cannot answer; a re-sent batch deduplicated
// by ReplacingMergeTree), and the other bodies, content types and headers against a plain receiver
// that records every request it gets, preflights included.
'use strict';
const http = require('node:http');
const { test, expect } = require('./fixtures');
const { HostPage } = require('./pages/host-page');
const { NpsPrompt } = require('./pages/prompt');
const { ClickHouse } = require('./support/clickhouse');
const { freePort } = require('./support/server');
const { uniqueTag } = require('./support/expect-rows');

// The receivers listen on other loopback ports than the page: Chromium asks the visitor's
// permission for that (Local Network Access); here the visitor grants it. A real endpoint on the
// public internet needs no permission.
test.beforeEach(async ({ context }) => {
  await context.grantPermissions(['local-network-access']);
});

test.describe('ClickHouse recipe', () => {
  /** @type {ClickHouse} */
  let ch;
  test.beforeAll(async () => {
    ch = new ClickHouse();
    await ch.start();
  });
  test.afterAll(async () => {
    if (ch) await ch.stop();
  });

  test('answers given in Chromium land in the table exactly once after FINAL, a re-sent batch included', async ({
    page,
  }) => {
    const endpoint = ch.endpoint();
    const shop = new HostPage(page, {
      attributes: {
        'data-endpoint': endpoint,
        'data-format': 'ndjson',
        'data-content-type': 'text/plain',
        'data-flush-ms': '200',
      },
    });
    const posts = [];
    page.on('request', (r) => {
      if (r.url().startsWith(`http://127.0.0.1:${ch.httpPort}/`)) posts.push({ method: r.method(), type: r.headers()['content-type'] });
    });
    // The first POST reaches ClickHouse, which stores it, but the page is told 503: the widget
    // sends the same batch again, and the table's FINAL view counts each response once.
    let first = true;
    await page.route((url) => url.port === String(ch.httpPort), async (route) => {
      if (!first) return route.continue();
      first = false;
      await route.fetch();
      await route.fulfill({ status: 503, headers: { 'Access-Control-Allow-Origin': '*' }, body: 'try later' });
    });

    const prompt = await shop.gotoPrompt(expect);
    const comment = `Straight into ClickHouse, «ёж» 🚀 "quoted"\nsecond line ${uniqueTag()}`;
    await prompt.choose(expect, 9);
    await prompt.comment.fill(comment);
    await prompt.send.click();
    await expect(prompt.status).toHaveText(prompt.text.thanks);
    await page.evaluate(async () => {
      await window.NpsWidget.record({ score: 3, comment: 'too slow', touchpoint: 'delivery' });
      await window.NpsWidget.record({ score: 7, touchpoint: 'delivery' });
    });
    // Once the 503 is given, no route is left: from then on the browser talks to ClickHouse
    // itself (while a route is active Playwright would answer a CORS preflight, which
    // ClickHouse cannot: a request that needed one would never arrive).
    await expect.poll(() => first, { timeout: 30_000 }).toBe(false);
    await page.unrouteAll({ behavior: 'wait' });

    await expect
      .poll(() => ch.rows('SELECT id, score, comment, touchpoint, locale, page FROM nps.responses FINAL ORDER BY score'), {
        timeout: 60_000,
      })
      .toHaveLength(3);
    await expect.poll(() => page.evaluate(() => window.NpsWidget.pending()), { timeout: 60_000 }).toBe(0);
    const rows = await ch.rows('SELECT id, score, comment, touchpoint, locale, page FROM nps.responses FINAL ORDER BY score');
    expect(rows.map((r) => [r.score, r.comment, r.touchpoint])).toEqual([
      [3, 'too slow', 'delivery'],
      [7, '', 'delivery'],
      [9, comment, 'checkout'],
    ]);
    expect(rows[2].page).toBe(shop.url);
    expect(new Set(rows.map((r) => r.id)).size).toBe(3);
    // The batch that was "refused" was stored, and sent again: duplicates before FINAL, none after.
    const [{ raw }] = await ch.rows('SELECT count() AS raw FROM nps.responses');
    expect(Number(raw)).toBeGreaterThan(3);
    // Every request was a CORS simple request: a POST as text/plain, never an OPTIONS.
    expect(posts.length).toBeGreaterThanOrEqual(2);
    expect(posts.every((p) => p.method === 'POST' && p.type === 'text/plain')).toBe(true);
    expect(await ch.rows("SELECT answered_at FROM nps.responses FINAL WHERE score = 9")).toHaveLength(1);
  });
});

/** A plain receiver: records each request (method, headers, body); answers CORS and 200. */
async function plainReceiver() {
  const requests = [];
  const port = await freePort();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      requests.push({ method: req.method, headers: req.headers, body });
      res.setHeader('Access-Control-Allow-Origin', '*');
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'POST');
        res.setHeader('Access-Control-Allow-Headers', 'content-type, apikey, prefer');
        res.writeHead(204).end();
      } else {
        res.writeHead(201).end();
      }
    });
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}/rest/v1/responses`, requests, close: () => new Promise((r) => server.close(r)) };
}

for (const c of [
  {
    name: 'json-array with an apikey header (PostgREST / Supabase): a preflight, then the array',
    attributes: { 'data-format': 'json-array', 'data-headers': '{"apikey":"anon-key","Prefer":"resolution=ignore-duplicates"}' },
    type: 'application/json',
    preflight: true,
    parse: (body) => JSON.parse(body),
  },
  {
    name: 'ndjson with its default type: a preflight (application/x-ndjson is not a simple type)',
    attributes: { 'data-format': 'ndjson' },
    type: 'application/x-ndjson',
    preflight: true,
    parse: (body) => body.split('\n').filter(Boolean).map((l) => JSON.parse(l)),
  },
  {
    name: 'nps as text/plain (Google Apps Script, Vector): no preflight, the batch object',
    attributes: { 'data-content-type': 'text/plain' },
    type: 'text/plain',
    preflight: false,
    parse: (body) => JSON.parse(body).responses,
  },
]) {
  test(`body formats: ${c.name}`, async ({ page }) => {
    const receiver = await plainReceiver();
    try {
      const shop = new HostPage(page, {
        attributes: { 'data-endpoint': receiver.url, 'data-trigger': 'manual', 'data-flush-ms': '100', ...c.attributes },
      });
      await shop.goto();
      // No route left: while one is, Playwright answers CORS preflights itself, and the
      // receiver must see them.
      await page.unrouteAll({ behavior: 'wait' });
      await shop.widgetReady();
      const comment = `plain receiver ${uniqueTag()}`;
      await page.evaluate(async (text) => {
        await window.NpsWidget.record({ score: 10, comment: text });
        await window.NpsWidget.record({ score: 2, properties: { order_id: 'A-9' } });
      }, comment);
      await expect.poll(() => shop.pending(), { timeout: 30_000 }).toBe(0);
      const posts = receiver.requests.filter((r) => r.method === 'POST');
      const options = receiver.requests.filter((r) => r.method === 'OPTIONS');
      expect(posts).toHaveLength(1);
      expect(options.length > 0, JSON.stringify(receiver.requests.map((r) => [r.method, r.headers]))).toBe(c.preflight);
      const post = posts[0];
      expect(post.headers['content-type']).toBe(c.type);
      if (c.attributes['data-headers']) {
        expect(post.headers.apikey).toBe('anon-key');
        expect(post.headers.prefer).toBe('resolution=ignore-duplicates');
      }
      const sent = c.parse(post.body);
      expect(sent.map((r) => [r.score, r.comment ?? null])).toEqual([[10, comment], [2, null]]);
      expect(sent[1].properties).toEqual({ order_id: 'A-9' });
      expect(Object.keys(sent[0]).sort()).toEqual(['answered_at', 'comment', 'id', 'locale', 'page', 'properties', 'score', 'touchpoint']);
    } finally {
      await receiver.close();
    }
  });
}

test('a bad data-format, data-content-type or data-headers: one clear error each, and the documented fallback', async ({
  page,
  guard,
  rows,
}) => {
  const shop = new HostPage(page, {
    attributes: {
      'data-format': 'csv',
      'data-content-type': 'json',
      'data-headers': 'apikey: x',
      'data-trigger': 'manual',
      'data-flush-ms': '100',
    },
  });
  await shop.goto();
  await shop.widgetReady();
  const errors = guard.console.filter((m) => m.type === 'error').map((m) => m.text);
  expect(errors).toEqual([
    'nps-widget: data-format must be nps, ndjson or json-array, got "csv"',
    'nps-widget: data-content-type must be a media type, e.g. text/plain, got "json"',
    'nps-widget: data-headers must be a JSON object of string header values, e.g. {"apikey": "…"}, got "apikey: x"',
  ]);
  // The fallback (nps body, application/json, no extra header) still reaches nps serve.
  const comment = `fallback ${uniqueTag()}`;
  await page.evaluate((text) => window.NpsWidget.record({ score: 8, comment: text }), comment);
  await expect.poll(async () => (await rows()).filter((r) => r.comment === comment).length, { timeout: 30_000 }).toBe(1);
  await expect(new NpsPrompt(page).host).toHaveCount(0);
});
