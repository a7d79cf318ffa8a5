#!/usr/bin/env node
// Load benchmark, in headless Chromium against a real `nps serve`, on www/bench/prompt.html (the
// README snippet, the popup shown at once):
// - loader start → interactive prompt (11 radio buttons in the widget's shadow root, and the frame
//   after them rendered), cold (a fresh browser context each: empty HTTP cache and storage) and
//   cached (one context, the HTTP cache warm from a first load; the visitor did not answer, so
//   each load asks again), median and p95;
// - the long tasks (a main-thread task over 50 ms: it delays the host page's own input) and the
//   layout shifts of those loads, and of an answer (click a score, type a comment, send, until
//   the receiver answered the POST);
// - the JS heap and the wasm memory after 1 000 answers recorded through `NpsWidget.record()`,
//   kept queued (the endpoint refuses connections) and delivered (to the receiver);
// - trigger (show) → interactive prompt, widget loaded (N shows in one page) and not yet loaded
//   (a manual-trigger first visit, N fresh contexts, which also shows what a visitor not asked
//   downloads); `record()` local-only as the history grows.
//
//   node bench/load.mjs [--runs 30] [--answers 10] [--memory-answers 1000] [--cpu 4] [--net slow4g|fast4g] [--json]
//
// Env: NPS_BIN (default ../target/release/nps), CHROMIUM_BIN (default /usr/bin/chromium).
// Needs pkg/ built (`cargo xtask build`).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';

const require = createRequire(import.meta.url);
const { NpsServer, freePort } = require('../e2e/support/server.js');
const { PKG } = require('../e2e/support/paths.js');
const { readResponses } = require('../e2e/support/db.js');

function parseArgs(argv) {
  const opts = { runs: 30, answers: 10, memoryAnswers: 1000, cpu: 1, net: 'none', json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--runs') opts.runs = Number(value());
    else if (a === '--answers') opts.answers = Number(value());
    else if (a === '--memory-answers') opts.memoryAnswers = Number(value());
    else if (a === '--cpu') opts.cpu = Number(value());
    else if (a === '--net') opts.net = value();
    else if (a === '--json') opts.json = true;
    else throw new Error(`unknown argument ${a}; usage: load.mjs [--runs N] [--answers N] [--memory-answers N] [--cpu RATE] [--net slow4g|fast4g] [--json]`);
  }
  for (const key of ['runs', 'answers', 'memoryAnswers']) {
    if (!Number.isInteger(opts[key]) || opts[key] < 1) throw new Error(`--${key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} must be a positive integer, got ${opts[key]}`);
  }
  if (!(opts.cpu >= 1)) throw new Error(`--cpu must be a number ≥ 1 (slowdown factor), got ${opts.cpu}`);
  if (!(opts.net in NETWORKS)) throw new Error(`--net must be one of ${Object.keys(NETWORKS).join(', ')}, got ${opts.net}`);
  return opts;
}

// Chrome DevTools presets (latency ms, throughput bytes/s).
const NETWORKS = {
  none: null,
  fast4g: { latency: 150 * 0.575, downloadThroughput: (9 * 1024 * 1024) / 8 * 0.9, uploadThroughput: (1.5 * 1024 * 1024) / 8 * 0.9 },
  slow4g: { latency: 150 * 3.75, downloadThroughput: (1.6 * 1024 * 1024) / 8 * 0.9, uploadThroughput: (750 * 1024) / 8 * 0.9 },
};

/** The endpoint of prompt.html's snippet (the e2e receiver's port, not the bench's). */
const SNIPPET_ENDPOINT = 'http://127.0.0.1:8080/v1/responses';

/** An endpoint that refuses connections (nothing listens on loopback port 9): answers stay queued. */
const REFUSING_ENDPOINT = 'http://127.0.0.1:9/v1/responses';

const COMMENT = 'Fast delivery, thank you';

