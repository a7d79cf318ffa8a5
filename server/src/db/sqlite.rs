//! The SQLite backend of [`Db`](super::Db): one embedded file, the default.
//!
//! The database keeps SQLite's default rollback journal (not WAL): committed data is always in the
//! main file, so another process may read the file (e.g. sql.js in the end-to-end tests) while the
//! server runs.

use std::path::Path;
use std::time::Duration;

use nps_core::Batch;
use rusqlite::{params, Connection, OpenFlags};

use super::{
    insert_each, response_columns, touchpoint_index, DbError, Inserted, StoredRow, INSERT_SQL,
    SELECT_SQL,
};

const SCHEMA_SQL: &str = concat!(
    "CREATE TABLE IF NOT EXISTS responses (",
    response_columns!(),
    ");\n",
    touchpoint_index!()
);

/// An open SQLite file.
pub struct SqliteStore {
    conn: Connection,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file and its table, and checks it is writable.
    ///
    /// # Errors
    /// [`DbError::Open`] if the file cannot be opened, [`DbError::ReadOnly`] if it cannot be
    /// written, [`DbError::Sql`] if the schema cannot be created.
    pub fn open(path: &Path) -> Result<SqliteStore, DbError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let open_err = |source: rusqlite::Error| match source.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => DbError::NotADatabase {
                path: path.to_path_buf(),
            },
            _ => DbError::Open {
                path: path.to_path_buf(),
                source,
            },
        };
        let conn = Connection::open_with_flags(path, flags).map_err(open_err)?;
        if conn.is_readonly(rusqlite::MAIN_DB).map_err(open_err)? {
            return Err(DbError::ReadOnly {
                path: path.to_path_buf(),
            });
        }
        conn.busy_timeout(Duration::from_secs(5))?;
        // A file left in WAL mode by someone else would hide fresh rows from plain file readers.
        let mode: String = conn
            .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
            .map_err(open_err)?;
        if !mode.eq_ignore_ascii_case("delete") {
            return Err(DbError::Wal {
                path: path.to_path_buf(),
                mode,
            });
        }
        conn.execute_batch(SCHEMA_SQL).map_err(|e| match e {
            rusqlite::Error::SqliteFailure(ref f, _) if f.code == rusqlite::ErrorCode::ReadOnly => {
                DbError::ReadOnly {
                    path: path.to_path_buf(),
                }
            }
            other => open_err(other),
        })?;
        // Take the write lock once: fails now rather than on the first POST.
        conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;")
            .map_err(|_| DbError::ReadOnly {
                path: path.to_path_buf(),
            })?;
        Ok(SqliteStore { conn })
    }

    /// Stores a batch in one transaction ([`insert_each`]).
    ///
    /// # Errors
    /// The SQLite error; nothing of the batch is stored then.
    pub fn insert_batch(&mut self, batch: &Batch, received_at: &str) -> Result<Inserted, DbError> {
        let tx = self.conn.transaction()?;
        let inserted = {
            let mut stmt = tx.prepare_cached(INSERT_SQL)?;
            insert_each(batch, received_at, |r| {
                stmt.execute(params![
                    r.id,
                    r.score,
                    r.comment,
                    r.touchpoint,
                    r.locale,
                    r.answered_at,
                    r.page,
                    r.properties,
                    r.batch_id,
                    r.received_at,
                ])
                .map(|changed| changed as u64)
            })?
        };
        tx.commit()?;
        Ok(inserted)
    }

    /// Hands the rows of [`SELECT_SQL`] to `row`, in the order received.
    ///
    /// # Errors
    /// The SQLite error, or `row`'s.
    pub fn scan<E: From<DbError>>(
        &mut self,
        touchpoint: Option<&str>,
        mut row: impl FnMut(&StoredRow<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        let sql = |e: rusqlite::Error| E::from(DbError::Sql(e));
        let mut stmt = self.conn.prepare_cached(SELECT_SQL).map_err(sql)?;
        let mut rows = stmt.query(params![touchpoint]).map_err(sql)?;
        while let Some(r) = rows.next().map_err(sql)? {
            // Columns of another type (written by someone else) read as empty text.
            let text = |i| r.get_ref(i).map(|v| v.as_str().unwrap_or_default());
            let stored = StoredRow {
                id: text(0).map_err(sql)?,
                score: r.get(1).map_err(sql)?,
                comment: r
                    .get_ref(2)
                    .map(|v| v.as_str_or_null().ok().flatten())
                    .map_err(sql)?,
                touchpoint: text(3).map_err(sql)?,
                locale: text(4).map_err(sql)?,
                answered_at: text(5).map_err(sql)?,
                page: text(6).map_err(sql)?,
                properties: text(7).map_err(sql)?,
            };
            row(&stored)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    //! What only SQLite has: a file, its journal mode. What both backends do (dedupe, filters,
    //! export) is tested on both in tests/db.rs.
    use super::*;
    use nps_core::{Properties, Response};

    fn count(store: &SqliteStore) -> i64 {
        store
            .conn
            .query_row("SELECT COUNT(*) FROM responses", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn open_reports_the_path_and_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-dir").join("x.sqlite");
        let err = SqliteStore::open(&path).err().unwrap().to_string();
        assert!(err.starts_with("cannot open database "), "{err}");
        assert!(err.contains("missing-dir"), "{err}");
        assert!(
            err.ends_with("or pass another file with --db PATH"),
            "{err}"
        );
    }

    #[test]
    fn refuses_a_file_that_is_not_a_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, "x".repeat(4096)).unwrap();
        let err = SqliteStore::open(&path).err().unwrap().to_string();
        assert_eq!(
            err,
            format!(
                "{} is not an SQLite database; pass another file with --db PATH (it is created \
                 if missing)",
                path.display()
            )
        );
        assert_eq!(std::fs::read(&path).unwrap(), "x".repeat(4096).as_bytes());
    }

    #[test]
    fn a_wal_file_is_switched_back_to_the_rollback_journal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite");
        {
            let c = Connection::open(&path).unwrap();
            let mode: String = c
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
                .unwrap();
            assert_eq!(mode, "wal");
        }
        let db = SqliteStore::open(&path).unwrap();
        let mode: String = db
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "delete");
    }

    #[test]
    fn reopen_keeps_rollback_journal_and_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite");
        {
            let mut db = SqliteStore::open(&path).unwrap();
            let r = Response {
                id: "a".into(),
                score: 5,
                comment: None,
                touchpoint: "x".into(),
                locale: "en".into(),
                answered_at: "2026-11-22T09:00:00Z".into(),
                page: String::new(),
                properties: Properties::new(),
            };
            let batch = Batch::new("b1".into(), "2026-11-22T10:00:00Z".into(), vec![r]);
            db.insert_batch(&batch, "now").unwrap();
        }
        let db = SqliteStore::open(&path).unwrap();
        assert_eq!(count(&db), 1);
        let mode: String = db
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "delete");
        assert!(!dir.path().join("t.sqlite-wal").exists());
    }

    #[test]
    fn the_shared_statements_bind_positionally_in_sqlite() {
        // `$1`…`$10` are named parameters to SQLite, numbered in order of appearance, and a
        // repeated `$1` is one parameter.
        let dir = tempfile::tempdir().unwrap();
        let db = SqliteStore::open(&dir.path().join("t.sqlite")).unwrap();
        assert_eq!(db.conn.prepare(INSERT_SQL).unwrap().parameter_count(), 10);
        let select = db.conn.prepare(SELECT_SQL).unwrap();
        assert_eq!(select.parameter_count(), 1);
        assert_eq!(select.parameter_index("$1").unwrap(), Some(1));
    }
}
