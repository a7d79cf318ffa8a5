#!/usr/bin/env node
// Scorer benchmark (prints figures, asserts nothing): one CSV export scored in headless Chromium by
//   (a)  the wasm scorer on the page's main thread: a `Session` fed 4 MiB slices, then finish()
//        (the page's full pass: the report and the app's analysis);
//   (a′) the real scorer page's public API, `NpsScorer.scoreFile(file)`: its Web Workers (started
//        with the page), each streaming half of the file into a `Session` for the report alone;
//   (a″) the scorer page's app as a person uses it: the file chosen in its input, timed until its
//        results are shown (report and analysis read in the same workers, every view rendered);
//   (b)  the obvious hand-written JS: decode, split lines, split on commas, parseInt, count;
//   (c)  PapaParse with `header: true`, then counting;
//   and, for reference, reading the file's 4 MiB slices and nothing else ((a)'s floor; the
//   workers read as streams, two at once).
// All in one page (www/bench/score.html, scorers in www/bench/score-js.js), the file given to an
// <input type=file> as a user would; median of N timed rounds after one warm-up, the scorers taken
// in turn each round. Then one more run of each in a fresh page, for memory: the JS heap sampled
// inside the scorer (performance.memory, precise), the renderer process's peak RSS (VmHWM), and
// the wasm linear memory after the run.
//
//   node bench/score.mjs [--runs 5] [--json] [CSV]
//
// CSV: the argument, else $NPS_BENCH_CSV, else ../target/bench/responses-1m.csv (written by
// `cargo xtask bench`). Needs pkg/score/ (`cargo xtask build`) and www/node_modules (`npm ci`).
// Env: CHROMIUM_BIN (default /usr/bin/chromium). Serves the repository root itself on a free port.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from '@playwright/test';

const { freePort } = createRequire(import.meta.url)('../e2e/support/server.js');

const WWW = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = path.resolve(WWW, '..');
const DEFAULT_CSV = path.join(ROOT, 'target', 'bench', 'responses-1m.csv');

const LABELS = {
  wasm: '(a)  wasm Session, main thread',
  worker: '(a′) wasm scoreFile, Web Worker',
  app: '(a″) page app, file → views',
  plain: '(b)  plain JS split/parseInt',
  papa: '(c)  PapaParse header:true',
  read: '(–)  read 4 MiB slices only',
};
/** Not scorers: no counts to check, no ratio. */
const BASELINES = new Set(['read']);

function parseArgs(argv) {
  const opts = { runs: 5, json: false, csv: process.env.NPS_BENCH_CSV || DEFAULT_CSV };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') opts.runs = Number(argv[++i]);
    else if (a === '--json') opts.json = true;
    else if (a.startsWith('-')) throw new Error(`unknown argument ${a}; usage: score.mjs [--runs N] [--json] [CSV]`);
    else opts.csv = a;
  }
  if (!Number.isInteger(opts.runs) || opts.runs < 1) throw new Error(`--runs must be a positive integer, got ${opts.runs}`);
  opts.csv = path.resolve(opts.csv);
  return opts;
}


const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

/** A static server of the repository root on 127.0.0.1 (GET only, no directory listings). */
async function serveRoot() {
  const port = await freePort();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const file = path.join(ROOT, decodeURIComponent(url.pathname));
    if (req.method !== 'GET' || !file.startsWith(ROOT + path.sep)) {
      res.writeHead(404).end();
      return;
    }
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
        'Content-Length': st.size,
        'Cache-Control': 'no-store',
      });
      fs.createReadStream(file).pipe(res);
    });
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return { url: (p) => `http://127.0.0.1:${port}${p}`, close: () => new Promise((r) => server.close(r)) };
}

// Linux /proc: the Chromium renderers that descend from this process, with their RSS figures.
function procStatus(pid) {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => {
      const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
      return m ? Number(m[1]) * 1024 : NaN;
    };
    return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
  } catch {
    return null;
  }
}

