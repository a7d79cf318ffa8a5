//! The store of `nps serve`: one table of responses, deduplicated by id, in SQLite (the
//! default: one embedded file, [`sqlite`]) or PostgreSQL (`--db postgres://…`, so that several
//! `nps serve` processes share one database: [`postgres`]).
//!
//! [`Db`] is what the handlers use; they do not know which backend runs. What does not depend
//! on the SQL engine lives here, once: the table's columns (`response_columns!`), the insert
//! and the select ([`INSERT_SQL`], [`SELECT_SQL`]: the same text for both engines), the dedupe
//! rule ([`insert_each`]), the `from`/`to` window ([`Filter::admits`]), the CSV export
//! ([`CSV_HEADER`], [`Db::export_csv`]) and the `properties` JSON ([`properties_json`]). A
//! backend only opens its database, runs those statements in a transaction per batch, and hands
//! the selected rows over.

use std::fmt;
use std::io::Write;
use std::path::Path;

use nps_core::{Batch, Properties, PropertyValue};

pub mod location;
pub mod postgres;
pub mod sqlite;

pub use location::{DbLocation, PgUrl};

/// The columns of `responses`, the same in both engines (PostgreSQL adds `rowid` first, which
/// SQLite has without declaring it: the order responses were received in).
macro_rules! response_columns {
    () => {
        "
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
"
    };
}

/// The index of both engines.
macro_rules! touchpoint_index {
    () => {
        "CREATE INDEX IF NOT EXISTS responses_touchpoint ON responses (touchpoint);\n"
    };
}

pub(crate) use {response_columns, touchpoint_index};

/// Stores one response unless its id is there already (then nothing changes: 0 rows).
/// `$1`…`$10` are positional in PostgreSQL and, used in order, in SQLite too.
pub const INSERT_SQL: &str = "INSERT INTO responses (id, score, comment, touchpoint, locale, \
     answered_at, page, properties, batch_id, received_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING";

/// The [`CSV_HEADER`] columns of the responses of one touchpoint (`$1`; all when NULL), in the
/// order they were received. The `from`/`to` window is [`Filter::admits`], applied to what
/// this selects.
pub const SELECT_SQL: &str = "SELECT id, score, comment, touchpoint, locale, answered_at, page, \
     properties FROM responses WHERE (CAST($1 AS TEXT) IS NULL OR touchpoint = $1) \
     ORDER BY rowid";

/// Column order of the CSV export (also what `nps score` reads back), and of [`SELECT_SQL`].
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
    /// The SQLite file could not be opened or created.
    Open {
        path: std::path::PathBuf,
        source: rusqlite::Error,
    },
    /// The SQLite file opened, but only for reading.
    ReadOnly { path: std::path::PathBuf },
    /// The SQLite file is in WAL mode and could not be switched back (another process has it
    /// open).
    Wal {
        path: std::path::PathBuf,
        mode: String,
    },
    /// The file exists but is not an SQLite database.
    NotADatabase { path: std::path::PathBuf },
    /// The PostgreSQL database could not be reached or used at start: `url` is shown without
    /// its password, `problem` says what went wrong and `fix` what to do.
    Postgres {
        url: PgUrl,
        problem: String,
        fix: String,
    },
    /// An SQLite statement failed.
    Sql(rusqlite::Error),
    /// A PostgreSQL statement failed.
    Pg(::postgres::Error),
    /// A response cannot be stored as it is (PostgreSQL's text holds no NUL character):
    /// a client error naming the field.
    Unstorable { field: String, error: String },
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
            DbError::Postgres { url, problem, fix } => {
                write!(f, "cannot use PostgreSQL database {url}: {problem}; {fix}")
            }
            DbError::Sql(e) => write!(f, "database error: {e}"),
            DbError::Pg(e) => write!(f, "database error: {}", postgres::describe(e)),
            DbError::Unstorable { error, .. } => error.fmt(f),
        }
    }
}

impl std::error::Error for DbError {}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        DbError::Sql(e)
    }
}

impl From<::postgres::Error> for DbError {
    fn from(e: ::postgres::Error) -> Self {
        DbError::Pg(e)
    }
}

/// How many responses of a batch were new, and how many were already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Inserted {
    pub accepted: u64,
    pub duplicates: u64,
}

