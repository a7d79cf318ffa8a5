// Reads the receiver's SQLite file with sql.js (the server uses a rollback journal, not WAL,
// so the main file holds every committed row).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const initSqlJs = require('sql.js');

let sqlPromise;
function sqlJs() {
  sqlPromise ??= initSqlJs({
    locateFile: (file) => path.join(path.dirname(require.resolve('sql.js')), file),
  });
  return sqlPromise;
}

function hotJournal(dbPath) {
  try {
    return fs.statSync(`${dbPath}-journal`).size > 0;
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Every row of `responses`, oldest first by received_at. Returns [] while the file or the table does
 * not exist yet. A read that overlaps a write transaction (hot journal, or a torn file) is retried.
 * @param {string} dbPath
 * @returns {Promise<Array<Record<string, unknown>>>}
 */
async function readResponses(dbPath) {
  const SQL = await sqlJs();
  let lastError;
  for (let attempt = 0; attempt < 40; attempt++) {
    if (!fs.existsSync(dbPath)) return [];
    if (hotJournal(dbPath)) {
      await sleep(25);
      continue;
    }
    let db;
    try {
      const bytes = fs.readFileSync(dbPath);
      if (hotJournal(dbPath)) {
        await sleep(25);
        continue;
      }
      if (bytes.length === 0) return [];
      db = new SQL.Database(bytes);
      const table = db.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'responses'");
      if (table.length === 0) return [];
      const stmt = db.prepare('SELECT * FROM responses ORDER BY received_at, id');
      const rows = [];
      while (stmt.step()) rows.push(stmt.getAsObject());
      stmt.free();
      return rows;
    } catch (err) {
      lastError = err;
      await sleep(25);
    } finally {
      db?.close();
    }
  }
  throw new Error(`could not read ${dbPath}: ${lastError ?? 'a write transaction never finished'}`);
}

module.exports = { readResponses };
