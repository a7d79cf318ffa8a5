#!/usr/bin/env node
// Receiver benchmark (prints figures; asserts only that nothing was lost): how many batches
// `nps serve` stores a second, and how long each POST /v1/responses takes, with SQLite and then
// with PostgreSQL. For each backend: a fresh database (a temp SQLite file; a private PostgreSQL
// cluster, initdb'd into a temp dir, reached over TCP with a password), `nps serve` on a free
// loopback port, N clients each posting `nps.batch/1` bodies of unique UUIDv7 responses back to
// back over keep-alive connections: 1 s of warm-up, not counted, then the timed run. Printed:
// batches/s, responses/s, latency p50/p90/p99/max (every request of the timed run), the answers
// that were not 200; then the stored rows (GET /v1/responses.csv) against the responses the
// server acknowledged: `stored X, acknowledged Y, lost Z`. Exit status 1 when an acknowledged
// response is missing or the stored count differs from the acknowledged one.
//
//   node www/bench/receiver.mjs [--seconds 10] [--clients 64] [--batch 20] [--json]
//
// Env: NPS_BIN (default ../../target/release/nps from this file; `cargo build --release -p
// nps-server`). PostgreSQL: initdb, pg_ctl and psql from the directory of `initdb` on PATH, else
// the newest /usr/lib/postgresql/*/bin; run as the `postgres` user (runuser) when run as root.
// The server logs as it does by default (a line per request, to a pipe this script reads); set
// RUST_LOG=warn to measure without. Client and server share the machine's cores.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const { NpsServer, freePort } = require('../e2e/support/server.js');
const { NPS_BIN } = require('../e2e/support/paths.js');

const WARMUP_MS = 1_000;
/** A request with no answer after this long counts as failed ("timeout"). */
const REQUEST_TIMEOUT_MS = 30_000;
/** A client pauses this long after a request that got no answer, so that a dead server is not spun on. */
const PAUSE_AFTER_ERROR_MS = 50;
const USAGE = 'usage: receiver.mjs [--seconds N] [--clients N] [--batch 1..50] [--json]';