/// Filter of the summary and the export: touchpoint equality and a half-open
/// `[from_ms, to_ms)` window on `answered_at` (Unix milliseconds).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub touchpoint: Option<String>,
    pub from_ms: Option<u64>,
    pub to_ms: Option<u64>,
}

impl Filter {
    /// Whether a stored `answered_at` is inside the window: read as an instant with nps-core's
    /// RFC 3339 reader (offsets honoured, fractions to the millisecond); one that does not read
    /// as an instant is outside any window, and inside when there is none. A bound beyond i64
    /// counts as absent.
    pub fn admits(&self, answered_at: &str) -> bool {
        let int = |v: Option<u64>| v.and_then(|v| i64::try_from(v).ok());
        let (from, to) = (int(self.from_ms), int(self.to_ms));
        if from.is_none() && to.is_none() {
            return true;
        }
        let Some(ms) =
            nps_core::time::unix_ms_from_rfc3339(answered_at).and_then(|ms| i64::try_from(ms).ok())
        else {
            return false;
        };
        from.is_none_or(|from| ms >= from) && to.is_none_or(|to| ms < to)
    }
}

/// One response as [`INSERT_SQL`] takes it (`$1`…`$10`, in this order).
pub struct NewRow<'a> {
    pub id: &'a str,
    pub score: u8,
    pub comment: Option<&'a str>,
    pub touchpoint: &'a str,
    pub locale: &'a str,
    pub answered_at: &'a str,
    pub page: &'a str,
    pub properties: String,
    pub batch_id: &'a str,
    pub received_at: &'a str,
}

/// The dedupe rule: each response of the batch is inserted unless its id is stored already
/// (by an earlier batch, this one, or another process); `insert` answers how many rows it
/// stored, and a response that stored none is a duplicate. The backend runs this inside one
/// transaction, so that nothing of a failed batch is stored.
///
/// # Errors
/// `insert`'s first error.
pub fn insert_each<E>(
    batch: &Batch,
    received_at: &str,
    mut insert: impl FnMut(&NewRow<'_>) -> Result<u64, E>,
) -> Result<Inserted, E> {
    let mut out = Inserted::default();
    for r in &batch.responses {
        let row = NewRow {
            id: &r.id,
            score: r.score,
            comment: r.comment.as_deref(),
            touchpoint: &r.touchpoint,
            locale: &r.locale,
            answered_at: &r.answered_at,
            page: &r.page,
            properties: properties_json(&r.properties),
            batch_id: &batch.batch_id,
            received_at,
        };
        if insert(&row)? == 1 {
            out.accepted += 1;
        } else {
            out.duplicates += 1;
        }
    }
    Ok(out)
}

/// One row of [`SELECT_SQL`].
pub struct StoredRow<'a> {
    pub id: &'a str,
    pub score: i64,
    pub comment: Option<&'a str>,
    pub touchpoint: &'a str,
    pub locale: &'a str,
    pub answered_at: &'a str,
    pub page: &'a str,
    pub properties: &'a str,
}

/// The backend in use.
enum Store {
    Sqlite(sqlite::SqliteStore),
    Postgres(Box<postgres::PgStore>),
}

/// An open database.
pub struct Db {
    store: Store,
}

impl Db {
    /// Opens the database `location` names: an SQLite file (see [`Db::open_sqlite`]) or a
    /// PostgreSQL database (see [`postgres::PgStore::connect`]); the table is created if missing.
    ///
    /// # Errors
    /// A [`DbError`] that names the file or the URL (without password) and the fix.
    pub fn open(location: &DbLocation) -> Result<Db, DbError> {
        let store = match location {
            DbLocation::Sqlite(path) => Store::Sqlite(sqlite::SqliteStore::open(path)?),
            DbLocation::Postgres(url) => {
                Store::Postgres(Box::new(postgres::PgStore::connect(url)?))
            }
        };
        Ok(Db { store })
    }

    /// Opens (creating if missing) an SQLite file and its table, and checks it is writable.
    ///
    /// # Errors
    /// [`DbError::Open`] if the file cannot be opened, [`DbError::ReadOnly`] if it cannot be
    /// written, [`DbError::Sql`] if the schema cannot be created.
    pub fn open_sqlite(path: &Path) -> Result<Db, DbError> {
        Db::open(&DbLocation::Sqlite(path.to_path_buf()))
    }

