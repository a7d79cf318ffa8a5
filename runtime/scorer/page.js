// The scorer page's runtime (www/score.html, docs/contract.md §7): compiles the scorer's wasm
// once, runs the Leptos app and `scoreText` on the main thread, reads files in a module Web
// Worker (worker.js, one per file, so cancelling is terminating it) and defines
// window.NpsScorer. Everything is fetched while the page loads — the wasm, compiled once and
// handed to each worker, and the worker's code (one bundle, started from a blob: URL) — so
// nothing is requested afterwards.
import init, { mount, scoreText } from './nps_scorer.js';

let workerUrl = null;

const compiled = (async () => {
  const [module, code] = await Promise.all([
    WebAssembly.compileStreaming(fetch(new URL('nps_scorer_bg.wasm', import.meta.url))),
    fetch(new URL('worker.js', import.meta.url)).then((r) => r.text()),
  ]);
  workerUrl = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  await init({ module_or_path: module });
  return module;
})();

function abortError() {
  return new DOMException('the scoring was cancelled', 'AbortError');
}

// Reads and scores `file` in a worker: resolves to {report, analysis} (both JSON text).
function inWorker(module, file, by, onProgress, signal) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) return reject(abortError());
    const worker = new Worker(workerUrl, { type: 'module' });
    const stop = () => {
      worker.terminate();
      if (signal) signal.removeEventListener('abort', cancel);
    };
    const cancel = () => {
      stop();
      reject(abortError());
    };
    if (signal) signal.addEventListener('abort', cancel, { once: true });
    worker.onmessage = ({ data }) => {
      if ('progress' in data) {
        if (typeof onProgress === 'function') onProgress(data.progress);
        return;
      }
      stop();
      if ('error' in data) reject(new Error(data.error));
      else resolve(data);
    };
    worker.onerror = (e) => {
      stop();
      reject(new Error('the scorer worker failed: ' + (e.message || 'unknown error')));
    };
    worker.postMessage({ module, file, by });
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
    const done = await inWorker(module, file, by, options.onProgress, options.signal);
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
      return inWorker(module, file, undefined, onProgress, running.signal).then((d) => d.analysis);
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
