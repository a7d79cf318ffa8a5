//! The PostgreSQL backend of [`Db`](super::Db) (`--db postgres://…`): several `nps serve`
//! processes behind a load balancer share one database.
//!
//! - One connection per process, used like the SQLite file: behind the state's mutex, on the
//!   blocking pool (the synchronous `postgres` crate). A connection that broke (the server
//!   restarted, an administrator ended it) is opened again, and the batch or the read that met
//!   the break is run again on the new one.
//! - The table is `response_columns!` plus `rowid`, an identity column: the order
//!   responses were received in, which SQLite keeps without declaring it. It is created if
//!   missing, under an advisory lock, so that processes starting together do not race.
//! - A batch is one transaction of `INSERT … ON CONFLICT (id) DO NOTHING` ([`super::insert_each`]):
//!   of several processes storing the same id at once, one inserts it and the others wait for
//!   its commit and count a duplicate. A transaction that PostgreSQL aborts for a deadlock (two
//!   batches sharing ids in another order) is run again.
//! - The `from`/`to` window is applied in Rust to the rows of the touchpoint
//!   ([`super::Filter::admits`]), as for SQLite: both give the same answers. (A window does not
//!   narrow what PostgreSQL reads; an indexed column of instants would, at the price of a
//!   second home for the parsing of `answered_at`.)
//! - No TLS (`sslmode=require` is refused at start); the password can come from the URL or,
//!   as with libpq, from `PGPASSWORD`.

use std::time::Duration;

use nps_core::Batch;
use postgres::config::{Host, SslMode};
use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, Config, NoTls};

use super::{
    insert_each, response_columns, touchpoint_index, DbError, Inserted, PgUrl, StoredRow,
    INSERT_SQL, SELECT_SQL,
};

const SCHEMA_SQL: &str = concat!(
    "CREATE TABLE IF NOT EXISTS responses (\n",
    "    rowid       BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,",
    response_columns!(),
    ");\n",
    touchpoint_index!()
);

/// The advisory lock held while the table is created ("nps_sche").
const SCHEMA_LOCK: i64 = 0x6e70_735f_7363_6865;

/// How long a connection attempt may take, unless the URL says (`?connect_timeout=SECONDS`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How often a batch is tried when PostgreSQL aborts it for a deadlock or a serialization
/// failure, or the connection breaks under it.
const MAX_ATTEMPTS: u32 = 5;

/// A connection to a PostgreSQL database.
pub struct PgStore {
    url: PgUrl,
    config: Config,
    client: Option<Client>,
}

impl PgStore {
    /// Connects, creates the table if missing and checks its columns.
    ///
    /// # Errors
    /// [`DbError::Postgres`], naming the URL without its password, what went wrong and the fix.
    pub fn connect(url: &PgUrl) -> Result<PgStore, DbError> {
        let config = config_of(url)?;
        let mut client = config
            .connect(NoTls)
            .map_err(|e| startup_error(url, &config, &e))?;
        create_schema(url, &mut client)?;
        Ok(PgStore {
            url: url.clone(),
            config,
            client: Some(client),
        })
    }

    /// The open connection, or a new one when it was closed.
    fn client(&mut self) -> Result<&mut Client, DbError> {
        let client = match self.client.take() {
            Some(client) if !client.is_closed() => client,
            old => {
                close(old);
                let client = self.config.connect(NoTls)?;
                tracing::warn!("reconnected to {}", self.url);
                client
            }
        };
        Ok(self.client.insert(client))
    }

    /// Whether the connection broke under the last statement (the server restarted or
    /// dropped it): the next [`PgStore::client`] opens another.
    fn connection_lost(&self) -> bool {
        self.client.as_ref().is_some_and(Client::is_closed)
    }

