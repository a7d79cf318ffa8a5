//! The command line of `nps` (clap derive): two subcommands, `serve` and `score`.
//!
//! ```text
//! nps serve [--addr 127.0.0.1:8080] [--db nps.sqlite | --db postgres://user@host/db] [--static DIR]
//!           [--allow-origin ORIGIN]... [--allow-any-origin]
//!           [--read-token TOKEN] [--rate-limit N/min]
//! nps score FILE [--by touchpoint|day|week|month] [--json]
//! nps --help | --version
//! ```
//!
//! `--read-token` can also come from the `NPS_READ_TOKEN` environment variable (the flag wins),
//! which keeps it out of `ps`; `--help` never shows its value. Likewise a PostgreSQL password
//! can come from `PGPASSWORD` instead of the `--db` URL, and is never printed.
//!
//! Usage errors are clap's: they name the flag and the bad value, and exit with status 2 (an
//! empty read token is one).

use std::ffi::OsStr;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::error::ErrorKind;
use clap::{Args, Parser, Subcommand};
pub use nps_core::GroupBy;

pub use crate::db::DbLocation;

pub use crate::serve::access::ReadToken;
pub use crate::serve::rate_limit::RateLimit;

/// nps — reference receiver and scoring CLI for nps-widget
#[derive(Debug, Parser)]
#[command(
    name = "nps",
    version,
    propagate_version = true,
    subcommand_required = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Run the reference receiver: POST /v1/responses into SQLite or PostgreSQL, summary, CSV export, static files
    Serve(ServeArgs),
    /// Score a CSV, JSON array or NDJSON export of responses
    Score(ScoreArgs),
    /// Print the version (same as --version)
    #[command(hide = true)]
    Version,
}

/// Options of `nps serve`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; localhost:PORT and :PORT mean 127.0.0.1)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080", value_parser = parse_addr)]
    pub addr: SocketAddr,
    /// Where responses are stored: an SQLite file, or a PostgreSQL database (a `postgres://` URL).
    #[arg(
        long,
        value_name = "PATH|URL",
        default_value = "nps.sqlite",
        value_parser = DbParser,
        help = "SQLite database file, created if missing; or a PostgreSQL database, \
                postgres://USER[:PASSWORD]@HOST[:PORT]/DB (password also from PGPASSWORD), \
                shared by several nps serve processes (the table is created if missing)"
    )]
    pub db: DbLocation,
    /// Directory served at / (index.html, pkg/, www/)
    #[arg(long = "static", value_name = "DIR", default_value = ".")]
    pub static_dir: PathBuf,
    /// Origins answered for CORS (`--allow-origin`, repeatable).
    #[arg(
        long = "allow-origin",
        value_name = "ORIGIN",
        value_parser = parse_origin,
        help = "Answer CORS for this origin, e.g. https://shop.example.com (repeatable)"
    )]
    pub allow_origins: Vec<String>,
    /// Answer CORS for every origin (demo only)
    #[arg(long)]
    pub allow_any_origin: bool,
    /// Secret for reading: GET /v1/summary and /v1/responses.csv then answer only requests with
    /// Authorization: Bearer TOKEN; without it, they answer loopback clients only
    #[arg(
        long,
        value_name = "TOKEN",
        env = "NPS_READ_TOKEN",
        hide_env_values = true,
        value_parser = parse_read_token
    )]
    pub read_token: Option<ReadToken>,
    /// At most N posts a minute from one client (POST /v1/responses; 429 with Retry-After over
    /// it), e.g. 120/min; off unless given
    #[arg(long, value_name = "N/min", value_parser = parse_rate_limit)]
    pub rate_limit: Option<RateLimit>,
}

/// Options of `nps score`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct ScoreArgs {
    /// CSV with a header (needs a score column; optional touchpoint, answered_at, comment),
    /// a JSON array or NDJSON of responses; pass - to read stdin
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Also score per touchpoint, day, week (ISO, 2026-W47) or month
    #[arg(long, value_name = "KEY", value_parser = group_by_parser())]
    pub by: Option<GroupBy>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

/// `--by`: the names of nps-core's [`GroupBy`], which clap lists on a bad value.
fn group_by_parser() -> impl TypedValueParser<Value = GroupBy> {
    PossibleValuesParser::new(GroupBy::ALL.map(GroupBy::as_str))
        .try_map(|name| GroupBy::parse(&name))
}