// Runs in the page before any of its scripts: notes when the prompt's radios exist, every long
// task, and every layout shift, with whether it moved a node of the host page (a source outside
// the widget's element; the prompt growing by its follow-up moves only itself).
function instrument() {
  window.__npsLong = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__npsLong.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
  window.__npsShifts = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const host = e.sources.some((s) => s.node && s.node.getRootNode() === document &&
        !(s.node.closest && s.node.closest('[data-nps-widget]')));
      window.__npsShifts.push({ start: e.startTime, value: e.value, input: e.hadRecentInput, host });
    }
  }).observe({ type: 'layout-shift', buffered: true });
  const original = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function attachShadow(init) {
    const root = original.call(this, init);
    const observer = new MutationObserver(() => {
      if (window.__npsRadios === undefined && root.querySelectorAll('[role="radio"]').length === 11) {
        window.__npsRadios = performance.now();
        observer.disconnect();
        requestAnimationFrame(() => setTimeout(() => (window.__npsPainted = performance.now()), 0));
      }
    });
    observer.observe(root, { childList: true, subtree: true });
    return root;
  };
}

function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function summary(values) {
  const s = [...values].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), p95: quantile(s, 0.95), p25: quantile(s, 0.25), p75: quantile(s, 0.75), min: s[0], max: s[s.length - 1] };
}

/** Serves prompt.html to `context` with `change` applied to its text (the file stays the README snippet). */
async function changePage(context, url, change) {
  await context.route(url, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: change(await response.text()) });
  });
}

/** CPU and network throttling of `page`, as asked on the command line. */
async function throttle(context, page, opts) {
  if (opts.cpu === 1 && !NETWORKS[opts.net]) return;
  const cdp = await context.newCDPSession(page);
  if (opts.cpu > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: opts.cpu });
  if (NETWORKS[opts.net]) {
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, ...NETWORKS[opts.net] });
  }
}

/** A fresh browser context (empty HTTP cache and storage) and a page in it, given to `use(page,
 * context)` and closed after it. `instrumented`: instrument() runs in each page before its
 * scripts; `change`: prompt.html at `url` served with `change` applied (changePage); `opts`: the
 * page throttled as asked on the command line. */
async function inContext(browser, { url, change, instrumented = false, opts } = {}, use) {
  const context = await browser.newContext();
  try {
    if (instrumented) await context.addInitScript(instrument);
    if (change) await changePage(context, url, change);
    const page = await context.newPage();
    if (opts) await throttle(context, page, opts);
    return await use(page, context);
  } finally {
    await context.close();
  }
}

/** Opens `url` in `page` (instrumented), waits for the interactive prompt and 500 ms more (long
 * tasks and shifts right after it count too); the load's timings, long tasks, shifts and bytes. */
async function measureLoad(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => window.__npsPainted !== undefined, null, { timeout: 60_000, polling: 50 });
  await page.waitForTimeout(500);
  return page.evaluate(() => {
    const entries = performance.getEntriesByType('resource');
    const find = (suffix) => entries.find((e) => new URL(e.name).pathname.endsWith(suffix));
    const loader = find('/nps-widget.js');
    const module = find('/nps_widget.js');
    const wasm = find('.wasm');
    const bytes = (e) => (e ? { transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize } : null);
    return {
      loaderStart: loader ? loader.startTime : NaN,
      loaderEnd: loader ? loader.responseEnd : NaN,
      moduleEnd: module ? module.responseEnd : NaN,
      wasmStart: wasm ? wasm.startTime : NaN,
      wasmEnd: wasm ? wasm.responseEnd : NaN,
      radios: window.__npsRadios,
      painted: window.__npsPainted,
      longTasks: [...window.__npsLong],
      shifts: [...window.__npsShifts],
      // Files of pkg/ that came from the HTTP cache without a request (transfer size 0).
      fromCache: [loader, module, wasm].filter((e) => e && e.transferSize === 0).length,
      sizes: { loader: bytes(loader), module: bytes(module), wasm: bytes(wasm) },
    };
  });
}

/** A first visit: a fresh context (empty HTTP cache and storage). */
function coldLoad(browser, url, opts) {
  return inContext(browser, { instrumented: true, opts }, (page) => measureLoad(page, url));
}

/** `runs` visits of a returning visitor: one context, its HTTP cache warm from a first load (not
 * counted). Nothing was answered, so each visit asks again and loads the widget. */
function cachedLoads(browser, url, opts) {
  return inContext(browser, { instrumented: true, opts }, async (page) => {
    await measureLoad(page, url);
    const out = [];
    for (let i = 0; i < opts.runs; i++) out.push(await measureLoad(page, url));
    return out;
  });
}