    /// Stores a batch in one transaction ([`insert_each`]), run again (up to 5 times) when
    /// PostgreSQL aborts it for a deadlock or a serialization failure, or when the connection
    /// broke under it (on a new connection). Running a batch again is what the widget would
    /// do after a 500, only sooner: an id its first run stored counts as a duplicate.
    ///
    /// # Errors
    /// [`DbError::Unstorable`] for text with a NUL character, else the PostgreSQL error;
    /// nothing of the batch is stored then.
    pub fn insert_batch(&mut self, batch: &Batch, received_at: &str) -> Result<Inserted, DbError> {
        refuse_nul(batch)?;
        let mut attempt = 1;
        loop {
            match self.try_insert_batch(batch, received_at) {
                Err(DbError::Pg(e))
                    if attempt < MAX_ATTEMPTS && (is_transient(&e) || self.connection_lost()) =>
                {
                    tracing::info!(
                        attempt,
                        "batch aborted by PostgreSQL, trying again: {}",
                        describe(&e)
                    );
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    fn try_insert_batch(&mut self, batch: &Batch, received_at: &str) -> Result<Inserted, DbError> {
        let mut tx = self.client()?.transaction()?;
        let stmt = tx.prepare(INSERT_SQL)?;
        let inserted = insert_each(batch, received_at, |r| {
            tx.execute(
                &stmt,
                &[
                    &r.id,
                    &i32::from(r.score),
                    &r.comment,
                    &r.touchpoint,
                    &r.locale,
                    &r.answered_at,
                    &r.page,
                    &r.properties,
                    &r.batch_id,
                    &r.received_at,
                ],
            )
        })?;
        tx.commit()?;
        Ok(inserted)
    }

    /// Hands the rows of [`SELECT_SQL`] to `row`, in the order received, as they arrive. When
    /// the connection broke before the first row, the query runs once more on a new one.
    ///
    /// # Errors
    /// The PostgreSQL error, or `row`'s.
    pub fn scan<E: From<DbError>>(
        &mut self,
        touchpoint: Option<&str>,
        mut row: impl FnMut(&StoredRow<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut delivered = false;
        match self.try_scan(touchpoint, &mut row, &mut delivered) {
            Err(_) if !delivered && self.connection_lost() => {
                tracing::info!("connection to {} lost, reading again", self.url);
                self.try_scan(touchpoint, &mut row, &mut delivered)
            }
            other => other,
        }
    }

    fn try_scan<E: From<DbError>>(
        &mut self,
        touchpoint: Option<&str>,
        row: &mut impl FnMut(&StoredRow<'_>) -> Result<(), E>,
        delivered: &mut bool,
    ) -> Result<(), E> {
        let pg = |e: postgres::Error| E::from(DbError::Pg(e));
        let client = self.client().map_err(E::from)?;
        let mut rows = client.query_raw(SELECT_SQL, [touchpoint]).map_err(pg)?;
        while let Some(r) = rows.next().map_err(pg)? {
            let stored = StoredRow {
                id: r.try_get(0).map_err(pg)?,
                score: i64::from(r.try_get::<_, i32>(1).map_err(pg)?),
                comment: r.try_get(2).map_err(pg)?,
                touchpoint: r.try_get(3).map_err(pg)?,
                locale: r.try_get(4).map_err(pg)?,
                answered_at: r.try_get(5).map_err(pg)?,
                page: r.try_get(6).map_err(pg)?,
                properties: r.try_get(7).map_err(pg)?,
            };
            *delivered = true;
            row(&stored)?;
        }
        Ok(())
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        close(self.client.take());
    }
}

/// Closes a connection. `postgres::Client` closes on a runtime of its own, which cannot start
/// on a thread that runs async code (the router dropped at shutdown, a `#[tokio::test]`): there,
/// on a thread of its own.
fn close(client: Option<Client>) {
    let Some(client) = client else {
        return;
    };
    if tokio::runtime::Handle::try_current().is_ok() {
        let _ = std::thread::spawn(move || drop(client)).join();
    } else {
        drop(client);
    }
}

/// The URL's settings, with `PGPASSWORD` when the URL has no password, a connect timeout and
/// `application_name` (seen in `pg_stat_activity`) unless the URL sets them.
fn config_of(url: &PgUrl) -> Result<Config, DbError> {
    let mut config: Config = url.expose().parse().map_err(|e| DbError::Postgres {
        url: url.clone(),
        problem: format!("the URL does not read ({})", describe(&e)),
        fix: "write it as postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE".into(),
    })?;
    if config.get_password().is_none() {
        if let Some(password) = std::env::var_os("PGPASSWORD").filter(|p| !p.is_empty()) {
            config.password(password.as_encoded_bytes());
        }
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name("nps serve");
    }
    if config.get_ssl_mode() == SslMode::Require {
        return Err(DbError::Postgres {
            url: url.clone(),
            problem: "sslmode=require asks for TLS, which nps serve does not speak".into(),
            fix: "use sslmode=disable (or prefer) on a private network, or reach the server \
                  through a local TLS tunnel or proxy"
                .into(),
        });
    }
    Ok(config)
}

/// Creates the table and its index if missing (one process at a time), then checks that the
/// statements of [`super`] work on it.
fn create_schema(url: &PgUrl, client: &mut Client) -> Result<(), DbError> {
    let create = |client: &mut Client| -> Result<(), postgres::Error> {
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])?;
        tx.batch_execute(SCHEMA_SQL)?;
        tx.commit()
    };
    let not_ours = |e: &postgres::Error| DbError::Postgres {
        url: url.clone(),
        problem: format!(
            "the table responses is not the one nps serve makes ({})",
            describe(e)
        ),
        fix: "use another database (or rename that table) and let nps serve create it".into(),
    };
    create(client).map_err(|e| {
        if e.code() == Some(&SqlState::UNDEFINED_COLUMN) {
            return not_ours(&e);
        }
        let fix = match e.code() {
            Some(c) if *c == SqlState::READ_ONLY_SQL_TRANSACTION => {
                "the server is read-only (a standby?): point --db at the primary"
            }
            Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => {
                "let the user create tables in the database's schema (GRANT CREATE ON SCHEMA \
                 public TO the user), or create the table responses beforehand"
            }
            _ => "check that the user may create tables in this database",
        };
        DbError::Postgres {
            url: url.clone(),
            problem: format!("cannot create the table responses ({})", describe(&e)),
            fix: fix.into(),
        }
    })?;
    for sql in [INSERT_SQL, SELECT_SQL] {
        client.prepare(sql).map_err(|e| not_ours(&e))?;
    }
    Ok(())
}

/// What to do when the first connection fails.
fn startup_error(url: &PgUrl, config: &Config, e: &postgres::Error) -> DbError {
    let at = match (config.get_hosts().first(), config.get_ports().first()) {
        (Some(Host::Tcp(host)), Some(port)) => format!("{host}:{port}"),
        (Some(Host::Tcp(host)), None) => format!("{host}:5432"),
        _ => "the URL's host and port".to_string(),
    };
    let fix = match e.code() {
        Some(c) if *c == SqlState::INVALID_PASSWORD || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
            "check the user and the password (in the URL, or PGPASSWORD)".to_string()
        }
        Some(c) if *c == SqlState::INVALID_CATALOG_NAME => format!(
            "create the database first (createdb -h HOST -p PORT -U USER {}) or name an existing one in the URL",
            config.get_dbname().or(config.get_user()).unwrap_or("DATABASE")
        ),
        Some(c) if *c == SqlState::TOO_MANY_CONNECTIONS => {
            "the server has no free connection: raise max_connections or stop some clients".into()
        }
        Some(c) if *c == SqlState::CANNOT_CONNECT_NOW => {
            "the server is starting or stopping: try again in a moment".into()
        }
        _ => format!(
            "check that PostgreSQL is running and accepts connections at {at} \
             (listen_addresses, pg_hba.conf, firewall), or use an SQLite file with --db PATH"
        ),
    };
    DbError::Postgres {
        url: url.clone(),
        problem: describe(e),
        fix,
    }
}

/// A deadlock or a serialization failure: the transaction was rolled back and may be run again.
fn is_transient(e: &postgres::Error) -> bool {
    e.code().is_some_and(|c| {
        *c == SqlState::T_R_DEADLOCK_DETECTED || *c == SqlState::T_R_SERIALIZATION_FAILURE
    })
}

/// PostgreSQL's text holds no NUL character (SQLite's does): a response with one is refused
/// as a client error naming the field, rather than failing as a 500 the widget would retry.
fn refuse_nul(batch: &Batch) -> Result<(), DbError> {
    let refuse = |field: String| {
        Err(DbError::Unstorable {
            error: format!(
                "{field}: must not contain the NUL character (U+0000), which this receiver's \
                 database (PostgreSQL) cannot store"
            ),
            field,
        })
    };
    if batch.batch_id.contains('\0') {
        return refuse("batch_id".into());
    }
    for (i, r) in batch.responses.iter().enumerate() {
        let fields = [
            ("id", Some(&r.id)),
            ("comment", r.comment.as_ref()),
            ("touchpoint", Some(&r.touchpoint)),
            ("locale", Some(&r.locale)),
            ("answered_at", Some(&r.answered_at)),
            ("page", Some(&r.page)),
        ];
        for (name, value) in fields {
            if value.is_some_and(|v| v.contains('\0')) {
                return refuse(format!("responses[{i}].{name}"));
            }
        }
    }
    Ok(())
}

/// The error and its causes: `postgres::Error` alone says only "db error".
pub fn describe(e: &postgres::Error) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}