function ourRenderers() {
  let entries;
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return new Map();
  }
  const parent = new Map();
  const renderer = new Set();
  for (const pid of entries) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(pid, stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) renderer.add(pid);
    } catch {
      // gone meanwhile
    }
  }
  const mine = String(process.pid);
  const descends = (pid) => {
    for (let p = pid, hops = 0; p && p !== '0' && hops < 64; p = parent.get(p), hops++) if (p === mine) return true;
    return false;
  };
  const out = new Map();
  for (const pid of renderer) {
    if (!descends(pid)) continue;
    const s = procStatus(pid);
    if (s) out.set(pid, s);
  }
  return out;
}

async function openBench(browser, server, csv) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url('/www/bench/score.html'));
  await page.locator('#bench-file').setInputFiles(csv);
  try {
    await page.evaluate(() => window.bench.ready);
  } catch (e) {
    throw new Error(`the bench page did not start: ${e.message}${errors.length ? `; page errors: ${errors.join('; ')}` : ''}`);
  }
  return { context, page };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mb = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1e6).toFixed(1)} MB` : 'n/a');

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(opts.csv)) {
    throw new Error(`${opts.csv} is missing: run \`cargo xtask bench\` once (it writes target/bench/responses-1m.csv), or pass a CSV`);
  }
  for (const f of ['pkg/score/page.js', 'pkg/score/nps_scorer.js', 'pkg/score/nps_scorer_bg.wasm', 'www/node_modules/papaparse/papaparse.min.js']) {
    if (!fs.existsSync(path.join(ROOT, f))) throw new Error(`${f} is missing: run \`cargo xtask build\` (pkg/score/) and \`npm ci\` in www/`);
  }
  const bytes = fs.statSync(opts.csv).size;
  const server = await serveRoot();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--js-flags=--expose-gc', '--enable-precise-memory-info'],
  });
  const times = {};
  const results = {};
  const memory = {};
  let names;
  let papaVersion;
  try {
    const { context, page } = await openBench(browser, server, opts.csv);
    names = await page.evaluate(() => window.bench.scorers);
    papaVersion = JSON.parse(fs.readFileSync(path.join(WWW, 'node_modules/papaparse/package.json'), 'utf8')).version;
    for (const name of names) {
      times[name] = [];
      results[name] = (await page.evaluate((n) => window.bench.run(n), name)).result; // warm-up
    }
    for (let round = 0; round < opts.runs; round++) {
      for (const name of names) {
        const r = await page.evaluate((n) => window.bench.run(n), name);
        times[name].push(r.ms / 1000);
        results[name] = r.result;
      }
    }
    await context.close();
    // Memory: each scorer once more, in a fresh page (a fresh renderer process).
    for (const name of names) {
      const before = ourRenderers();
      const fresh = await openBench(browser, server, opts.csv);
      const loaded = ourRenderers();
      const wasmBefore = await fresh.page.evaluate(() => window.bench.wasmMemoryBytes());
      const r = await fresh.page.evaluate((n) => window.bench.run(n, { measure: true }), name);
      const after = ourRenderers();
      // The page's renderer: among the renderers started for the fresh page (all of ours if the
      // browser reused one), the one whose peak grew the most during the run.
      const started = [...after.keys()].filter((p) => !before.has(p));
      let pid = null;
      let grew = -Infinity;
      for (const p of started.length ? started : [...after.keys()]) {
        const start = loaded.get(p);
        const growth = after.get(p).hwm - (start ? start.hwm : 0);
        if (growth > grew) {
          pid = p;
          grew = growth;
        }
      }
      memory[name] = {
        heapBase: r.heapBase,
        heapPeak: r.heapPeak,
        wasmBefore,
        wasmAfter: r.wasmMemoryBytes,
        rendererRssLoaded: pid && loaded.get(pid) ? loaded.get(pid).rss : NaN,
        rendererPeakRss: pid ? after.get(pid).hwm : NaN,
      };
      await fresh.context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }

  const rows = results.wasm ? results.wasm.n : NaN;
  const summary = {};
  for (const name of names) {
    const med = median(times[name]);
    summary[name] = {
      label: LABELS[name] || name,
      seconds: { median: med, min: Math.min(...times[name]), max: Math.max(...times[name]), all: times[name] },
      rowsPerSecond: rows / med,
      mbPerSecond: bytes / 1e6 / med,
      result: results[name],
      memory: memory[name],
    };
  }
  const ratio = (a, b) => summary[b].seconds.median / summary[a].seconds.median;
  const scorers = names.filter((n) => !BASELINES.has(n));
  const agree = scorers.every((n) => JSON.stringify(results[n]) === JSON.stringify(results[scorers[0]]));
  const out = {
    file: opts.csv,
    bytes,
    rows,
    runs: opts.runs,
    chromium: browser.version(),
    papaparse: papaVersion,
    scorers: summary,
    ratios: { wasmOverPlain: ratio('wasm', 'plain'), wasmOverPapa: ratio('wasm', 'papa'), workerOverPlain: ratio('worker', 'plain'), workerOverPapa: ratio('worker', 'papa'), appOverPlain: ratio('app', 'plain'), appOverPapa: ratio('app', 'papa') },
    agree,
  };
  if (opts.json) {
    console.log(JSON.stringify(out, null, 2));
    return;
  }

  console.log(`\nscorers in headless Chromium ${out.chromium}: ${path.relative(process.cwd(), opts.csv) || opts.csv} ` +
    `(${rows.toLocaleString('en-US')} rows, ${(bytes / 1e6).toFixed(1)} MB), median of ${opts.runs} after 1 warm-up; PapaParse ${papaVersion}`);
  const head = ['scorer'.padEnd(32), 'median s', '   min s', '   max s', '  M rows/s', '   MB/s', ' JS heap peak', ' renderer peak RSS', ' wasm memory'];
  console.log(head.join(' '));
  for (const name of names) {
    const s = summary[name];
    const m = s.memory;
    const base = BASELINES.has(name);
    const inWorkers = name === 'worker' || name === 'app';
    const heap = base ? '–' : inWorkers ? 'n/a (worker)' : `+${mb(m.heapPeak - m.heapBase)}`;
    const rss = Number.isFinite(m.rendererPeakRss) ? `${mb(m.rendererPeakRss)} (+${mb(m.rendererPeakRss - m.rendererRssLoaded)})` : 'n/a';
    const wasm = name === 'wasm' ? `${mb(m.wasmBefore)} → ${mb(m.wasmAfter)}` : inWorkers ? 'n/a (worker)' : '–';
    console.log([
      s.label.padEnd(32),
      s.seconds.median.toFixed(3).padStart(8),
      s.seconds.min.toFixed(3).padStart(8),
      s.seconds.max.toFixed(3).padStart(8),
      (base ? '–' : (s.rowsPerSecond / 1e6).toFixed(2)).padStart(10),
      s.mbPerSecond.toFixed(0).padStart(7),
      heap.padStart(13),
      rss.padStart(18),
      ` ${wasm}`,
    ].join(' '));
  }
  const r = out.ratios;
  console.log(`ratios (time of the other / time of wasm): wasm vs plain JS ${r.wasmOverPlain.toFixed(2)}x, wasm vs PapaParse ${r.wasmOverPapa.toFixed(2)}x; ` +
    `worker path vs plain JS ${r.workerOverPlain.toFixed(2)}x, vs PapaParse ${r.workerOverPapa.toFixed(2)}x; ` +
    `the page's app vs plain JS ${r.appOverPlain.toFixed(2)}x, vs PapaParse ${r.appOverPapa.toFixed(2)}x`);
  console.log('memory: one more run of each in a fresh page; JS heap peak = performance.memory.usedJSHeapSize sampled inside the scorer, above the idle page ' +
    '(wasm memory is not in it); renderer peak RSS = VmHWM of the page\'s renderer process (in brackets: above the loaded page); ' +
    'wasm memory = the linear memory before → after the run (1 MB = 10^6 bytes)');
  const fmt = (x) => (x ? `${x.n}/${x.promoters}/${x.detractors}` : 'none');
  console.log(`check n/promoters/detractors: ${scorers.map((n) => `${n} ${fmt(results[n])}`).join(', ')} → ${agree ? 'agree' : 'DISAGREE'}`);
}

main().catch((err) => {
  console.error(`bench/score.mjs: ${err && err.message ? err.message : err}`);
  process.exit(1);
});
