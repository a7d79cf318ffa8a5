#!/usr/bin/env node
// Queue benchmark: the cost of one `record()` with an endpoint configured, as the queue grows.
// The endpoint is a closed loopback port, so nothing is delivered and every answer stays queued
// (the first failure starts the backoff). For each size, a fresh browser context records that
// many answers (500 per task, as a busy page would), then times 500 more back-to-back
// `await record()` calls in one task, and reports where the answers are: queued, moved to the
// dead letters by the queue's bound, or kept in memory because storage was full. Then the
// endpoint comes back (a real `nps serve`): the time for `flush()` to deliver everything queued,
// the long tasks (> 50 ms) meanwhile, and the rows counted in the receiver.
//
//   node bench/queue.mjs [--sizes 1000,10000,50000] [--json]
//
// Env: NPS_BIN (default ../target/release/nps), CHROMIUM_BIN (default /usr/bin/chromium).
// Needs pkg/ built (`cargo xtask build`).
import { createRequire } from 'node:module';
import { chromium } from '@playwright/test';

const require = createRequire(import.meta.url);
const { NpsServer, freePort } = require('../e2e/support/server.js');
const { readResponses } = require('../e2e/support/db.js');
const rowCount = async (server) => (await readResponses(server.dbPath)).length;

const TIMED = 500;

function parseArgs(argv) {
  const opts = { sizes: [1000, 10000, 50000], json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--sizes') {
      const v = argv[++i];
      opts.sizes = String(v).split(',').map(Number);
      if (!opts.sizes.every((n) => Number.isInteger(n) && n >= 0)) {
        throw new Error(`--sizes takes whole numbers separated by commas, got ${v}`);
      }
    } else if (a === '--json') opts.json = true;
    else throw new Error(`unknown argument ${a}; usage: queue.mjs [--sizes 1000,10000,50000] [--json]`);
  }
  return opts;
}

/** In the page: `size` answers recorded 500 per task, then TIMED timed back-to-back, then the
 * endpoint back (`endpoint`) and everything flushed. */
function fillAndTime([size, timed, endpoint]) {
  return (async () => {
    const W = window.NpsWidget;
    const errors = [];
    W.on('error', (d) => errors.push(d.kind));
    await W.init({ endpoint: 'http://127.0.0.1:9/v1/responses', trigger: 'manual', touchpoint: 'bench', flushMs: 600000 });
    const fill0 = performance.now();
    for (let n = 0; n < size;) {
      for (const end = Math.min(size, n + 500); n < end; n++) await W.record({ score: n % 11, comment: 'queued ' + n });
      await new Promise((r) => setTimeout(r, 0));
      if (n % 5000 === 0) console.log(`queue.mjs: ${n} of ${size} recorded, ${((performance.now() - fill0) / 1000).toFixed(1)} s`);
    }
    const fillMs = performance.now() - fill0;
    const each = [];
    for (let i = 0; i < timed; i++) {
      const t0 = performance.now();
      await W.record({ score: i % 11, comment: 'timed ' + i });
      each.push(performance.now() - t0);
    }
    let storedKeys = 0;
    for (let i = 0; i < localStorage.length; i++) if (localStorage.key(i).startsWith('nps-widget:queue:')) storedKeys++;
    const dead = W.deadLetters();
    const pending = W.pending();
    const long = [];
    new PerformanceObserver((l) => l.getEntries().forEach((e) => long.push(e.duration))).observe({ type: 'longtask' });
    await W.init({ endpoint, trigger: 'manual', touchpoint: 'bench', flushMs: 600000, batchSize: 50 });
    const drain0 = performance.now();
    const flushed = await W.flush();
    const drainMs = performance.now() - drain0;
    await new Promise((r) => setTimeout(r, 100));
    return {
      drainMs,
      sent: flushed.sent,
      left: flushed.pending,
      longTasks: long.length,
      longestTask: Math.max(0, ...long),
      fillMs,
      each,
      pending,
      queueFull: dead.filter((d) => d.reason === 'queue-full').length,
      deadLetters: dead.length,
      storedKeys,
      queueFullEvents: errors.filter((k) => k === 'queue-full').length,
    };
  })();
}

function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const port = await freePort();
  const server = new NpsServer({ port });
  await server.start();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium' });
  const rows = [];
  try {
    for (const size of opts.sizes) {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        page.on('console', (m) => { if (m.text().startsWith('queue.mjs')) console.error(m.text()); });
        await page.goto(`http://127.0.0.1:${port}/www/bench/prompt.html`);
        await page.waitForFunction(() => window.NpsWidget !== undefined);
        const before = await rowCount(server);
        const r = await page.evaluate(fillAndTime, [size, TIMED, `http://127.0.0.1:${port}/v1/responses`]);
        const stored = (await rowCount(server)) - before;
        const s = [...r.each].sort((a, b) => a - b);
        const mean = r.each.reduce((a, b) => a + b, 0) / r.each.length;
        rows.push({
          size,
          perCall: { median: quantile(s, 0.5), p95: quantile(s, 0.95), max: s[s.length - 1], mean },
          fillPerAnswer: size ? r.fillMs / size : 0,
          pending: r.pending,
          queueFull: r.queueFull,
          deadLetters: r.deadLetters,
          storedKeys: r.storedKeys,
          queueFullEvents: r.queueFullEvents,
          drain: { ms: r.drainMs, sent: r.sent, left: r.left, stored, longTasks: r.longTasks, longestTask: r.longestTask },
        });
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  if (opts.json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  const ms = (v) => `${v.toFixed(3)} ms`;
  console.log(`record() with an endpoint (unreachable: everything stays queued), ${TIMED} timed back-to-back calls after each size`);
  console.log('answers before | per call median | p95 | max | mean | fill, per answer | pending after | queue-full dead letters (events) | entries in localStorage');
  for (const r of rows) {
    console.log([
      String(r.size).padStart(14),
      ms(r.perCall.median).padStart(15),
      ms(r.perCall.p95),
      ms(r.perCall.max),
      ms(r.perCall.mean),
      ms(r.fillPerAnswer).padStart(16),
      String(r.pending).padStart(13),
      `${r.queueFull} (${r.queueFullEvents})`.padStart(32),
      String(r.storedKeys).padStart(23),
    ].join(' | '));
  }
  console.log('then the endpoint back: flush() delivers the queue (batches of 50)');
  console.log('answers before | flush() took | sent | left | rows stored | long tasks (longest)');
  for (const r of rows) {
    const d = r.drain;
    console.log([
      String(r.size).padStart(14),
      `${(d.ms / 1000).toFixed(2)} s`.padStart(12),
      String(d.sent).padStart(4),
      String(d.left).padStart(4),
      String(d.stored).padStart(11),
      `${d.longTasks} (${d.longestTask.toFixed(0)} ms)`,
    ].join(' | '));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
