// A real ClickHouse server for the end-to-end tests (Debian's clickhouse-server, installed by
// `cargo xtask test`): its own config, data and ports in a temp dir, on loopback; stopped after.
// The table and the insert-only user are the README's ClickHouse recipe.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { freePort } = require('./server');

const BIN = process.env.CLICKHOUSE_BIN || '/usr/sbin/clickhouse-server';

/** The README recipe's table: one row per response, deduplicated by id (ReplacingMergeTree). */
const TABLE_SQL = `CREATE TABLE nps.responses (
  id String,
  score UInt8,
  comment String,
  touchpoint String,
  locale String,
  answered_at DateTime,
  page String
) ENGINE = ReplacingMergeTree() ORDER BY id`;

/** The password of the recipe's insert user (anything in a page is public: it may only insert). */
const INSERT_PASSWORD = 'nps-insert-only';

class ClickHouse {
  async start() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nps-clickhouse-'));
    this.httpPort = await freePort();
    const tcpPort = await freePort();
    const d = this.dir;
    fs.writeFileSync(path.join(d, 'config.xml'), `<yandex>
  <logger><level>warning</level><log>${d}/server.log</log><errorlog>${d}/error.log</errorlog><console>0</console></logger>
  <http_port>${this.httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${d}/data/</path>
  <tmp_path>${d}/tmp/</tmp_path>
  <user_files_path>${d}/user_files/</user_files_path>
  <format_schema_path>${d}/format_schemas/</format_schema_path>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
</yandex>
`);
    fs.writeFileSync(path.join(d, 'users.xml'), `<yandex>
  <profiles><default></default></profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
    <nps_insert>
      <password>${INSERT_PASSWORD}</password>
      <networks><ip>127.0.0.1</ip></networks>
      <profile>default</profile><quota>default</quota>
      <allow_databases><database>nps</database></allow_databases>
    </nps_insert>
  </users>
  <quotas><default></default></quotas>
</yandex>
`);
    this.log = '';
    this.proc = spawn(BIN, [`--config-file=${path.join(d, 'config.xml')}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (b) => { this.log += b; });
    this.proc.stderr.on('data', (b) => { this.log += b; });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const r = await fetch(`http://127.0.0.1:${this.httpPort}/ping`);
        if (r.ok) break;
      } catch (e) { /* not up yet */ }
      if (Date.now() > deadline || this.proc.exitCode !== null) {
        throw new Error(`clickhouse-server did not start on 127.0.0.1:${this.httpPort}:\n${this.log}${this.errors()}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    await this.query('CREATE DATABASE nps');
    await this.query(TABLE_SQL);
  }

  errors() {
    try {
      return fs.readFileSync(path.join(this.dir, 'error.log'), 'utf8');
    } catch (e) {
      return '';
    }
  }

  /** The widget's endpoint: the recipe's INSERT … FORMAT JSONEachRow URL for the insert user. */
  endpoint() {
    const q = new URLSearchParams({
      query: 'INSERT INTO nps.responses FORMAT JSONEachRow',
      input_format_skip_unknown_fields: '1',
      date_time_input_format: 'best_effort',
      add_http_cors_header: '1',
      user: 'nps_insert',
      password: INSERT_PASSWORD,
    });
    return `http://127.0.0.1:${this.httpPort}/?${q}`;
  }

  /** Runs `sql` as the default user; the body of the answer (throws on an error status). */
  async query(sql) {
    const r = await fetch(`http://127.0.0.1:${this.httpPort}/?user=default`, { method: 'POST', body: sql });
    const text = await r.text();
    if (!r.ok) throw new Error(`ClickHouse: ${sql}: ${r.status} ${text}`);
    return text;
  }

  /** Rows of `sql … FORMAT JSONEachRow` as objects. */
  async rows(sql) {
    const text = await this.query(`${sql} FORMAT JSONEachRow`);
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
    }
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

module.exports = { ClickHouse, TABLE_SQL, INSERT_PASSWORD };
