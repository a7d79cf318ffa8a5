// The fault matrix's count of deliveries inside the receiver's own database (SQLite, and the
// same for PostgreSQL): a BEFORE INSERT trigger on `responses` writes every row `nps serve`
// tries to insert into `matrix_deliveries`, the duplicates that `INSERT … ON CONFLICT (id) DO
// NOTHING` then skips included, in the batch's own transaction (a batch rolled back counts
// nothing; a batch committed counts even when its client went away before the answer, which
// `nps serve`'s log then never reports). Deliveries beyond the first per id = rows − distinct
// ids: the duplicates the receiver absorbed.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const initSqlJs = require('sql.js');

const TABLE = 'CREATE TABLE IF NOT EXISTS matrix_deliveries (id TEXT NOT NULL)';
const SQLITE_TRIGGER =
  'CREATE TRIGGER IF NOT EXISTS matrix_count_delivery BEFORE INSERT ON responses ' +
  'BEGIN INSERT INTO matrix_deliveries (id) VALUES (NEW.id); END';
/** The PostgreSQL twin (run with psql once `nps serve` has created `responses`). */
const POSTGRES_COUNTER = `${TABLE};
CREATE OR REPLACE FUNCTION matrix_count_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO matrix_deliveries (id) VALUES (NEW.id); RETURN NEW; END $$;
CREATE TRIGGER matrix_count_delivery BEFORE INSERT ON responses FOR EACH ROW EXECUTE FUNCTION matrix_count_delivery();`;
const COUNT_SQL = 'SELECT count(*) AS rows, count(DISTINCT id) AS ids FROM matrix_deliveries';

let sqlPromise;
function sqlJs() {
  sqlPromise ??= initSqlJs({ locateFile: (file) => path.join(path.dirname(require.resolve('sql.js')), file) });
  return sqlPromise;
}

/**
 * Adds the counter to the SQLite file of `server` (an NpsServer): stops it, changes the file
 * (nobody else has it open then), starts it again on the same file.
 */
async function countSqliteDeliveries(server) {
  await server.stop();
  const SQL = await sqlJs();
  const db = new SQL.Database(fs.readFileSync(server.dbPath));
  try {
    const table = db.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'responses'");
    if (table.length === 0) throw new Error(`${server.dbPath}: nps serve created no responses table`);
    db.exec(`${TABLE}; ${SQLITE_TRIGGER}`);
    fs.writeFileSync(server.dbPath, Buffer.from(db.export()));
  } finally {
    db.close();
  }
  await server.start();
}

/** `{rows, ids}` of the counter in the SQLite file (retried while a write is under way). */
async function sqliteDeliveries(dbPath) {
  const SQL = await sqlJs();
  let lastError;
  for (let attempt = 0; attempt < 80; attempt++) {
    let db;
    try {
      if (fs.existsSync(`${dbPath}-journal`) && fs.statSync(`${dbPath}-journal`).size > 0) throw new Error('hot journal');
      db = new SQL.Database(fs.readFileSync(dbPath));
      const [{ values }] = db.exec(COUNT_SQL);
      return { rows: Number(values[0][0]), ids: Number(values[0][1]) };
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 25));
    } finally {
      db?.close();
    }
  }
  throw new Error(`could not read the delivery count of ${dbPath}: ${lastError}`);
}

module.exports = { countSqliteDeliveries, sqliteDeliveries, POSTGRES_COUNTER, COUNT_SQL };