/// `--db`: a `postgres://` or `postgresql://` URL, else an SQLite path (any bytes, as
/// [`PathBuf`]). A refused URL is echoed without its password.
#[derive(Clone, Copy, Debug)]
pub struct DbParser;

impl TypedValueParser for DbParser {
    type Value = DbLocation;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<DbLocation, clap::Error> {
        let refuse = |shown: &str, why: &str| {
            let arg = arg.map_or_else(|| "--db".to_string(), ToString::to_string);
            clap::Error::raw(
                ErrorKind::ValueValidation,
                format!("invalid value '{shown}' for '{arg}': {why}\n"),
            )
            .with_cmd(cmd)
        };
        if value.is_empty() {
            return Err(refuse("", "expected an SQLite file or a postgres:// URL"));
        }
        DbLocation::from_arg(value).map_err(|why| {
            let shown = crate::db::location::redact(&value.to_string_lossy());
            refuse(&shown, &why)
        })
    }
}

/// Accepts `HOST:PORT` with an IP host, or `localhost:PORT`, or a bare `:PORT` (127.0.0.1).
///
/// # Errors
/// What is expected, for clap to print after the flag and the value.
pub fn parse_addr(v: &str) -> Result<SocketAddr, String> {
    if let Ok(a) = v.parse::<SocketAddr>() {
        return Ok(a);
    }
    let local = |p: &str| {
        p.parse::<u16>()
            .ok()
            .map(|port| SocketAddr::from(([127, 0, 0, 1], port)))
    };
    v.strip_prefix("localhost:")
        .or_else(|| v.strip_prefix(':'))
        .and_then(local)
        .ok_or_else(|| "expected IP:PORT such as 127.0.0.1:8080 or 0.0.0.0:8080".to_string())
}

/// `--read-token` / `NPS_READ_TOKEN`: not empty, no surrounding spaces or control characters.
///
/// # Errors
/// What is wrong, for clap to print after the flag and the value.
pub fn parse_read_token(v: &str) -> Result<ReadToken, String> {
    ReadToken::new(v)
}

/// `--rate-limit`: `N/min` with N ≥ 1.
///
/// # Errors
/// What is expected, for clap to print after the flag and the value.
pub fn parse_rate_limit(v: &str) -> Result<RateLimit, String> {
    v.parse()
}