/** One visitor answers: the prompt loaded (a fresh context, prompt.html posting to `endpoint`),
 * then click 9, type a comment key by key, send, until the thank-you and the receiver's answer
 * to the POST (after data-flush-ms, 5 s). The long tasks and shifts from the click on. */
function oneAnswer(browser, url, endpoint) {
  const change = (html) => html.replace(SNIPPET_ENDPOINT, endpoint);
  return inContext(browser, { url, change, instrumented: true }, async (page) => {
    await measureLoad(page, url);
    const widget = page.locator('[data-nps-widget]');
    const posted = page.waitForResponse((r) => r.url() === endpoint && r.request().method() === 'POST', { timeout: 30_000 });
    const t0 = await page.evaluate(() => performance.now());
    await widget.getByRole('radio', { name: '9', exact: true }).click();
    await widget.locator('textarea').pressSequentially(COMMENT);
    await widget.getByRole('button', { name: 'Send', exact: true }).click();
    await widget.getByRole('status').filter({ hasText: 'Thank you' }).waitFor();
    const status = (await posted).status();
    await page.waitForTimeout(500);
    return page.evaluate(([t0, status]) => ({
      status,
      longTasks: window.__npsLong.filter(([start]) => start >= t0),
      shifts: window.__npsShifts.filter((s) => s.start >= t0),
    }), [t0, status]);
  });
}

/** The page's JS heap (after a full garbage collection) and its wasm memories' sizes, by CDP:
 * `Runtime.getHeapUsage`, and the WebAssembly.Memory objects on the heap (`queryObjects`). */
async function memory(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const { result: proto } = await cdp.send('Runtime.evaluate', { expression: 'WebAssembly.Memory.prototype' });
  const { objects } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.objectId });
  const { result } = await cdp.send('Runtime.callFunctionOn', {
    objectId: objects.objectId,
    functionDeclaration: 'function () { return this.map((m) => m.buffer.byteLength); }',
    returnByValue: true,
  });
  return { jsHeap: heap.usedSize, wasm: result.value.reduce((a, b) => a + b, 0), memories: result.value.length };
}

/** `n` answers through `NpsWidget.record()` on prompt.html posting to `endpoint` (trigger manual:
 * no prompt), 100 per task as an import would; memory before and after. With `server` (the
 * receiver behind `endpoint`), each 100 are delivered (`flush()`) before the next, as answers
 * given over a page's life would be, and counted in its database. Wasm memory only grows: its
 * size is the most the widget ever held at once (a send loop reads the whole queue). */
function memoryAfterAnswers(browser, url, endpoint, n, server) {
  const change = (html) => html.replace(SNIPPET_ENDPOINT, endpoint).replace('data-delay-ms="0"', 'data-trigger="manual"');
  return inContext(browser, { url, change }, async (page, context) => {
    await page.goto(url);
    await page.evaluate(() => window.NpsWidget.ready);
    const cdp = await context.newCDPSession(page);
    const before = await memory(cdp);
    const rowsBefore = server ? (await readResponses(server.dbPath)).length : 0;
    await page.evaluate(async ([n, comment, deliver]) => {
      const W = window.NpsWidget;
      for (let i = 0; i < n;) {
        for (const end = Math.min(n, i + 100); i < end; i++) await W.record({ score: i % 11, comment: `${comment} ${i}` });
        if (deliver) await W.flush();
        await new Promise((r) => setTimeout(r, 0));
      }
    }, [n, COMMENT, Boolean(server)]);
    const pending = await page.evaluate(() => window.NpsWidget.pending());
    const stored = server ? (await readResponses(server.dbPath)).length - rowsBefore : 0;
    return { before, after: await memory(cdp), pending, stored };
  });
}

const fmt = (ms) => `${ms.toFixed(1)} ms`;
const mb = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;

/** In the page: show() with {force: true}, then the time until the 11 radios are in the DOM and
 * until the frame after them; `rounds` times, the prompt hidden in between. */
