// A counting receiver for the fault matrix's body-format scenarios (www/e2e/matrix.spec.js): a
// real HTTP server on a free loopback port that reads the three bodies of docs/contract.md §4
// (`nps`, `ndjson`, `json-array`), stores each response once by `id` (a Map), and counts every
// delivery of every id, so "duplicates absorbed" is counted where it happens. It answers CORS
// itself (preflights included: no Playwright route may be active while it is used), and can be
// told to fail a POST: `store-then-503` (stored, but the widget is told to try again: it sends
// the batch again, and the dedupe absorbs it) or a status without storing anything.
'use strict';
const http = require('node:http');
const { freePort } = require('./server');

/** The response objects of a body in `format`; throws when the body is not that format. */
function parseBody(format, body) {
  if (format === 'nps') {
    const batch = JSON.parse(body);
    if (batch === null || Array.isArray(batch) || batch.schema !== 'nps.batch/1' || !Array.isArray(batch.responses)) {
      throw new Error('not an nps.batch/1 object');
    }
    return batch.responses;
  }
  if (format === 'json-array') {
    const list = JSON.parse(body);
    if (!Array.isArray(list)) throw new Error('not a JSON array');
    return list;
  }
  if (format === 'ndjson') {
    if (!body.endsWith('\n')) throw new Error('an NDJSON body ends with a line break');
    return body
      .slice(0, -1)
      .split('\n')
      .map((line) => {
        const r = JSON.parse(line);
        if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new Error(`not an object: ${line}`);
        return r;
      });
  }
  throw new Error(`unknown format ${format}`);
}

class CountingReceiver {
  /**
   * @param {{format: 'nps'|'ndjson'|'json-array', contentType: string,
   *   fault?: (n: number) => ('store-then-503'|number|null)}} opts
   *   fault(n): what to do with the n-th POST (1-based): null answers 200 after storing.
   */
  constructor({ format, contentType, fault = () => null }) {
    this.format = format;
    this.contentType = contentType;
    this.fault = fault;
    /** id → the response as first stored. */
    this.stored = new Map();
    /** id → how many POSTs that the receiver processed (stored or deduplicated) carried it. */
    this.deliveries = new Map();
    /** Every request: {method, n, ids, answer, headers}. */
    this.requests = [];
    this.posts = 0;
  }

  async start() {
    this.port = await freePort();
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.sockets = new Set();
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
  }

  get url() {
    return `http://127.0.0.1:${this.port}/matrix/${this.format}`;
  }

  handle(req, res) {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
      const seen = { method: req.method, headers: req.headers, ids: [], answer: 0 };
      this.requests.push(seen);
      const answer = (status, text = '') => {
        seen.answer = status;
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(text);
      };
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'POST');
        res.setHeader('Access-Control-Allow-Headers', 'content-type, apikey, prefer');
        res.setHeader('Access-Control-Max-Age', '600');
        answer(204);
        return;
      }
      if (req.method !== 'POST') return answer(405, '{"error":"POST only"}');
      this.posts += 1;
      seen.n = this.posts;
      const type = String(req.headers['content-type'] || '').split(';')[0].trim();
      if (type !== this.contentType) {
        return answer(415, JSON.stringify({ error: `Content-Type ${type}, expected ${this.contentType}` }));
      }
      let responses;
      try {
        responses = parseBody(this.format, body);
        for (const r of responses) {
          if (typeof r.id !== 'string' || !Number.isInteger(r.score)) throw new Error(`bad response ${JSON.stringify(r)}`);
        }
      } catch (e) {
        return answer(400, JSON.stringify({ error: String(e.message || e) }));
      }
      seen.ids = responses.map((r) => r.id);
      const fault = this.fault(this.posts);
      if (typeof fault === 'number') return answer(fault, '{"error":"matrix fault, nothing stored"}');
      let duplicates = 0;
      for (const r of responses) {
        this.deliveries.set(r.id, (this.deliveries.get(r.id) ?? 0) + 1);
        if (this.stored.has(r.id)) duplicates += 1;
        else this.stored.set(r.id, r);
      }
      seen.stored = true;
      if (fault === 'store-then-503') return answer(503, '{"error":"matrix fault after storing"}');
      return answer(200, JSON.stringify({ accepted: responses.length - duplicates, duplicates }));
    });
  }

  /** Deliveries beyond the first, per id, summed. */
  get duplicates() {
    let n = 0;
    for (const k of this.deliveries.values()) n += k - 1;
    return n;
  }

  async close() {
    if (!this.server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server.close(resolve));
    this.server = null;
  }
}

module.exports = { CountingReceiver, parseBody };
