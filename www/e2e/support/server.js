// A real `nps serve` process for the end-to-end tests: fresh temp SQLite file, stop and restart.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { NPS_BIN, ROOT, PORT, HOST } = require('./paths');

const READY_LINE = 'nps serve: listening on';

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves true when something accepts TCP connections on host:port. */
function portAccepts(port, host = HOST) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

class NpsServer {
  /**
   * @param {{port?: number, dbPath?: string, staticDir?: string, bin?: string, args?: string[]}} [opts]
   *   args: extra arguments of `nps serve` (e.g. ['--rate-limit', '6/min']); may be changed
   *   between stop() and start()
   */
  constructor(opts = {}) {
    this.args = opts.args ?? [];
    this.port = opts.port ?? PORT;
    this.bin = opts.bin ?? NPS_BIN;
    this.staticDir = opts.staticDir ?? ROOT;
    this.tmpDir = opts.dbPath ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'nps-e2e-'));
    this.dbPath = opts.dbPath ?? path.join(this.tmpDir, 'nps.sqlite');
    this.proc = null;
    /** Everything the process printed, across restarts (attached to failing tests). */
    this.log = '';
  }

  get origin() {
    return `http://${HOST}:${this.port}`;
  }

  url(p) {
    return this.origin + p;
  }

  /** Starts the process and waits for its ready line and GET /healthz → ok. */
  async start({ timeoutMs = 20_000 } = {}) {
    if (this.proc) throw new Error('nps serve is already running');
    if (!fs.existsSync(this.bin)) {
      throw new Error(
        `nps binary not found at ${this.bin}: build it with \`cargo build --release -p nps-server\` or set NPS_BIN`,
      );
    }
    if (await portAccepts(this.port)) {
      throw new Error(
        `port ${this.port} is already in use: the host pages post to http://127.0.0.1:${this.port}/v1/responses, ` +
          'so the e2e receiver needs it; stop whatever listens there',
      );
    }
    const args = [
      'serve',
      '--addr', `${HOST}:${this.port}`,
      '--db', this.dbPath,
      '--static', this.staticDir,
      '--allow-any-origin',
      ...this.args,
    ];
    this.log += `\n$ ${this.bin} ${args.join(' ')}\n`;
    const proc = spawn(this.bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    // Never leave a receiver holding the port when this process dies without stop().
    const killOnExit = () => proc.kill('SIGKILL');
    process.once('exit', killOnExit);
    proc.once('exit', () => process.removeListener('exit', killOnExit));
    let sawReady = false;
    const onData = (chunk) => {
      const text = chunk.toString();
      this.log += text;
      if (text.includes(READY_LINE)) sawReady = true;
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    let exited = null;
    proc.once('exit', (code, signal) => {
      exited = { code, signal };
      if (this.proc === proc) this.proc = null;
    });

    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exited) {
        throw new Error(`nps serve exited early (${JSON.stringify(exited)}):\n${this.log}`);
      }
      if (sawReady) {
        try {
          const res = await fetch(this.url('/healthz'));
          if (res.ok && (await res.text()).trim() === 'ok') return;
        } catch {
          // not accepting yet
        }
      }
      await sleep(50);
    }
    await this.stop();
    throw new Error(`nps serve did not become ready within ${timeoutMs} ms:\n${this.log}`);
  }

  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and waits until the port is free. */
  async stop() {
    const proc = this.proc;
    if (!proc) return;
    this.proc = null;
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    for (let i = 0; i < 100 && (await portAccepts(this.port)); i++) await sleep(50);
  }

  async restart() {
    await this.stop();
    await this.start();
  }

  /** Stops the process and removes the temp directory. */
  async dispose() {
    await this.stop();
    if (this.tmpDir) fs.rmSync(this.tmpDir, { recursive: true, force: true });
  }
}

/** A TCP port free on 127.0.0.1 now (for servers that must not take the e2e's 8080). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

module.exports = { NpsServer, portAccepts, freePort };
