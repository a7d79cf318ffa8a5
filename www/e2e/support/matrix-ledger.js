// Book-keeping of the fault matrix (www/e2e/matrix.spec.js): what each scenario made, what its
// receiver stored, the duplicates the receiver absorbed, the dead letters and what was lost;
// the POSTs seen on the wire; and the table the run prints and writes for the README.
'use strict';

/** The response ids in a POST body of any format (nps.batch/1, JSON array, NDJSON). */
function idsOfBody(body) {
  if (!body) return [];
  try {
    const v = JSON.parse(body);
    if (Array.isArray(v)) return v.map((r) => r.id);
    if (v && Array.isArray(v.responses)) return v.responses.map((r) => r.id);
    if (v && typeof v.id === 'string') return [v.id];
  } catch {
    // NDJSON: one response per line
  }
  return body
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l).id);
}

/**
 * What `nps serve`'s log says it received: each stored batch logs
 * `batch stored accepted=N duplicates=M` (nps_server=info, its default log filter). A lower
 * bound: the line is written after the commit, by the request's task, so a batch committed
 * after its client went away (a tab closed mid-request) is stored but never logged.
 */
function receiverCounts(log) {
  let accepted = 0;
  let duplicates = 0;
  let batches = 0;
  for (const m of String(log).matchAll(/batch stored accepted=(\d+) duplicates=(\d+)/g)) {
    accepted += Number(m[1]);
    duplicates += Number(m[2]);
    batches += 1;
  }
  return { accepted, duplicates, batches };
}

/**
 * Watches the POSTs of every page of `context` to an endpoint (`matches(url)`), as the browser
 * made them: their ids, the answer each got, and ids POSTed again after a 2xx for them had
 * already reached a page (`resentAcked` counts those whose new POST was answered 2xx too: the
 * receiver got them twice, so each is a duplicate it absorbed).
 */
function watchWire(context, matches) {
  const wire = { posts: [], acked: new Set(), resentAcked: 0 };
  const byRequest = new Map();
  context.on('request', (req) => {
    if (req.method() !== 'POST' || !matches(req.url())) return;
    let ids = [];
    try {
      ids = idsOfBody(req.postData() || '');
    } catch {
      // not a batch: counted as a POST without ids
    }
    const post = { ids, again: ids.filter((id) => wire.acked.has(id)), status: null, at: Date.now() };
    wire.posts.push(post);
    byRequest.set(req, post);
  });
  context.on('response', (res) => {
    const post = byRequest.get(res.request());
    if (!post) return;
    post.status = res.status();
    if (post.status >= 200 && post.status < 300) {
      wire.resentAcked += post.again.length;
      for (const id of post.ids) wire.acked.add(id);
    }
  });
  /** How many POSTs carried `id`. */
  wire.timesPosted = (id) => wire.posts.filter((p) => p.ids.includes(id)).length;
  return wire;
}

/**
 * One row of the matrix from the ids: made (record() answers), stored (distinct ids in the
 * receiver's store), dead (ids of deadLetters() entries that carry a response), and the
 * duplicates the receiver absorbed. Lost = made − stored − dead letters. Also returns what the
 * scenario's assertions need: the ids lost, stored and dead at once, stored but never made.
 */
function account(scenario, { made, stored, dead, duplicates }) {
  const madeSet = new Set(made);
  const storedSet = new Set(stored);
  const deadSet = new Set(dead);
  const row = {
    scenario,
    made: madeSet.size,
    stored: storedSet.size,
    duplicates,
    dead: deadSet.size,
    lost: madeSet.size - storedSet.size - deadSet.size,
  };
  return {
    row,
    madeTwice: made.length - madeSet.size,
    lostIds: made.filter((id) => !storedSet.has(id) && !deadSet.has(id)),
    storedAndDead: [...storedSet].filter((id) => deadSet.has(id)),
    storedNotMade: [...storedSet].filter((id) => !madeSet.has(id)),
    deadNotMade: [...deadSet].filter((id) => !madeSet.has(id)),
  };
}

const COLUMNS = [
  ['scenario', 'scenario'],
  ['made', 'made'],
  ['stored', 'stored'],
  ['duplicates', 'duplicates absorbed'],
  ['dead', 'dead letters'],
  ['lost', 'lost'],
];

/** The rows (and a total) as an aligned Markdown table. */
function markdownTable(rows) {
  const total = { scenario: `**total** (${rows.length} scenarios)` };
  for (const [key] of COLUMNS.slice(1)) total[key] = rows.reduce((n, r) => n + r[key], 0);
  const all = [...rows, total];
  const cells = all.map((r) => COLUMNS.map(([key]) => String(r[key])));
  const head = COLUMNS.map(([, title]) => title);
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => `| ${c.map((v, i) => (i === 0 ? v.padEnd(width[i]) : v.padStart(width[i]))).join(' | ')} |`;
  const rule = `|${width.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(head), rule, ...cells.map(line)].join('\n');
}

module.exports = { idsOfBody, receiverCounts, watchWire, account, markdownTable };