function showRounds(rounds) {
  const radios = () => {
    const host = document.querySelector('[data-nps-widget]');
    return host && host.shadowRoot ? host.shadowRoot.querySelectorAll('[role="radio"]').length : 0;
  };
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return (async () => {
    const out = [];
    for (let i = 0; i < rounds; i++) {
      window.NpsWidget.hide();
      await frame();
      const t0 = performance.now();
      window.NpsWidget.show({}, { force: true });
      while (radios() !== 11) await new Promise((r) => setTimeout(r, 1));
      const dom = performance.now() - t0;
      await frame();
      out.push({ dom, painted: performance.now() - t0 });
    }
    return out;
  })();
}

// Trigger → interactive prompt with the widget loaded (what an auto trigger or a page's show()
// costs once the visitor is eligible): `rounds` shows in one page.
function warmTrigger(browser, url, rounds) {
  return inContext(browser, { instrumented: true }, async (page) => {
    await page.goto(url);
    await page.waitForFunction(() => window.__npsPainted !== undefined, null, { timeout: 60_000, polling: 50 });
    return page.evaluate(showRounds, rounds);
  });
}

// Trigger → interactive prompt on a page where the widget was not loaded (trigger manual, a
// first visit: a visitor not asked, the loader only): show() fetches the module and the wasm,
// then shows. Also what that page fetched from pkg/ before show().
function coldTrigger(browser, url) {
  const change = (html) => html.replace('data-delay-ms="0"', 'data-trigger="manual"');
  return inContext(browser, { url, change }, async (page) => {
    await page.goto(url);
    await page.waitForLoadState('networkidle');
    const fetched = await page.evaluate(() => performance.getEntriesByType('resource')
      .map((e) => new URL(e.name).pathname).filter((p) => p.startsWith('/pkg/')));
    if (fetched.some((p) => p.endsWith('.wasm'))) throw new Error('the manual-trigger page loaded the wasm before show()');
    return { ...(await page.evaluate(showRounds, 1))[0], fetched };
  });
}

// record() in local-only mode (each answer written to localStorage before it resolves) and
// stats() as the history grows: the time of each block of answers, and of stats() after it.
function recordAndStats(browser, url) {
  return inContext(browser, {}, async (page) => {
    await page.goto(url);
    return page.evaluate(async () => {
      await NpsWidget.init({ touchpoint: 'bench', trigger: 'manual' });
      const blocks = [];
      let n = 0;
      for (const upTo of [1000, 10000, 20000]) {
        const from = upTo - 1000; // time the last 1000 answers of each block
        for (; n < from; n++) await NpsWidget.record({ score: n % 11 });
        const t0 = performance.now();
        for (; n < upTo; n++) await NpsWidget.record({ score: n % 11 });
        const t1 = performance.now();
        const s = NpsWidget.stats('bench');
        const t2 = performance.now();
        blocks.push({ answers: upTo, recordUs: t1 - t0 /* ms per 1000 answers = µs per answer */, statsMs: t2 - t1, n: s.n });
      }
      return blocks;
    });
  });
}

/** Long tasks of `runs` (each a list of [start, duration]): count, runs with one, longest. */
function longTaskSummary(runs) {
  const all = runs.flatMap((r) => r.map(([, d]) => d));
  return { runs: runs.length, count: all.length, runsWithOne: runs.filter((r) => r.length).length, longestMs: all.length ? Math.max(...all) : 0 };
}

/** Layout shifts of `runs` (each a list of entries): the sum of all values, of those without recent
 * input (what CLS counts), and of those that moved a node of the host page; the largest per run. */
