//! The SQLite store of `nps serve`: one table, responses deduplicated by id.
//!
//! The database keeps SQLite's default rollback journal (not WAL): committed data is always in the
//! main file, so another process may read the file (e.g. sql.js in the end-to-end tests) while the
//! server runs.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use nps_core::{Batch, Properties, PropertyValue};
use rusqlite::functions::FunctionFlags;
use rusqlite::{params, Connection, OpenFlags};

const SCHEMA_SQL: &str = "
CREATE TABLE IF NOT EXISTS responses (
    id          TEXT PRIMARY KEY,
    score       INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    comment     TEXT,
    touchpoint  TEXT NOT NULL,
    locale      TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    page        TEXT NOT NULL,
    properties  TEXT NOT NULL,
    batch_id    TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS responses_touchpoint ON responses (touchpoint);
";

/// Column order of the CSV export (also what `nps score` reads back).
pub const CSV_HEADER: [&str; 8] = [
    "id",
    "score",
    "comment",
    "touchpoint",
    "locale",
    "answered_at",
    "page",
    "properties",
];

/// Why the database could not be opened or used.
#[derive(Debug)]
pub enum DbError {
    /// The file could not be opened or created.
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    /// The file opened, but only for reading.
    ReadOnly { path: PathBuf },
    /// The file is in WAL mode and could not be switched back (another process has it open).
    Wal { path: PathBuf, mode: String },
    /// The file exists but is not an SQLite database.
    NotADatabase { path: PathBuf },
    /// A statement failed.
    Sql(rusqlite::Error),
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbError::Open { path, source } => write!(
                f,
                "cannot open database {}: {source}; check that its directory exists and is \
                 writable, or pass another file with --db PATH",
                path.display()
            ),
            DbError::ReadOnly { path } => write!(
                f,
                "database {} is read-only; make the file and its directory writable, or pass \
                 another file with --db PATH",
                path.display()
            ),
            DbError::Wal { path, mode } => write!(
                f,
                "database {} is in journal mode {mode} and another process has it open; stop that \
                 process (or run: sqlite3 {} 'PRAGMA journal_mode=DELETE') and start again",
                path.display(),
                path.display()
            ),
            DbError::NotADatabase { path } => write!(
                f,
                "{} is not an SQLite database; pass another file with --db PATH (it is created \
                 if missing)",
                path.display()
            ),
            DbError::Sql(e) => write!(f, "database error: {e}"),
        }
    }
}

impl std::error::Error for DbError {}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        DbError::Sql(e)
    }
}

/// How many responses of a batch were new, and how many were already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Inserted {
    pub accepted: u64,
    pub duplicates: u64,
}

/// Filter of the summary: touchpoint equality and a half-open `[from_ms, to_ms)` window on
/// `answered_at` (Unix milliseconds).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub touchpoint: Option<String>,
    pub from_ms: Option<u64>,
    pub to_ms: Option<u64>,
}

impl Filter {
    /// The window as SQLite integers (bounds beyond i64 are treated as absent).
    fn window(&self) -> (Option<i64>, Option<i64>) {
        let int = |v: Option<u64>| v.and_then(|v| i64::try_from(v).ok());
        (int(self.from_ms), int(self.to_ms))
    }
}

/// An open database.
pub struct Db {
    conn: Connection,
}

impl Db {
    /// Opens (creating if missing) the database file and its table, and checks it is writable.
    ///
    /// # Errors
    /// [`DbError::Open`] if the file cannot be opened, [`DbError::ReadOnly`] if it cannot be
    /// written, [`DbError::Sql`] if the schema cannot be created.
    pub fn open(path: &Path) -> Result<Db, DbError> {
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
        conn.create_scalar_function(
            "nps_unix_ms",
            1,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| {
                let s: Option<String> = ctx.get(0)?;
                Ok(s.and_then(|s| nps_core::time::unix_ms_from_rfc3339(&s))
                    .and_then(|ms| i64::try_from(ms).ok()))
            },
        )?;
        Ok(Db { conn })
    }

