// The scorer page's runtime (www/score.html, docs/contract.md §7): compiles the scorer's wasm
// once, runs the Leptos app and `scoreText` on the main thread, reads files in module Web
// Workers (worker.js; two at once for a large file; cancelling is terminating them) and defines
// window.NpsScorer. Everything is fetched while the page loads — the wasm, compiled once and
// handed to each worker, and the worker's code (one bundle, started from a blob: URL) — so
// nothing is requested afterwards.
import init, { mount, scoreText } from './nps_scorer.js';

let workerUrl = null;

// As many workers as read a file at once (two where there are two cores).
const POOL = (navigator.hardwareConcurrency || 1) >= 2 ? 2 : 1;

// Idle workers, their wasm instantiated: started while the page loads, and each kept for the
// next file once it has read its part of one. Starting a worker (its code, then the wasm
// instance) takes tens of milliseconds, which a file no longer waits for. A worker that is
// terminated (cancelled, failed, or a second part not needed) is replaced by a fresh one.
const idle = [];
let started = 0;

function spawn(module) {
  const worker = new Worker(workerUrl, { type: 'module' });
  worker.postMessage({ warm: module });
  started++;
  return worker;
}

// A worker for the next file: an idle one, else a new one.
function take(module) {
  return idle.pop() || spawn(module);
}

function end(worker) {
  worker.terminate();
  started--;
}

// Back to the idle ones, its handlers gone (ended if POOL are idle: files read at once by
// more than POOL workers).
function release(worker) {
  worker.onmessage = null;
  worker.onerror = null;
  if (idle.length < POOL) idle.push(worker);
  else end(worker);
}

// Starts workers until POOL are (idle or busy).
function refill(module) {
  while (started < POOL) idle.push(spawn(module));
}

const compiled = (async () => {
  const [module, code] = await Promise.all([
    WebAssembly.compileStreaming(fetch(new URL('nps_scorer_bg.wasm', import.meta.url))),
    fetch(new URL('worker.js', import.meta.url)).then((r) => r.text()),
  ]);
  workerUrl = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  refill(module);
  await init({ module_or_path: module });
  return module;
})();

function abortError() {
  return new DOMException('the scoring was cancelled', 'AbortError');
}

// Files from this size are read by two workers at once, where there are two cores.
const SPLIT_MIN = 8 << 20;

// Where the second worker starts: the line start after the middle of the file, or null. It may
// fall inside a quoted field; then the first worker does not stand between two records there,
// and reads on itself (the counts are the same, it only takes longer).
async function splitPoint(file) {
  if (file.size < SPLIT_MIN || POOL < 2) return null;
  const mid = Math.floor(file.size / 2);
  const bytes = new Uint8Array(await file.slice(mid, mid + (64 << 10)).arrayBuffer());
  const lf = bytes.indexOf(10);
  return lf < 0 || mid + lf + 1 >= file.size ? null : mid + lf + 1;
}

// Reads and scores `file` in workers (worker.js): resolves to {report, analysis} (both JSON
// text; without the analysis's work, and an empty one, when `reportOnly`).
async function inWorkers(module, file, by, onProgress, signal, reportOnly) {
  const at = await splitPoint(file);
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) return reject(abortError());
    const workers = [];
    const read = [0, 0];
    // Done: the workers back to the idle ones; else (cancelled, failed) terminated, and as
    // many fresh ones started.
    const stop = (done) => {
      workers.forEach((w) => (done ? release(w) : end(w)));
      workers.length = 0;
      if (!done) refill(module);
      if (signal) signal.removeEventListener('abort', cancel);
    };
    const fail = (e) => {
      stop(false);
      reject(e);
    };
    const cancel = () => fail(abortError());
    if (signal) signal.addEventListener('abort', cancel, { once: true });
    // Worker `i` (0: from the start; 1: the second part); `onData` gets its other messages.
    // A failing second worker only means the first reads on.
    const start = (i, message, onData) => {
      const worker = take(module);
      workers.push(worker);
      const failed = (why) => (i === 0 ? fail(new Error(why)) : onData({ part: null }));
      worker.onmessage = ({ data }) => {
        if ('read' in data) {
          read[i] += data.read;
          if (typeof onProgress === 'function') onProgress(Math.min(1, (read[0] + read[1]) / file.size));
        } else if ('error' in data) failed(data.error);
        else onData(data);
      };
      worker.onerror = (e) => failed('the scorer worker failed: ' + (e.message || 'unknown error'));
      worker.postMessage(message);
      return worker;
    };
    let second = null;
    const part = at === null ? null : new Promise((settle) => {
      second = start(1, { module, file, by, reportOnly, from: at }, (data) => settle(data.part ?? null));
    });
    const first = start(0, { module, file, by, reportOnly, to: at ?? file.size }, async (data) => {
      if ('boundary' in data) {
        const counts = data.boundary ? await part : null;
        if (counts === null) {
          // It may still be reading: a fresh worker takes its place.
          workers.splice(workers.indexOf(second), 1);
          end(second);
          refill(module);
          read[1] = 0;
        }
        first.postMessage({ part: counts });
        return;
      }
      stop(true);
      resolve(data);
    });
  });
}

function checkBy(by) {
  if (by !== undefined && by !== null && !['touchpoint', 'day', 'week', 'month'].includes(by)) {
    throw new TypeError('NpsScorer: by must be touchpoint, day, week or month, got ' + JSON.stringify(by));
  }
  return by ?? undefined;
}

window.NpsScorer = {
  ready: compiled.then(() => undefined),
  // Synchronous once `ready` has resolved: the object `nps score FILE --json [--by …]` prints.
  scoreText(text, options = {}) {
    return JSON.parse(scoreText(String(text), checkBy(options.by)));
  },
  async scoreFile(file, options = {}) {
    const by = checkBy(options.by);
    const module = await compiled;
    // The report alone: the page's analysis is not built for it.
    const done = await inWorkers(module, file, by, options.onProgress, options.signal, true);
    return JSON.parse(done.report);
  },
};

// The app: one reading at a time, cancelled by its Cancel button.
let running = null;
compiled.then((module) => {
  const root = document.getElementById('app');
  mount(root, {
    analyze(file, onProgress) {
      if (running) running.abort();
      running = new AbortController();
      return inWorkers(module, file, undefined, onProgress, running.signal, false).then((d) => d.analysis);
    },
    cancel() {
      if (running) running.abort();
      running = null;
    },
  });
}, (e) => {
  const root = document.getElementById('app');
  root.textContent = 'The scorer could not start: ' + (e && e.message ? e.message : e);
});
