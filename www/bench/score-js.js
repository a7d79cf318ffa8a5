// The three scorers that www/bench/score.html times against one File (an `nps score` CSV export),
// each returning {n, promoters, detractors}. `probe()`, when given, samples the JS heap at the
// points where a scorer holds the most (the memory run calls it; the timed runs do not).
//
// - scoreWasm: the scorer page's full pass (report and the page's analysis), run on the calling
//   thread: a wasm `Session` (the same reader as `nps score`) fed 4 MiB slices of the file's
//   bytes, then `finish()`. What the page's own reading computes; its workers stream the file
//   instead (pkg/score/worker.js), and `NpsScorer.scoreFile` reads for the report alone.
// - scoreInApp: the scorer page's app (mounted in `root`) given the file in its own input, timed
//   until its results are on the page, read back from the text it shows.
// - scorePlain: the obvious hand-written code: decode the text, split lines, split each line on
//   commas, parseInt the score column, count. (It ignores CSV quoting, so it is only right because
//   the bench file's `score` column comes before its quoted `comment` column.)
// - scorePapa: PapaParse (npm `papaparse`) parsing the File with `header: true`, then counting.
// - readOnly: not a scorer, the floor under the wasm paths: reading the file's 4 MiB slices alone.

/** The slice size of `scoreWasm` and `readOnly` (the workers read a stream). */
export const CHUNK = 4 << 20;

const noop = () => {};

function tally(n, promoters, detractors) {
  return { n, promoters, detractors };
}

/** Resolves once `ready()` is true, checked at every animation frame; rejects after `ms`. */
function until(ready, ms, what) {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (ready()) resolve();
      else if (performance.now() - t0 > ms) reject(new Error(`the scorer page's app did not ${what} in ${ms} ms`));
      else requestAnimationFrame(check);
    };
    check();
  });
}

/** The app in `root` reads `file` as if a person chose it; its figures, once shown. */
export async function scoreInApp(root, file) {
  const input = root.querySelector('input[type=file]');
  if (!input) throw new Error("no file input in the scorer page's app");
  const chosen = new DataTransfer();
  chosen.items.add(file);
  input.files = chosen.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  // Its progress first (so an earlier run's results are not taken for this one's), then the
  // results.
  await until(() => root.querySelector('section.reading'), 10000, 'start reading');
  await until(() => !root.querySelector('section.reading') && root.querySelector('[data-nps]'), 60000, 'show its results');
  const line = [...root.querySelectorAll('section.score p')].map((p) => p.textContent).find((t) => / answers: /.test(t)) || '';
  const m = /^(\d+) answers: (\d+) promoters, \d+ passives, (\d+) detractors/.exec(line);
  if (!m) throw new Error(`the app's results did not say how many answers: "${line}"`);
  return tally(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** `Session` is the class exported by pkg/score/nps_scorer.js (initialised). */
export async function scoreWasm(Session, file, probe = noop) {
  const session = new Session(undefined, file.name);
  // As the worker does: the next slice is read while the wasm scans this one.
  const read = (at) => file.slice(at, at + CHUNK).arrayBuffer();
  let next = read(0);
  for (let at = 0; at < file.size; at += CHUNK) {
    const bytes = new Uint8Array(await next);
    if (at + CHUNK < file.size) next = read(at + CHUNK);
    session.push(bytes);
    probe();
  }
  const [report] = session.finish();
  probe();
  const r = JSON.parse(report);
  return tally(r.n, r.promoters, r.detractors);
}

export async function scorePlain(file, probe = noop) {
  const text = await file.text();
  probe();
  const lines = text.split('\n');
  probe();
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
  const col = header.indexOf('score');
  if (col < 0) throw new Error(`${file.name} has no score column`);
  let n = 0;
  let promoters = 0;
  let detractors = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const score = parseInt(line.split(',')[col], 10);
    if (!(score >= 0 && score <= 10)) continue;
    n++;
    if (score >= 9) promoters++;
    else if (score <= 6) detractors++;
  }
  probe();
  return tally(n, promoters, detractors);
}

/** `Papa` is PapaParse's global (www/node_modules/papaparse/papaparse.min.js). */
export function scorePapa(Papa, file, probe = noop) {
  return new Promise((resolve, reject) => {
    Papa.parse(file, {
      header: true,
      skipEmptyLines: true,
      error: (e) => reject(e),
      complete: (results) => {
        probe();
        let n = 0;
        let promoters = 0;
        let detractors = 0;
        for (const row of results.data) {
          const score = parseInt(row.score, 10);
          if (!(score >= 0 && score <= 10)) continue;
          n++;
          if (score >= 9) promoters++;
          else if (score <= 6) detractors++;
        }
        probe();
        resolve(tally(n, promoters, detractors));
      },
    });
  });
}

/** Reads the file's 4 MiB slices and nothing else; returns {bytes}. */
export async function readOnly(file) {
  let bytes = 0;
  for (let at = 0; at < file.size; at += CHUNK) bytes += (await file.slice(at, at + CHUNK).arrayBuffer()).byteLength;
  return { bytes };
}