    /// Stores a (validated) batch in one transaction; responses whose id is already stored
    /// (or repeated within the batch) count as duplicates.
    ///
    /// # Errors
    /// The SQLite error; nothing of the batch is stored then.
    pub fn insert_batch(
        &mut self,
        batch: &Batch,
        received_at: &str,
    ) -> Result<Inserted, rusqlite::Error> {
        let tx = self.conn.transaction()?;
        let mut out = Inserted::default();
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO responses (id, score, comment, touchpoint, locale, answered_at, page, \
                 properties, batch_id, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
                 ON CONFLICT(id) DO NOTHING",
            )?;
            for r in &batch.responses {
                let changed = stmt.execute(params![
                    r.id,
                    r.score,
                    r.comment,
                    r.touchpoint,
                    r.locale,
                    r.answered_at,
                    r.page,
                    properties_json(&r.properties),
                    batch.batch_id,
                    received_at,
                ])?;
                if changed == 1 {
                    out.accepted += 1;
                } else {
                    out.duplicates += 1;
                }
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// Hands each stored response matching `filter` to `row(score, touchpoint, answered_at)`,
    /// in the order they were received: what the summary counts (`nps_core::report`), read
    /// without going through the CSV export.
    ///
    /// # Errors
    /// The SQLite error.
    pub fn each_score(
        &self,
        filter: &Filter,
        mut row: impl FnMut(u8, &str, &str),
    ) -> Result<(), rusqlite::Error> {
        let (from, to) = filter.window();
        let mut stmt = self.conn.prepare_cached(
            "SELECT score, touchpoint, answered_at FROM responses \
             WHERE (?1 IS NULL OR touchpoint = ?1) \
               AND (?2 IS NULL OR nps_unix_ms(answered_at) >= ?2) \
               AND (?3 IS NULL OR nps_unix_ms(answered_at) < ?3) \
             ORDER BY rowid",
        )?;
        let mut rows = stmt.query(params![filter.touchpoint, from, to])?;
        while let Some(r) = rows.next()? {
            // The CHECK constraint keeps scores in 0..=10.
            let Ok(score) = u8::try_from(r.get::<_, i64>(0)?) else {
                continue;
            };
            let text = |i| r.get_ref(i).map(|v| v.as_str().unwrap_or_default());
            row(score, text(1)?, text(2)?);
        }
        Ok(())
    }

    /// Writes the stored responses matching `filter` as CSV (RFC 4180: CRLF, quotes where
    /// needed), in the order they were received.
    ///
    /// # Errors
    /// The SQLite or CSV (I/O) error.
    pub fn export_csv<W: Write>(&self, filter: &Filter, out: W) -> Result<W, ExportError> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        w.write_record(CSV_HEADER)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, score, comment, touchpoint, locale, answered_at, page, properties \
             FROM responses \
             WHERE (?1 IS NULL OR touchpoint = ?1) \
               AND (?2 IS NULL OR nps_unix_ms(answered_at) >= ?2) \
               AND (?3 IS NULL OR nps_unix_ms(answered_at) < ?3) \
             ORDER BY rowid",
        )?;
        let (from, to) = filter.window();
        let mut rows = stmt.query(params![filter.touchpoint, from, to])?;
        while let Some(row) = rows.next()? {
            let score: i64 = row.get(1)?;
            let comment: Option<String> = row.get(2)?;
            let score = score.to_string();
            let text = |i| row.get_ref(i).map(|v| v.as_str().unwrap_or_default());
            w.write_record([
                text(0)?,
                score.as_str(),
                comment.as_deref().unwrap_or(""),
                text(3)?,
                text(4)?,
                text(5)?,
                text(6)?,
                text(7)?,
            ])?;
        }
        w.into_inner()
            .map_err(|e| ExportError::Csv(csv::Error::from(e.into_error())))
    }

    /// Number of stored responses.
    #[cfg(test)]
    ///
    /// # Errors
    /// The SQLite error.
    pub fn count(&self) -> Result<u64, rusqlite::Error> {
        self.conn
            .query_row("SELECT COUNT(*) FROM responses", [], |r| r.get::<_, i64>(0))
            .map(|n| u64::try_from(n).unwrap_or(0))
    }
}

/// Failure of the CSV export.
#[derive(Debug)]
pub enum ExportError {
    Sql(rusqlite::Error),
    Csv(csv::Error),
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::Sql(e) => write!(f, "database error: {e}"),
            ExportError::Csv(e) => write!(f, "CSV export failed: {e}"),
        }
    }
}

impl std::error::Error for ExportError {}

impl From<rusqlite::Error> for ExportError {
    fn from(e: rusqlite::Error) -> Self {
        ExportError::Sql(e)
    }
}

impl From<csv::Error> for ExportError {
    fn from(e: csv::Error) -> Self {
        ExportError::Csv(e)
    }
}

