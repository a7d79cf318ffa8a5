// The scorer's Web Worker: reads a file, or a part of it, in chunks through the wasm reader
// (the same reader as `nps score`) and posts the bytes read, then the report and the page's
// analysis (JSON text; the analysis empty when {reportOnly}: NpsScorer.scoreFile). Bundled
// with the wasm-bindgen glue into pkg/score/worker.js (no imports left), which the page
// fetches while it loads and starts from a blob: URL.
//
// A large file is read by two workers at once (page.js): this one from the start to `to`, one
// more from `from` (a line start) to the end, which posts its counts ({part}). At `to` this one
// posts {boundary} (whether it stands between two records there) and waits for {part}: the
// other worker's counts to merge, or null, and then it reads on itself.
import init, { Session } from './nps_scorer.js';

// Progress is posted at least this many bytes apart.
const PROGRESS = 1 << 20;
// The file's first bytes, for a later part's header.
const HEAD = 64 << 10;

// Reads file[from, to) into the session as a stream: the browser reads on (off this thread)
// while the wasm scans what came. Measured on the 1M-row bench file, two workers reading a half
// each: a stream 48–63 ms, 4 MiB slices one at a time 79–85 ms (three at a time 56–59 ms).
async function readRange(session, file, from, to) {
  const reader = file.slice(from, to).stream().getReader();
  let unreported = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    session.push(value);
    unreported += value.length;
    if (unreported >= PROGRESS) {
      postMessage({ read: unreported });
      unreported = 0;
    }
  }
  if (unreported > 0) postMessage({ read: unreported });
}

let answer = null;
// The wasm, instantiated once: on {warm: module}, which the page sends as it starts this worker
// (before any file is chosen), or on the first file. A worker reads one file after another.
let instance = null;
const ready = (module) => (instance ??= init({ module_or_path: module }));

onmessage = async ({ data }) => {
  if ('part' in data) {
    answer(data.part);
    return;
  }
  if ('warm' in data) {
    // A failure shows when a file is read (the same promise, awaited there).
    ready(data.warm).catch(() => {});
    return;
  }
  const { module, file, by, reportOnly = false, from = 0, to = file.size } = data;
  try {
    await ready(module);
    if (from > 0) {
      const head = new Uint8Array(await file.slice(0, HEAD).arrayBuffer());
      const session = Session.part(by, file.name, head, reportOnly);
      if (!session) {
        postMessage({ part: null });
        return;
      }
      await readRange(session, file, from, to);
      postMessage({ part: session.finishPart() });
      return;
    }
    const session = new Session(by, file.name, reportOnly);
    await readRange(session, file, 0, to);
    let done = null;
    if (to < file.size) {
      const boundary = session.atBoundary();
      const part = await new Promise((resolve) => {
        answer = resolve;
        postMessage({ boundary });
      });
      if (boundary && part !== null) done = session.finishWith(part);
      else await readRange(session, file, to, file.size);
    }
    const [report, analysis] = done ?? session.finish();
    postMessage({ report, analysis });
  } catch (e) {
    postMessage({ error: e && e.message ? e.message : String(e) });
  }
};
