#!/usr/bin/env node
// Load benchmark: time from the loader's request start to an interactive prompt (11 radio buttons
// in the widget's shadow root, and the frame after them rendered), in headless Chromium against a
// real `nps serve`. Each load uses a fresh browser context (empty HTTP cache and storage). Also:
// long tasks during those loads; trigger (show) → interactive prompt, widget loaded (N shows in
// one page) and not yet loaded (a manual-trigger first visit, N fresh contexts).
//
//   node bench/load.mjs [--runs 20] [--cpu 4] [--net slow4g|fast4g] [--json]
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

function parseArgs(argv) {
  const opts = { runs: 20, cpu: 1, net: 'none', json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--runs') opts.runs = Number(value());
    else if (a === '--cpu') opts.cpu = Number(value());
    else if (a === '--net') opts.net = value();
    else if (a === '--json') opts.json = true;
    else throw new Error(`unknown argument ${a}; usage: load.mjs [--runs N] [--cpu RATE] [--net slow4g|fast4g] [--json]`);
  }
  if (!Number.isInteger(opts.runs) || opts.runs < 1) throw new Error(`--runs must be a positive integer, got ${opts.runs}`);
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


// Runs in the page before any of its scripts: notes when the prompt's radios exist, and every
// long task (a main-thread task over 50 ms, which would delay the host page's own input).
function instrument() {
  window.__npsLong = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__npsLong.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
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
  return { median: quantile(s, 0.5), p25: quantile(s, 0.25), p75: quantile(s, 0.75), min: s[0], max: s[s.length - 1] };
}

async function oneLoad(browser, url, opts) {
  const context = await browser.newContext();
  try {
    await context.addInitScript(instrument);
    const page = await context.newPage();
    if (opts.cpu > 1 || NETWORKS[opts.net]) {
      const cdp = await context.newCDPSession(page);
      if (opts.cpu > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: opts.cpu });
      if (NETWORKS[opts.net]) {
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions', { offline: false, ...NETWORKS[opts.net] });
      }
    }
    await page.goto(url);
    await page.waitForFunction(() => window.__npsPainted !== undefined, null, { timeout: 60_000, polling: 50 });
    await page.waitForTimeout(500); // long tasks right after the prompt count too
    return await page.evaluate(() => {
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
        sizes: { loader: bytes(loader), module: bytes(module), wasm: bytes(wasm) },
      };
    });
  } finally {
    await context.close();
  }
}

const fmt = (ms) => `${ms.toFixed(1)} ms`;

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
async function warmTrigger(browser, url, rounds) {
  const context = await browser.newContext();
  try {
    await context.addInitScript(instrument);
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => window.__npsPainted !== undefined, null, { timeout: 60_000, polling: 50 });
    return await page.evaluate(showRounds, rounds);
  } finally {
    await context.close();
  }
}

// Trigger → interactive prompt on a page where the widget was not loaded (trigger manual, a
// first visit: the loader only): show() fetches the module and the wasm, then shows.
async function coldTrigger(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.route(url, async (route) => {
      const response = await route.fetch();
      const html = (await response.text()).replace('data-delay-ms="0"', 'data-trigger="manual"');
      await route.fulfill({ response, body: html });
    });
    await page.goto(url);
    await page.waitForLoadState('networkidle');
    const loaded = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.includes('.wasm')).length);
    if (loaded) throw new Error('the manual-trigger page loaded the wasm before show()');
    return (await page.evaluate(showRounds, 1))[0];
  } finally {
    await context.close();
  }
}

// record() in local-only mode (each answer written to localStorage before it resolves) and
// stats() as the history grows: the time of each block of answers, and of stats() after it.
async function recordAndStats(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url);
    return await page.evaluate(async () => {
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
  } finally {
    await context.close();
  }
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
  let records = [];
  let warm = [];
  try {
    const url = server.url('/www/bench/prompt.html');
    await oneLoad(browser, url, opts); // warm-up (OS file cache, browser process), not counted
    for (let i = 0; i < opts.runs; i++) runs.push(await oneLoad(browser, url, opts));
    warm = await warmTrigger(browser, url, opts.runs);
    for (let i = 0; i < opts.runs; i++) cold.push(await coldTrigger(browser, url));
    records = await recordAndStats(browser, url);
  } finally {
    await browser.close();
    await server.dispose();
  }

  const loaderToInteractive = summary(runs.map((r) => r.painted - r.loaderStart));
  const loaderToRadios = summary(runs.map((r) => r.radios - r.loaderStart));
  const navToInteractive = summary(runs.map((r) => r.painted));
  const wasmFetch = summary(runs.map((r) => r.wasmEnd - r.wasmStart));
  const wasmEndToRadios = summary(runs.map((r) => r.radios - r.wasmEnd));
  const sizes = runs[runs.length - 1].sizes;
  const longTasks = runs.flatMap((r) => r.longTasks.map(([, d]) => d));
  if (process.env.NPS_BENCH_DEBUG) for (const r of runs) for (const [t, d] of r.longTasks) console.log(`long task at ${t.toFixed(0)} ms for ${d.toFixed(0)} ms; loader ${r.loaderStart.toFixed(0)}-${r.loaderEnd.toFixed(0)}, wasm ${r.wasmStart.toFixed(0)}-${r.wasmEnd.toFixed(0)}, radios ${r.radios.toFixed(0)}`);
  const warmDom = summary(warm.map((w) => w.dom));
  const warmPainted = summary(warm.map((w) => w.painted));
  const coldPainted = summary(cold.map((w) => w.painted));
  const result = {
    runs: opts.runs,
    cpuSlowdown: opts.cpu,
    network: opts.net,
    chromium: browser.version(),
    loaderStartToInteractiveMs: loaderToInteractive,
    loaderStartToRadiosInDomMs: loaderToRadios,
    navigationToInteractiveMs: navToInteractive,
    wasmDownloadMs: wasmFetch,
    wasmLoadedToRadiosMs: wasmEndToRadios,
    bytes: sizes,
    recordAndStats: records,
    longTasksDuringLoad: { loads: opts.runs, count: longTasks.length, longestMs: longTasks.length ? Math.max(...longTasks) : 0 },
    triggerToRadiosInDomMs: warmDom,
    triggerToInteractiveMs: warmPainted,
    triggerToInteractiveNotLoadedMs: coldPainted,
  };
  if (opts.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  const line = (label, s) =>
    console.log(`${label.padEnd(40)} median ${fmt(s.median).padStart(9)}   p25 ${fmt(s.p25).padStart(9)}   p75 ${fmt(s.p75).padStart(9)}   min ${fmt(s.min).padStart(9)}   max ${fmt(s.max).padStart(9)}`);
  console.log(`nps-widget load benchmark: ${opts.runs} cold loads (fresh context each), Chromium ${result.chromium}, ` +
    `CPU slowdown ${opts.cpu}x, network ${opts.net}`);
  line('loader start → interactive prompt', loaderToInteractive);
  line('loader start → 11 radios in the DOM', loaderToRadios);
  line('navigation start → interactive prompt', navToInteractive);
  line('wasm download', wasmFetch);
  line('wasm downloaded → radios in the DOM', wasmEndToRadios);
  line('trigger (show) → radios in the DOM', warmDom);
  line('trigger (show) → interactive prompt', warmPainted);
  line('show() on a page not loaded → interactive', coldPainted);
  console.log(`long tasks (> 50 ms) during ${opts.runs} loads: ${longTasks.length}` +
    (longTasks.length ? `, longest ${fmt(Math.max(...longTasks))}` : ''));
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