/// Compact JSON of the properties; whole numbers are written without `.0` (as JavaScript does).
pub fn properties_json(props: &Properties) -> String {
    let map: serde_json::Map<String, serde_json::Value> = props
        .iter()
        .map(|(k, v)| {
            let v = match v {
                PropertyValue::Bool(b) => serde_json::Value::Bool(*b),
                PropertyValue::String(s) => serde_json::Value::String(s.clone()),
                PropertyValue::Number(n) => {
                    // |n| < 2^53: exactly representable as an integer
                    if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
                        serde_json::Value::from(*n as i64)
                    } else {
                        serde_json::Number::from_f64(*n)
                            .map_or(serde_json::Value::Null, serde_json::Value::Number)
                    }
                }
            };
            (k.clone(), v)
        })
        .collect();
    serde_json::Value::Object(map).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use nps_core::Response;

    fn response(id: &str, score: u8, touchpoint: &str, answered_at: &str) -> Response {
        Response {
            id: id.to_string(),
            score,
            comment: None,
            touchpoint: touchpoint.to_string(),
            locale: "en".to_string(),
            answered_at: answered_at.to_string(),
            page: String::new(),
            properties: Properties::new(),
        }
    }

    fn batch(responses: Vec<Response>) -> Batch {
        Batch::new("b1".into(), "2026-11-22T10:00:00Z".into(), responses)
    }

    fn temp_db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.sqlite")).unwrap();
        (dir, db)
    }

    #[test]
    fn dedupes_within_and_across_batches() {
        let (_dir, mut db) = temp_db();
        let b = batch(vec![
            response("a", 9, "checkout", "2026-11-22T09:00:00Z"),
            response("b", 3, "checkout", "2026-11-22T09:00:00Z"),
            response("a", 9, "checkout", "2026-11-22T09:00:00Z"),
        ]);
        let first = db.insert_batch(&b, "2026-11-22T10:00:00Z").unwrap();
        assert_eq!(
            first,
            Inserted {
                accepted: 2,
                duplicates: 1
            }
        );
        let again = db.insert_batch(&b, "2026-11-22T10:00:01Z").unwrap();
        assert_eq!(
            again,
            Inserted {
                accepted: 0,
                duplicates: 3
            }
        );
        assert_eq!(db.count().unwrap(), 2);
    }

    #[test]
    fn each_score_filters_touchpoint_and_window_across_offsets() {
        let (_dir, mut db) = temp_db();
        db.insert_batch(
            &batch(vec![
                response("1", 10, "checkout", "2026-11-21T23:59:59Z"),
                // 2026-11-22T00:30:00Z written with an offset
                response("2", 0, "checkout", "2026-11-21T19:30:00-05:00"),
                response("3", 9, "delivery", "2026-11-22T12:00:00.250Z"),
                response("4", 7, "checkout", "2026-11-23T00:00:00Z"),
            ]),
            "now",
        )
        .unwrap();
        let tally = |filter: &Filter| {
            let mut t = nps_core::Tally::new();
            db.each_score(filter, |score, _, _| {
                let _ = t.add(score);
            })
            .unwrap();
            t
        };
        let all = tally(&Filter::default());
        assert_eq!(all.n(), 4);
        let checkout = tally(&Filter {
            touchpoint: Some("checkout".into()),
            ..Filter::default()
        });
        assert_eq!(
            (checkout.n(), checkout.promoters(), checkout.detractors()),
            (3, 1, 1)
        );
        let day = 1_795_305_600_000; // 2026-11-22T00:00:00Z
        let nov22 = tally(&Filter {
            touchpoint: None,
            from_ms: Some(day),
            to_ms: Some(day + 86_400_000),
        });
        assert_eq!(
            (nov22.n(), nov22.count(0), nov22.count(9)),
            (2, 1, 1),
            "half-open window [00:00, next 00:00)"
        );
    }

    #[test]
    fn export_quotes_per_rfc4180() {
        let (_dir, mut db) = temp_db();
        let mut r = response("x", 8, "check,out", "2026-11-22T09:00:00Z");
        r.comment = Some("said \"hi\",\nthen left".into());
        r.properties
            .insert("order".into(), PropertyValue::String("A-17".into()));
        r.properties.insert("n".into(), PropertyValue::Number(17.0));
        r.properties.insert("f".into(), PropertyValue::Number(1.5));
        r.properties.insert("ok".into(), PropertyValue::Bool(true));
        db.insert_batch(&batch(vec![r]), "now").unwrap();
        let out =
            String::from_utf8(db.export_csv(&Filter::default(), Vec::new()).unwrap()).unwrap();
        assert_eq!(
            out,
            "id,score,comment,touchpoint,locale,answered_at,page,properties\r\n\
             x,8,\"said \"\"hi\"\",\nthen left\",\"check,out\",en,2026-11-22T09:00:00Z,,\
             \"{\"\"f\"\":1.5,\"\"n\"\":17,\"\"ok\"\":true,\"\"order\"\":\"\"A-17\"\"}\"\r\n"
        );
    }

    #[test]
    fn open_reports_the_path_and_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-dir").join("x.sqlite");
        let err = Db::open(&path).err().unwrap().to_string();
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
        let err = Db::open(&path).err().unwrap().to_string();
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
        let db = Db::open(&path).unwrap();
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
            let mut db = Db::open(&path).unwrap();
            db.insert_batch(
                &batch(vec![response("a", 5, "x", "2026-11-22T09:00:00Z")]),
                "now",
            )
            .unwrap();
        }
        let db = Db::open(&path).unwrap();
        assert_eq!(db.count().unwrap(), 1);
        let mode: String = db
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "delete");
        assert!(!dir.path().join("t.sqlite-wal").exists());
    }
}
