// The scorer's Web Worker: reads one file in chunks through the wasm reader (the same reader
// as `nps score`) and posts progress, then the report and the page's analysis (JSON text).
// Bundled with the wasm-bindgen glue into pkg/score/worker.js (no imports left), which the page
// fetches while it loads and starts from a blob: URL.
import init, { Session } from './nps_scorer.js';

const CHUNK = 4 << 20;

onmessage = async ({ data: { module, file, by } }) => {
  try {
    await init({ module_or_path: module });
    const session = new Session(by, file.name);
    // The next slice is read (by the browser, off this thread) while the wasm scans this one.
    const read = (at) => file.slice(at, at + CHUNK).arrayBuffer();
    let next = read(0);
    for (let at = 0; at < file.size; at += CHUNK) {
      const bytes = new Uint8Array(await next);
      if (at + CHUNK < file.size) next = read(at + CHUNK);
      session.push(bytes);
      postMessage({ progress: Math.min(1, (at + bytes.length) / file.size) });
    }
    const [report, analysis] = session.finish();
    postMessage({ report, analysis });
  } catch (e) {
    postMessage({ error: e && e.message ? e.message : String(e) });
  }
};