function parseArgs(argv) {
  const opts = { seconds: 10, clients: 64, batch: 20, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const number = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value; ${USAGE}`);
      return Number(v);
    };
    if (a === '--seconds') opts.seconds = number();
    else if (a === '--clients') opts.clients = number();
    else if (a === '--batch') opts.batch = number();
    else if (a === '--json') opts.json = true;
    else throw new Error(`unknown argument ${a}; ${USAGE}`);
  }
  if (!(opts.seconds > 0)) throw new Error(`--seconds must be a positive number, got ${opts.seconds}`);
  if (!Number.isInteger(opts.clients) || opts.clients < 1) throw new Error(`--clients must be a positive integer, got ${opts.clients}`);
  if (!Number.isInteger(opts.batch) || opts.batch < 1 || opts.batch > 50) throw new Error(`--batch must be an integer 1..50 (the receiver's limit), got ${opts.batch}`);
  return opts;
}

// ---- The load: batches of unique responses, posted back to back ----

/** A UUIDv7 (time-ordered, as the widget's ids are), so the id index grows as in production. */
function uuidv7() {
  const b = crypto.randomBytes(16);
  b.writeUIntBE(Date.now(), 0, 6);
  b[6] = 0x70 | (b[6] & 0x0f);
  b[8] = 0x80 | (b[8] & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const TOUCHPOINTS = ['checkout', 'order', 'support'];
const LOCALES = ['en', 'de', 'ru'];
const COMMENTS = ['Fast delivery', 'Cheaper elsewhere, but "fine"', '', undefined];

/** The body of one POST: `size` responses with new ids; also returns the ids. */
function makeBatch(size, n) {
  const now = new Date().toISOString();
  const responses = Array.from({ length: size }, (_, i) => ({
    id: uuidv7(),
    score: (n + i) % 11,
    comment: COMMENTS[(n + i) % COMMENTS.length],
    touchpoint: TOUCHPOINTS[i % TOUCHPOINTS.length],
    locale: LOCALES[n % LOCALES.length],
    answered_at: now,
    page: `https://shop.example.com/orders/${n}`,
    properties: { order_id: `A-${n}-${i}` },
  }));
  const body = JSON.stringify({ schema: 'nps.batch/1', batch_id: crypto.randomUUID(), sent_at: now, responses });
  return { body, ids: responses.map((r) => r.id) };
}

/** POSTs `body`; resolves (never rejects) with the latency in ms and the status, or the error
 * code when there was no answer, and the parsed answer of a 200. */
function post(url, agent, body) {
  return new Promise((resolve) => {
    const start = performance.now();
    const done = (status, answer = null) => resolve({ ms: performance.now() - start, status, answer });
    const req = http.request(url, {
      method: 'POST',
      agent,
      timeout: REQUEST_TIMEOUT_MS,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', (e) => done(e.code || e.message));
      res.on('end', () => {
        if (res.statusCode !== 200) return done(res.statusCode);
        try {
          done(200, JSON.parse(Buffer.concat(chunks).toString()));
        } catch {
          done('200 with a body that is not JSON');
        }
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
    req.on('error', (e) => done(e.code || e.message));
    req.end(body);
  });
}

/** What the requests of one phase got. */
class Outcome {
  constructor() {
    this.latencies = [];
    /** status (or error code) → count, for every answer but 200 */
    this.failures = new Map();
    this.batches = 0;
    this.accepted = 0;
    this.duplicates = 0;
    /** every id of every batch answered 200: each must be stored */
    this.acknowledgedIds = [];
  }

  add({ ms, status, answer }, ids) {
    this.latencies.push(ms);
    if (status !== 200) {
      this.failures.set(status, (this.failures.get(status) ?? 0) + 1);
      return;
    }
    this.batches += 1;
    this.accepted += answer.accepted;
    this.duplicates += answer.duplicates;
    for (const id of ids) this.acknowledgedIds.push(id);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One client: posts batches back to back until `deadline` (performance.now() ms). */
async function client(url, agent, batchSize, deadline, outcome) {
  for (let n = 0; performance.now() < deadline; n++) {
    const { body, ids } = makeBatch(batchSize, n);
    const result = await post(url, agent, body);
    outcome.add(result, ids);
    if (typeof result.status !== 'number') await sleep(PAUSE_AFTER_ERROR_MS);
  }
}

/** All clients for `ms`; the phase ends when the last request started before then is answered. */
async function runPhase(url, agent, opts, ms) {
  const outcome = new Outcome();
  const start = performance.now();
  const deadline = start + ms;
  await Promise.all(Array.from({ length: opts.clients }, () => client(url, agent, opts.batch, deadline, outcome)));
  outcome.seconds = (performance.now() - start) / 1000;
  return outcome;
}

// ---- What the server stored ----

/** The first field of every record of an RFC 4180 text, header excluded (an id is a UUID: never quoted). */
function firstFields(csv) {
  const QUOTE = 34, COMMA = 44, LF = 10;
  const fields = [];
  let recordStart = 0;
  let firstEnd = -1;
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const c = csv.charCodeAt(i);
    if (c === QUOTE) quoted = !quoted; // "" inside a quoted field toggles twice
    else if (quoted) continue;
    else if (c === COMMA && firstEnd < 0) firstEnd = i;
    else if (c === LF) {
      const end = firstEnd >= 0 ? firstEnd : csv.charCodeAt(i - 1) === 13 ? i - 1 : i;
      fields.push(csv.slice(recordStart, end));
      recordStart = i + 1;
      firstEnd = -1;
    }
  }
  if (recordStart < csv.length) fields.push(csv.slice(recordStart, firstEnd >= 0 ? firstEnd : csv.length));
  return fields.slice(1);
}

/** The ids of the stored rows, from the CSV export (readable from loopback without a token). */
async function storedIds(server) {
  const res = await fetch(server.url('/v1/responses.csv'));
  if (!res.ok) throw new Error(`GET /v1/responses.csv answered ${res.status}: ${await res.text()}`);
  return firstFields(await res.text());
}

/** `stored X, acknowledged Y, lost Z`: Z counts acknowledged ids not in the export. */
function lossCheck(stored, phases) {
  const storedSet = new Set(stored);
  let acknowledged = 0;
  let lost = 0;
  for (const phase of phases) {
    acknowledged += phase.accepted;
    for (const id of phase.acknowledgedIds) if (!storedSet.has(id)) lost += 1;
  }
  return { stored: stored.length, acknowledged, lost, ok: lost === 0 && stored.length === acknowledged };
}

// ---- Statistics ----

function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function latencySummary(values) {
  const s = Float64Array.from(values).sort();
  if (s.length === 0) return { p50: NaN, p90: NaN, p99: NaN, max: NaN };
  return { p50: quantile(s, 0.5), p90: quantile(s, 0.9), p99: quantile(s, 0.99), max: s[s.length - 1] };
}

function figures(name, timed, warmup, loss) {
  const failures = Object.fromEntries(timed.failures);
  for (const [status, n] of warmup.failures) failures[`${status} (warm-up)`] = n;
  return {
    backend: name,
    seconds: timed.seconds,
    batches: timed.batches,
    batchesPerSecond: timed.batches / timed.seconds,
    responsesPerSecond: timed.accepted / timed.seconds,
    latencyMs: latencySummary(timed.latencies),
    non200: [...timed.failures.values()].reduce((a, b) => a + b, 0),
    failures,
    duplicates: timed.duplicates + warmup.duplicates,
    ...loss,
  };
}

// ---- Backends ----

/** A temp SQLite file, removed by close(). */
function sqliteBackend() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nps-bench-sqlite-'));
  return { name: 'SQLite', db: path.join(dir, 'nps.sqlite'), close: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Where initdb, pg_ctl and psql are: next to `initdb` on PATH, else the newest Debian install. */
function postgresBinDir() {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const initdb = path.join(dir, 'initdb');
    if (dir && fs.existsSync(initdb)) return path.dirname(fs.realpathSync(initdb));
  }
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => b - a) : [];
  if (versions.length === 0) throw new Error('initdb not found on PATH nor in /usr/lib/postgresql/*/bin: install PostgreSQL');
  return path.join(root, versions[0], 'bin');
}

/** Runs a PostgreSQL program as the `postgres` user when this process is root (initdb refuses root). */
function runAsPostgres(bin, args, cwd) {
  const [file, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  try {
    return execFileSync(file, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }).toString();
  } catch (e) {
    throw new Error(`${path.basename(bin)} ${args.join(' ')} failed: ${e.stderr?.toString() || e.message}`);
  }
}

/** A private PostgreSQL cluster in a temp dir, listening on 127.0.0.1 only, with a database and a
 * user with a password; close() stops it and removes the dir (also at exit). */
async function postgresBackend() {
  const bin = postgresBinDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nps-bench-pg-'));
  const data = path.join(dir, 'data');
  const ctl = (...args) => runAsPostgres(path.join(bin, 'pg_ctl'), ['-D', data, ...args], dir);
  let started = false;
  const close = () => {
    process.removeListener('exit', close);
    if (started) {
      started = false;
      try {
        ctl('stop', '-m', 'fast', '-w');
      } catch (e) {
        console.error(`bench/receiver.mjs: ${e.message}`);
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', close);
  try {
    if (process.getuid?.() === 0) execFileSync('chown', ['postgres:', dir]);
    const port = await freePort();
    const password = crypto.randomBytes(12).toString('hex');
    runAsPostgres(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-E', 'UTF8', '--no-sync',
      '--auth-local=trust', '--auth-host=scram-sha-256'], dir);
    ctl('start', '-w', '-l', path.join(dir, 'server.log'),
      '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`);
    started = true;
    runAsPostgres(path.join(bin, 'psql'), ['-h', dir, '-p', String(port), '-U', 'postgres', '-X', '-q', '-v', 'ON_ERROR_STOP=1',
      '-c', `CREATE ROLE nps_bench LOGIN PASSWORD '${password}'`, '-c', 'CREATE DATABASE nps_bench OWNER nps_bench'], dir);
    const version = runAsPostgres(path.join(bin, 'postgres'), ['--version'], dir).trim().replace(/^postgres \(PostgreSQL\) /, '');
    return { name: `PostgreSQL ${version}`, db: `postgres://nps_bench:${password}@127.0.0.1:${port}/nps_bench`, close };
  } catch (e) {
    close();
    throw e;
  }
}

// ---- One backend, start to finish ----

async function benchBackend(backend, opts) {
  const server = new NpsServer({ port: await freePort(), dbPath: backend.db });
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.clients });
  try {
    await server.start();
    const url = server.url('/v1/responses');
    const warmup = await runPhase(url, agent, opts, WARMUP_MS);
    const timed = await runPhase(url, agent, opts, opts.seconds * 1000);
    const loss = lossCheck(await storedIds(server), [warmup, timed]);
    return figures(backend.name, timed, warmup, loss);
  } finally {
    agent.destroy();
    await server.dispose();
    backend.close();
  }
}

// ---- Output ----

const ms = (v) => v.toFixed(1).padStart(7);

function printBackend(r) {
  const failures = Object.entries(r.failures).map(([status, n]) => `${status} × ${n}`).join(', ');
  console.log(`\n${r.backend}: ${r.batches} batches in ${r.seconds.toFixed(2)} s`);
  console.log(`  batches/s       ${r.batchesPerSecond.toFixed(1).padStart(9)}`);
  console.log(`  responses/s     ${r.responsesPerSecond.toFixed(1).padStart(9)}`);
  console.log(`  latency ms      p50 ${ms(r.latencyMs.p50)}   p90 ${ms(r.latencyMs.p90)}   p99 ${ms(r.latencyMs.p99)}   max ${ms(r.latencyMs.max)}`);
  console.log(`  non-200 answers ${String(r.non200).padStart(9)}${failures ? `   (${failures})` : ''}`);
  if (r.duplicates) console.log(`  duplicates      ${String(r.duplicates).padStart(9)}   (unexpected: every id was new)`);
  console.log(`  stored ${r.stored}, acknowledged ${r.acknowledged}, lost ${r.lost}${r.ok ? '' : '   FAILED'}`);
}

function npsVersion() {
  if (!fs.existsSync(NPS_BIN)) throw new Error(`nps binary not found at ${NPS_BIN}: build it with \`cargo build --release -p nps-server\` or set NPS_BIN`);
  return execFileSync(NPS_BIN, ['--version']).toString().trim();
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  // Ctrl-C: run the exit hooks (the server is killed, the PostgreSQL cluster stopped and removed).
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));
  const env = { nps: npsVersion(), node: process.version, cpus: os.cpus().length };
  if (!opts.json) {
    console.log(`receiver benchmark: ${env.nps}, ${opts.clients} clients on loopback, batches of ${opts.batch}, ` +
      `${opts.seconds} s per backend after ${WARMUP_MS / 1000} s of warm-up (Node ${env.node}, ${env.cpus} CPUs)`);
  }
  const results = [];
  for (const open of [sqliteBackend, postgresBackend]) {
    const result = await benchBackend(await open(), opts);
    if (!opts.json) printBackend(result);
    results.push(result);
  }
  const ok = results.every((r) => r.ok);
  if (opts.json) {
    const { json, ...settings } = opts;
    console.log(JSON.stringify({ ...env, ...settings, warmupSeconds: WARMUP_MS / 1000, ok, backends: results }, null, 2));
  }
  process.exitCode = ok ? 0 : 1;
}

main().catch((err) => {
  console.error(`bench/receiver.mjs: ${err && err.message ? err.message : err}`);
  process.exit(1);
});