/// An origin is `scheme://host[:port]` without path; a trailing `/` is tolerated and removed.
///
/// # Errors
/// What is expected, for clap to print after the flag and the value.
pub fn parse_origin(v: &str) -> Result<String, String> {
    let trimmed = v.strip_suffix('/').unwrap_or(v);
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains('/') && !host.contains(' ') => {
            Ok(trimmed.to_string())
        }
        _ => Err("expected an origin such as https://shop.example.com or \
                  http://localhost:3000 (scheme, host, optional port; no path)"
            .to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::error::ErrorKind;
    use clap::CommandFactory;

    fn p(s: &str) -> Result<Command, clap::Error> {
        Cli::try_parse_from(std::iter::once("nps").chain(s.split_whitespace())).map(|c| c.command)
    }

    fn err(s: &str) -> String {
        p(s).unwrap_err().to_string()
    }

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_defaults() {
        let Ok(Command::Serve(a)) = p("serve") else {
            panic!("expected serve")
        };
        assert_eq!(a.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(a.db, DbLocation::Sqlite(PathBuf::from("nps.sqlite")));
        assert_eq!(a.static_dir, PathBuf::from("."));
        assert!(a.allow_origins.is_empty());
        assert!(!a.allow_any_origin);
        assert_eq!(a.rate_limit, None);
        if std::env::var_os("NPS_READ_TOKEN").is_none() {
            assert_eq!(a.read_token, None);
        }
    }

    #[test]
    fn serve_all_flags_both_spellings() {
        let got = p(
            "serve --addr=0.0.0.0:9000 --db x.db --static=www --allow-origin https://a.example \
                     --allow-origin=http://localhost:3000/ --allow-any-origin \
                     --read-token s3cret --rate-limit=120/min",
        )
        .unwrap();
        let want = Command::Serve(ServeArgs {
            addr: "0.0.0.0:9000".parse().unwrap(),
            db: DbLocation::Sqlite("x.db".into()),
            static_dir: "www".into(),
            allow_origins: vec!["https://a.example".into(), "http://localhost:3000".into()],
            allow_any_origin: true,
            read_token: Some(ReadToken::new("s3cret").unwrap()),
            rate_limit: Some(RateLimit::per_minute(120.try_into().unwrap())),
        });
        assert_eq!(got, want);
    }

    #[test]
    fn serve_rate_limit_and_read_token_errors() {
        for bad in ["0/min", "120", "120/s", "ten/min", "1.5/min"] {
            let e = err(&format!("serve --rate-limit {bad}"));
            assert!(
                e.contains(&format!("'{bad}'")) && e.contains("--rate-limit"),
                "{e}"
            );
            assert!(e.contains("expected N/min"), "{e}");
        }
        let e = Cli::try_parse_from(["nps", "serve", "--read-token", ""])
            .unwrap_err()
            .to_string();
        assert!(e.contains("--read-token") && e.contains("empty"), "{e}");
        let e = Cli::try_parse_from(["nps", "serve", "--read-token", "s3cret\n"])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("--read-token") && e.contains("trailing newline"),
            "{e}"
        );
    }

    #[test]
    fn the_help_never_shows_the_read_token() {
        let help = Cli::command()
            .find_subcommand_mut("serve")
            .unwrap()
            .render_help()
            .to_string();
        assert!(
            help.contains("--read-token <TOKEN>") && help.contains("NPS_READ_TOKEN"),
            "{help}"
        );
        assert!(help.contains("--rate-limit <N/min>"), "{help}");
        let token = std::env::var("NPS_READ_TOKEN").unwrap_or_default();
        assert!(token.is_empty() || !help.contains(&token), "{help}");
    }

    #[test]
    fn serve_addr_shorthands() {
        for (input, want) in [("localhost:81", "127.0.0.1:81"), (":82", "127.0.0.1:82")] {
            let Ok(Command::Serve(a)) = p(&format!("serve --addr {input}")) else {
                panic!("expected serve for {input}")
            };
            assert_eq!(a.addr.to_string(), want);
        }
    }

    #[test]
    fn serve_errors_name_the_argument() {
        let e = err("serve --addr nope");
        assert!(e.contains("'nope'") && e.contains("--addr"), "{e}");
        assert!(e.contains("expected IP:PORT such as 127.0.0.1:8080"), "{e}");
        let e = err("serve --db");
        assert!(e.contains("--db"), "{e}");
        let e = err("serve --allow-origin shop.example.com");
        assert!(
            e.contains("'shop.example.com'") && e.contains("--allow-origin"),
            "{e}"
        );
        assert!(e.contains("expected an origin"), "{e}");
        let e = err("serve --port 1");
        assert!(e.contains("'--port'"), "{e}");
    }

    #[test]
    fn score_args() {
        assert_eq!(
            p("score a.csv --by week --json").unwrap(),
            Command::Score(ScoreArgs {
                file: "a.csv".into(),
                by: Some(GroupBy::Week),
                json: true
            })
        );
        assert_eq!(
            p("score --by=month -").unwrap(),
            Command::Score(ScoreArgs {
                file: "-".into(),
                by: Some(GroupBy::Month),
                json: false
            })
        );
    }

    #[test]
    fn score_errors() {
        let e = err("score");
        assert!(e.contains("<FILE>"), "{e}");
        let e = err("score a.csv --by year");
        assert!(e.contains("'year'") && e.contains("--by"), "{e}");
        assert!(
            e.contains("[possible values: touchpoint, day, week, month]"),
            "{e}"
        );
        let e = err("score a.csv b.csv");
        assert!(e.contains("'b.csv'"), "{e}");
    }

    #[test]
    fn top_level() {
        assert_eq!(p("--help").unwrap_err().kind(), ErrorKind::DisplayHelp);
        assert_eq!(
            p("--version").unwrap_err().kind(),
            ErrorKind::DisplayVersion
        );
        assert_eq!(p("version").unwrap(), Command::Version);
        assert!(p("").is_err());
        assert!(err("frobnicate").contains("'frobnicate'"));
    }

    #[test]
    fn every_by_name_parses() {
        for by in GroupBy::ALL {
            let Ok(Command::Score(a)) = p(&format!("score a.csv --by {by}")) else {
                panic!("--by {by}")
            };
            assert_eq!(a.by, Some(by));
        }
    }
}
