//! [`DbLocation`]: what `--db` names — an SQLite file (the default) or a PostgreSQL URL
//! (`postgres://…` or `postgresql://…`), and [`PgUrl`], such a URL that never shows its
//! password.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};

/// Where the responses are stored.
#[derive(Clone, PartialEq, Eq)]
pub enum DbLocation {
    /// An SQLite file, created if missing.
    Sqlite(PathBuf),
    /// A PostgreSQL database; the table is created if missing.
    Postgres(PgUrl),
}

impl DbLocation {
    /// `--db VALUE`: a `postgres://` or `postgresql://` URL (scheme in any case) selects
    /// PostgreSQL; anything else is an SQLite path.
    ///
    /// # Errors
    /// What is wrong with a PostgreSQL URL, for clap to print after the flag and the value.
    pub fn from_arg(value: &OsStr) -> Result<DbLocation, String> {
        match value.to_str() {
            Some(v) if PgUrl::is_url(v) => PgUrl::parse(v).map(DbLocation::Postgres),
            _ => Ok(DbLocation::Sqlite(PathBuf::from(value))),
        }
    }

    /// The SQLite file, if that is where the responses are.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            DbLocation::Sqlite(path) => Some(path),
            DbLocation::Postgres(_) => None,
        }
    }
}

impl From<PathBuf> for DbLocation {
    fn from(path: PathBuf) -> Self {
        DbLocation::Sqlite(path)
    }
}

impl From<&Path> for DbLocation {
    fn from(path: &Path) -> Self {
        DbLocation::Sqlite(path.to_path_buf())
    }
}

/// The path as given, or the URL without its password (the ready line, error messages).
impl fmt::Display for DbLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbLocation::Sqlite(path) => path.display().fmt(f),
            DbLocation::Postgres(url) => url.fmt(f),
        }
    }
}

/// Never prints a password.
impl fmt::Debug for DbLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbLocation::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            DbLocation::Postgres(url) => f.debug_tuple("Postgres").field(url).finish(),
        }
    }
}

/// A PostgreSQL URL (`postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?PARAM=VALUE&…]`, as
/// rust-postgres reads it). It displays, and debug-prints, without the password.
#[derive(Clone, PartialEq, Eq)]
pub struct PgUrl {
    url: String,
    shown: String,
}

impl PgUrl {
    const SCHEMES: [&'static str; 2] = ["postgres://", "postgresql://"];

    /// True when `value` starts with `postgres://` or `postgresql://` (in any case).
    pub fn is_url(value: &str) -> bool {
        Self::SCHEMES.iter().any(|scheme| {
            value
                .get(..scheme.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(scheme))
        })
    }

    /// Checks that `value` is a URL rust-postgres reads, naming a user and a host.
    ///
    /// # Errors
    /// What is expected (the message never contains the password).
    pub fn parse(value: &str) -> Result<PgUrl, String> {
        // The scheme in lower case: rust-postgres only knows it so.
        let url = match value.find("://") {
            Some(end) if Self::is_url(value) => {
                format!("{}{}", value[..end].to_ascii_lowercase(), &value[end..])
            }
            _ => return Err(format!("{} is not a postgres:// URL", redact(value))),
        };
        let shown = redact(&url);
        let expected = "expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE";
        let config: postgres::Config = url
            .parse()
            .map_err(|e| format!("{shown} is not a valid PostgreSQL URL ({e}); {expected}"))?;
        if config.get_hosts().is_empty() {
            return Err(format!("{shown} names no host; {expected}"));
        }
        if config.get_user().is_none_or(str::is_empty) {
            return Err(format!("{shown} names no user; {expected}"));
        }
        Ok(PgUrl { url, shown })
    }

    /// The URL with its password, for connecting.
    pub fn expose(&self) -> &str {
        &self.url
    }
}

impl fmt::Display for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl fmt::Debug for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PgUrl").field(&self.shown).finish()
    }
}

/// `url` without its password: `:PASSWORD` of the user part is left out, and so is a
/// `password=` parameter. The user part ends at the first `@`, as rust-postgres reads it.
pub fn redact(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let (scheme, rest) = url.split_at(start);
    let rest = match rest.find('@') {
        Some(at) => {
            let (creds, tail) = rest.split_at(at);
            let user = creds.split_once(':').map_or(creds, |(user, _)| user);
            format!("{user}{tail}")
        }
        None => rest.to_string(),
    };
    let rest = match rest.split_once('?') {
        Some((head, query)) => {
            let kept: Vec<&str> = query
                .split('&')
                .filter(|kv| {
                    let key = kv.split('=').next().unwrap_or_default();
                    !key.eq_ignore_ascii_case("password")
                })
                .collect();
            if kept.is_empty() {
                head.to_string()
            } else {
                format!("{head}?{}", kept.join("&"))
            }
        }
        None => rest,
    };
    format!("{scheme}{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg(v: &str) -> Result<DbLocation, String> {
        DbLocation::from_arg(OsStr::new(v))
    }

    #[test]
    fn a_postgres_url_selects_postgresql_and_anything_else_is_a_file() {
        for url in [
            "postgres://nps@db.example.com/nps",
            "postgresql://nps:pw@127.0.0.1:5433/nps?connect_timeout=3",
            "POSTGRES://nps@db/nps",
        ] {
            assert!(
                matches!(arg(url), Ok(DbLocation::Postgres(_))),
                "{url}: {:?}",
                arg(url)
            );
        }
        for path in [
            "nps.sqlite",
            "postgres.sqlite",
            "./postgres:/x",
            "host=db user=nps",
        ] {
            assert_eq!(arg(path), Ok(DbLocation::Sqlite(path.into())), "{path}");
        }
    }

    #[test]
    fn the_password_is_never_shown() {
        let loc = arg("postgres://nps:s3cret@db.example.com:5433/nps?sslmode=disable").unwrap();
        assert_eq!(
            loc.to_string(),
            "postgres://nps@db.example.com:5433/nps?sslmode=disable"
        );
        assert!(!format!("{loc:?}").contains("s3cret"));
        let DbLocation::Postgres(url) = &loc else {
            panic!()
        };
        assert!(url.expose().contains("s3cret"));
        assert_eq!(
            redact("postgresql://nps@db/nps?password=s3cret&application_name=x"),
            "postgresql://nps@db/nps?application_name=x"
        );
        assert_eq!(
            redact("postgres://nps:a:b@db/x?password=y"),
            "postgres://nps@db/x"
        );
        assert_eq!(
            arg("Postgresql://nps:pw@db/nps").unwrap().to_string(),
            "postgresql://nps@db/nps"
        );
    }

    #[test]
    fn a_url_without_user_or_host_is_refused_without_its_password() {
        let e = arg("postgres://db.example.com/nps").unwrap_err();
        assert_eq!(
            e,
            "postgres://db.example.com/nps names no user; expected \
             postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
        );
        let e = arg("postgres://nps:s3cret@/nps").unwrap_err();
        assert!(e.starts_with("postgres://nps@/nps names no host"), "{e}");
        let e = arg("postgres://nps:s3cret@db:port/nps").unwrap_err();
        assert!(e.contains("is not a valid PostgreSQL URL"), "{e}");
        assert!(!e.contains("s3cret"), "{e}");
    }
}