function shiftSummary(runs) {
  const sum = (list) => list.reduce((a, s) => a + s.value, 0);
  return {
    runs: runs.length,
    entries: runs.reduce((a, r) => a + r.length, 0),
    total: sum(runs.flat()),
    withoutInput: sum(runs.flat().filter((s) => !s.input)),
    hostPage: sum(runs.flat().filter((s) => s.host)),
    hostPageEntries: runs.flat().filter((s) => s.host).length,
    largestPerRun: Math.max(0, ...runs.map(sum)),
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  for (const f of ['nps-widget.js', 'nps_widget.js', 'nps_widget_bg.wasm']) {
    if (!fs.existsSync(path.join(PKG, f))) throw new Error(`${path.join(PKG, f)} is missing: run \`cargo xtask build\` first`);
  }
  const server = new NpsServer({ port: await freePort() });
  await server.start();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const runs = [];
  const cold = [];
  const answers = [];
  let cached = [];
  let records = [];
  let warm = [];
  let queued = null;
  let delivered = null;
  let phase = 'a warm-up load';
  try {
    const url = server.url('/www/bench/prompt.html');
    const endpoint = server.url('/v1/responses');
    await coldLoad(browser, url, opts); // warm-up (OS file cache, browser process), not counted
    phase = 'cold loads';
    for (let i = 0; i < opts.runs; i++) runs.push(await coldLoad(browser, url, opts));
    phase = 'cached loads';
    cached = await cachedLoads(browser, url, opts);
    phase = 'answers';
    for (let i = 0; i < opts.answers; i++) answers.push(await oneAnswer(browser, url, endpoint));
    phase = 'memory after answers';
    queued = await memoryAfterAnswers(browser, url, REFUSING_ENDPOINT, opts.memoryAnswers, null);
    delivered = await memoryAfterAnswers(browser, url, endpoint, opts.memoryAnswers, server);
    phase = 'show() with the widget loaded';
    warm = await warmTrigger(browser, url, opts.runs);
    phase = 'show() on a page not loaded';
    for (let i = 0; i < opts.runs; i++) cold.push(await coldTrigger(browser, url));
    phase = 'record() local-only';
    records = await recordAndStats(browser, url);
  } catch (e) {
    throw new Error(`${phase}: ${e && e.message ? e.message : e}`);
  } finally {
    await browser.close();
    await server.dispose();
  }

  const loaderToInteractive = summary(runs.map((r) => r.painted - r.loaderStart));
  const cachedToInteractive = summary(cached.map((r) => r.painted - r.loaderStart));
  const loaderToRadios = summary(runs.map((r) => r.radios - r.loaderStart));
  const navToInteractive = summary(runs.map((r) => r.painted));
  const wasmFetch = summary(runs.map((r) => r.wasmEnd - r.wasmStart));
  const wasmEndToRadios = summary(runs.map((r) => r.radios - r.wasmEnd));
  const sizes = runs[runs.length - 1].sizes;
  if (process.env.NPS_BENCH_DEBUG) for (const r of runs) for (const [t, d] of r.longTasks) console.log(`long task at ${t.toFixed(0)} ms for ${d.toFixed(0)} ms; loader ${r.loaderStart.toFixed(0)}-${r.loaderEnd.toFixed(0)}, wasm ${r.wasmStart.toFixed(0)}-${r.wasmEnd.toFixed(0)}, radios ${r.radios.toFixed(0)}`);
  const warmDom = summary(warm.map((w) => w.dom));
  const warmPainted = summary(warm.map((w) => w.painted));
  const coldPainted = summary(cold.map((w) => w.painted));
  const notAsked = [...new Set(cold.map((c) => c.fetched.join(' ')))];
  const result = {
    runs: opts.runs,
    cpuSlowdown: opts.cpu,
    network: opts.net,
    chromium: browser.version(),
    loaderStartToInteractiveMs: loaderToInteractive,
    loaderStartToInteractiveCachedMs: cachedToInteractive,
    cachedFilesFromCache: summary(cached.map((r) => r.fromCache)),
    loaderStartToRadiosInDomMs: loaderToRadios,
    navigationToInteractiveMs: navToInteractive,
    wasmDownloadMs: wasmFetch,
    wasmLoadedToRadiosMs: wasmEndToRadios,
    bytes: sizes,
    recordAndStats: records,
    longTasksDuringLoad: longTaskSummary(runs.map((r) => r.longTasks)),
    longTasksDuringCachedLoad: longTaskSummary(cached.map((r) => r.longTasks)),
    layoutShiftDuringLoad: shiftSummary([...runs, ...cached].map((r) => r.shifts)),
    answer: {
      answers: opts.answers,
      statuses: answers.map((a) => a.status),
      longTasks: longTaskSummary(answers.map((a) => a.longTasks)),
      layoutShift: shiftSummary(answers.map((a) => a.shifts)),
    },
    memoryAfterAnswers: { answers: opts.memoryAnswers, queued, delivered },
    notAskedFetched: notAsked,
    triggerToRadiosInDomMs: warmDom,
    triggerToInteractiveMs: warmPainted,
    triggerToInteractiveNotLoadedMs: coldPainted,
  };
  if (opts.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  const line = (label, s) =>
    console.log(`${label.padEnd(44)} median ${fmt(s.median).padStart(9)}   p95 ${fmt(s.p95).padStart(9)}   min ${fmt(s.min).padStart(9)}   max ${fmt(s.max).padStart(9)}`);
  const long = (label, l) => console.log(`${label.padEnd(44)} ${l.count} in ${l.runs}` +
    (l.count ? ` (in ${l.runsWithOne} of them), longest ${fmt(l.longestMs)}` : ''));
  const shift = (label, s) => console.log(`${label.padEnd(44)} host page ${s.hostPage.toFixed(4)} (${s.hostPageEntries} entries)   ` +
    `without recent input (CLS) ${s.withoutInput.toFixed(4)}   all ${s.total.toFixed(4)} (${s.entries} entries, the prompt's own growth included)`);
  console.log(`nps-widget load benchmark: ${opts.runs} loads cold (a fresh context each) and ${opts.runs} cached ` +
    `(one context, HTTP cache warm), Chromium ${result.chromium}, CPU slowdown ${opts.cpu}x, network ${opts.net}`);
  line('loader start → interactive prompt, cold', loaderToInteractive);
  line('loader start → interactive prompt, cached', cachedToInteractive);
  console.log(`${''.padEnd(44)} (cached: ${result.cachedFilesFromCache.median} of 3 pkg/ files from the HTTP cache without a request, median)`);
  line('loader start → 11 radios in the DOM, cold', loaderToRadios);
  line('navigation start → interactive prompt, cold', navToInteractive);
  line('wasm download, cold', wasmFetch);
  line('wasm downloaded → radios in the DOM, cold', wasmEndToRadios);
  long('long tasks (> 50 ms) during cold loads', result.longTasksDuringLoad);
  long('long tasks (> 50 ms) during cached loads', result.longTasksDuringCachedLoad);
  shift(`layout shift in ${runs.length + cached.length} loads`, result.layoutShiftDuringLoad);
  const a = result.answer;
  console.log(`answers: ${a.answers} visitors click 9, type "${COMMENT}", send; until the receiver answered the POST ` +
    `(HTTP ${[...new Set(a.statuses)].join(', ')})`);
  long('long tasks (> 50 ms) during an answer', a.longTasks);
  shift('layout shift during an answer', a.layoutShift);
  for (const [how, m] of [['queued (the endpoint refuses connections)', queued], ['delivered (to nps serve, each 100 before the next)', delivered]]) {
    console.log(`memory after ${opts.memoryAnswers} answers by NpsWidget.record(), ${how}: JS heap ${mb(m.before.jsHeap)} → ${mb(m.after.jsHeap)}, ` +
      `wasm memory ${mb(m.before.wasm)} → ${mb(m.after.wasm)}, together ${mb(m.after.jsHeap + m.after.wasm)} ` +
      `(${m.pending} pending${m.stored ? `, ${m.stored} rows stored` : ''})`);
  }
  console.log(`a visitor not asked (a manual-trigger page, first visit) fetched from pkg/: ${notAsked.map((f) => f || 'nothing').join(' | ')} (${cold.length} visits)`);
  line('trigger (show) → radios in the DOM', warmDom);
  line('trigger (show) → interactive prompt', warmPainted);
  line('show() on a page not loaded → interactive', coldPainted);
  for (const [name, b] of Object.entries(sizes)) {
    if (b) console.log(`${name.padEnd(8)} transferred ${b.transfer} B (body ${b.encoded} B on the wire, ${b.decoded} B decoded)`);
  }
  for (const r of records) {
    console.log(`record() local-only, answers ${String(r.answers - 999).padStart(5)}..${String(r.answers).padEnd(5)} ` +
      `${r.recordUs.toFixed(1).padStart(7)} µs each; then stats() ${r.statsMs.toFixed(2)} ms (n = ${r.n})`);
  }
}

main().catch((err) => {
  console.error(`bench/load.mjs: ${err && err.message ? err.message : err}`);
  process.exit(1);
});
