// A private PostgreSQL cluster for the fault matrix (www/e2e/matrix.spec.js), the JavaScript
// twin of server/tests/common/pg.rs: `initdb` into a temp dir, `pg_ctl start` on a free loopback
// port (its unix socket in that dir too), SCRAM with a random password, durability off. Stopped
// and deleted by stop(), or when this process exits however it exits.
//
// - The binaries are `initdb`, `pg_ctl` (and `psql`) on PATH, else in the newest
//   /usr/lib/postgresql/*/bin (Debian's postgresql, which `cargo xtask test` installs).
// - As root (initdb refuses root) they run as the `postgres` user (`runuser -u postgres --`),
//   and the temp dir belongs to that user.
'use strict';
const { execFile, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { freePort } = require('./server');

const USER = 'postgres';

/** The directory holding initdb and pg_ctl: PATH first, else the newest /usr/lib/postgresql/N/bin. */
function findBinaries() {
  const hasBoth = (dir) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'));
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (dir && hasBoth(dir)) return dir;
  }
  let versions = [];
  try {
    versions = fs
      .readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .map((v) => ({ v: Number(v), bin: path.join('/usr/lib/postgresql', v, 'bin') }))
      .filter(({ bin }) => hasBoth(bin))
      .sort((a, b) => a.v - b.v);
  } catch {
    // no /usr/lib/postgresql
  }
  const newest = versions.pop();
  if (!newest) {
    throw new Error(
      'PostgreSQL server binaries not found: initdb and pg_ctl are neither on PATH nor in ' +
        '/usr/lib/postgresql/*/bin. Install them with `apt-get install -y postgresql` (or run `cargo xtask test`, which does).',
    );
  }
  return newest.bin;
}

function run(file, args, opts = {}) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 64 * 1024 * 1024, ...opts }, (err, stdout, stderr) => {
      if (err) {
        err.message = `${file} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`;
        reject(err);
      } else resolve(stdout);
    });
  });
}

function idOf(flag) {
  const out = spawnSync('id', [flag, USER], { encoding: 'utf8' });
  const n = Number(String(out.stdout).trim());
  if (out.status !== 0 || !Number.isInteger(n)) {
    throw new Error(`running as root, PostgreSQL runs as the user ${USER}, which does not exist: apt-get install -y postgresql`);
  }
  return n;
}

class PgCluster {
  constructor() {
    this.bin = findBinaries();
    this.asPostgres = process.getuid && process.getuid() === 0;
    this.password = `pw${crypto.randomBytes(9).toString('hex')}`;
    this.port = 0;
    this.dir = null;
    this.onExit = null;
  }

  /** `[file, args]` for one of the cluster's tools (as the postgres user when we are root). */
  tool(name, args) {
    const file = path.join(this.bin, name);
    return this.asPostgres ? ['runuser', ['-u', USER, '--', file, ...args]] : [file, args];
  }

  get data() {
    return path.join(this.dir, 'data');
  }

  get options() {
    return (
      `-c listen_addresses=127.0.0.1 -p ${this.port} -k ${this.dir} -c fsync=off ` +
      '-c synchronous_commit=off -c full_page_writes=off -c max_connections=100'
    );
  }

  /** initdb, then pg_ctl start on a free loopback port. */
  async start() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nps-pg-e2e-'));
    // Whatever ends this process, the cluster stops and its directory goes.
    this.onExit = () => this.stopSync();
    process.once('exit', this.onExit);
    const pwfile = path.join(this.dir, 'pwfile');
    fs.writeFileSync(pwfile, this.password);
    if (this.asPostgres) {
      const [uid, gid] = [idOf('-u'), idOf('-g')];
      fs.chownSync(this.dir, uid, gid);
      fs.chownSync(pwfile, uid, gid);
    }
    const opts = { cwd: this.dir };
    await run(
      ...this.tool('initdb', [
        '-D', this.data, '-U', USER, '-A', 'scram-sha-256', '-E', 'UTF8', '--no-locale', '--no-sync', `--pwfile=${pwfile}`,
      ]),
      opts,
    );
    let last;
    for (let i = 0; i < 5; i++) {
      this.port = await freePort();
      try {
        await this.pgCtlStart();
        return;
      } catch (e) {
        // Most likely the port was taken meanwhile: another one.
        last = e;
      }
    }
    throw new Error(`PostgreSQL did not start: ${last && last.message}\n${this.logTail()}`);
  }

  pgCtlStart() {
    return run(
      ...this.tool('pg_ctl', ['-D', this.data, '-l', path.join(this.dir, 'server.log'), '-w', '-t', '60', '-o', this.options, 'start']),
      { cwd: this.dir },
    );
  }

  /** Stops the server (`-m fast`: open connections are cut); the data stays. */
  async stopServer() {
    await run(...this.tool('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', '-t', '60', 'stop']), { cwd: this.dir });
  }

  /** Starts the stopped server again, on the same port. */
  async startServer() {
    await this.pgCtlStart();
  }

  async restart() {
    await this.stopServer();
    await this.startServer();
  }

  /** The URL of database `db` for the superuser, with the password. */
  url(db) {
    return `postgres://${USER}:${this.password}@127.0.0.1:${this.port}/${db}`;
  }

  /** Runs `sql` on database `db` with psql; the rows as arrays of text columns (tab-separated). */
  async query(db, sql) {
    const psql = fs.existsSync(path.join(this.bin, 'psql')) ? path.join(this.bin, 'psql') : 'psql';
    const out = await run(psql, ['-X', '-q', '-At', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-d', this.url(db), '-c', sql], {
      env: { ...process.env, PGCONNECT_TIMEOUT: '10' },
    });
    return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
  }

  /** A fresh, empty database; its URL. */
  async createDatabase(name) {
    await this.query('postgres', `CREATE DATABASE ${name}`);
    return this.url(name);
  }

  logTail() {
    try {
      return fs.readFileSync(path.join(this.dir, 'server.log'), 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '';
    }
  }

  stopSync() {
    if (!this.dir) return;
    if (fs.existsSync(path.join(this.data, 'postmaster.pid'))) {
      const [file, args] = this.tool('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
      spawnSync(file, args, { stdio: 'ignore', cwd: os.tmpdir() });
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }

  /** Stops the cluster and deletes its directory. */
  async stop() {
    if (this.onExit) process.removeListener('exit', this.onExit);
    this.onExit = null;
    if (!this.dir) return;
    if (fs.existsSync(path.join(this.data, 'postmaster.pid'))) {
      await run(...this.tool('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']), { cwd: os.tmpdir() }).catch(() => {});
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}

module.exports = { PgCluster };