    /// Stores a (validated) batch in one transaction; responses whose id is already stored
    /// (or repeated within the batch) count as duplicates ([`insert_each`]).
    ///
    /// # Errors
    /// The database error; nothing of the batch is stored then.
    pub fn insert_batch(&mut self, batch: &Batch, received_at: &str) -> Result<Inserted, DbError> {
        match &mut self.store {
            Store::Sqlite(s) => s.insert_batch(batch, received_at),
            Store::Postgres(s) => s.insert_batch(batch, received_at),
        }
    }

    /// Hands each stored row of `filter`'s touchpoint, in the order received, to `row`; the
    /// window is not applied yet.
    fn scan<E: From<DbError>>(
        &mut self,
        touchpoint: Option<&str>,
        row: impl FnMut(&StoredRow<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        match &mut self.store {
            Store::Sqlite(s) => s.scan(touchpoint, row),
            Store::Postgres(s) => s.scan(touchpoint, row),
        }
    }

    /// Hands each stored response matching `filter` to `row(score, touchpoint, answered_at)`,
    /// in the order they were received: what the summary counts (`nps_core::report`), read
    /// without going through the CSV export.
    ///
    /// # Errors
    /// The database error.
    pub fn each_score(
        &mut self,
        filter: &Filter,
        mut row: impl FnMut(u8, &str, &str),
    ) -> Result<(), DbError> {
        self.scan(filter.touchpoint.as_deref(), |r: &StoredRow<'_>| {
            // The CHECK constraint keeps scores in 0..=10.
            if let Ok(score) = u8::try_from(r.score) {
                if filter.admits(r.answered_at) {
                    row(score, r.touchpoint, r.answered_at);
                }
            }
            Ok::<(), DbError>(())
        })
    }

    /// Writes the stored responses matching `filter` as CSV (RFC 4180: CRLF, quotes where
    /// needed), in the order they were received.
    ///
    /// # Errors
    /// The database or CSV (I/O) error.
    pub fn export_csv<W: Write>(&mut self, filter: &Filter, out: W) -> Result<W, ExportError> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        w.write_record(CSV_HEADER)?;
        self.scan(filter.touchpoint.as_deref(), |r: &StoredRow<'_>| {
            if !filter.admits(r.answered_at) {
                return Ok(());
            }
            let score = r.score.to_string();
            w.write_record([
                r.id,
                score.as_str(),
                r.comment.unwrap_or(""),
                r.touchpoint,
                r.locale,
                r.answered_at,
                r.page,
                r.properties,
            ])
            .map_err(ExportError::Csv)
        })?;
        w.into_inner()
            .map_err(|e| ExportError::Csv(csv::Error::from(e.into_error())))
    }

    /// Number of stored responses.
    ///
    /// # Errors
    /// The database error.
    pub fn count(&mut self) -> Result<u64, DbError> {
        let mut n = 0;
        self.scan(None, |_: &StoredRow<'_>| {
            n += 1;
            Ok::<(), DbError>(())
        })?;
        Ok(n)
    }
}

/// Failure of the CSV export.
#[derive(Debug)]
pub enum ExportError {
    Db(DbError),
    Csv(csv::Error),
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::Db(e) => e.fmt(f),
            ExportError::Csv(e) => write!(f, "CSV export failed: {e}"),
        }
    }
}

impl std::error::Error for ExportError {}

impl From<DbError> for ExportError {
    fn from(e: DbError) -> Self {
        ExportError::Db(e)
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

    #[test]
    fn the_window_is_half_open_on_instants() {
        let day = 1_795_305_600_000; // 2026-11-22T00:00:00Z
        let f = Filter {
            touchpoint: None,
            from_ms: Some(day),
            to_ms: Some(day + 86_400_000),
        };
        for (at, inside) in [
            ("2026-11-22T00:00:00Z", true),
            ("2026-11-21T23:59:59.999Z", false),
            ("2026-11-21T19:30:00-05:00", true),
            ("2026-11-22T23:59:59.9999Z", true),
            ("2026-11-23T00:00:00Z", false),
            ("2026-11-23T01:00:00+01:00", false),
            ("not a time", false),
        ] {
            assert_eq!(f.admits(at), inside, "{at}");
        }
        assert!(Filter::default().admits("not a time"));
        let huge = Filter {
            from_ms: Some(u64::MAX),
            ..Filter::default()
        };
        assert!(huge.admits("not a time"), "a bound beyond i64 is absent");
    }
}
