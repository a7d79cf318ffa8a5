//! Command-line parsing for `nps` (hand-written: two subcommands, a handful of flags).

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Usage text printed by `nps --help` and after usage errors.
pub const USAGE: &str = "\
nps — reference receiver and scoring CLI for nps-widget

USAGE:
    nps serve [--addr 127.0.0.1:8080] [--db nps.sqlite] [--static DIR]
              [--allow-origin ORIGIN]... [--allow-any-origin]
    nps score FILE [--by touchpoint|day|week|month] [--json]
    nps --help | --version

serve:
    --addr ADDR            address to listen on (default 127.0.0.1:8080; port 0 picks a free port)
    --db PATH              SQLite database file, created if missing (default nps.sqlite)
    --static DIR           directory served at / (index.html, pkg/, www/) (default .)
    --allow-origin ORIGIN  answer CORS for this origin, e.g. https://shop.example.com (repeatable)
    --allow-any-origin     answer CORS for every origin (demo only)

score:
    FILE                   CSV with a header (needs a `score` column; optional touchpoint,
                           answered_at, comment), a JSON array or NDJSON of responses; `-` reads stdin
    --by KEY               also score per touchpoint, day, week (ISO, 2026-W47) or month
    --json                 print JSON instead of text
";

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Serve(ServeArgs),
    Score(ScoreArgs),
    Help,
    Version,
}

/// Options of `nps serve`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeArgs {
    pub addr: SocketAddr,
    pub db: PathBuf,
    pub static_dir: PathBuf,
    pub allow_origins: Vec<String>,
    pub allow_any_origin: bool,
}

/// How `nps score` groups rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Touchpoint,
    Day,
    Week,
    Month,
}

impl GroupBy {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Touchpoint => "touchpoint",
            GroupBy::Day => "day",
            GroupBy::Week => "week",
            GroupBy::Month => "month",
        }
    }
}

/// Options of `nps score`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreArgs {
    pub file: PathBuf,
    pub by: Option<GroupBy>,
    pub json: bool,
}

/// A usage error: names the offending argument and says what is expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgError(pub String);

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ArgError {}

fn err<T>(msg: impl Into<String>) -> Result<T, ArgError> {
    Err(ArgError(msg.into()))
}

/// Splits `--flag=value` into (`--flag`, Some(value)); other arguments come back unchanged.
fn split_flag(arg: &str) -> (&str, Option<&str>) {
    if arg.starts_with("--") {
        if let Some((flag, value)) = arg.split_once('=') {
            return (flag, Some(value));
        }
    }
    (arg, None)
}

/// Reads the value of `flag`: the inline `--flag=value` part, or the next argument.
fn value_of<'a, I: Iterator<Item = &'a str>>(
    flag: &str,
    inline: Option<&'a str>,
    rest: &mut I,
) -> Result<&'a str, ArgError> {
    match inline {
        Some(v) => Ok(v),
        None => match rest.next() {
            Some(v) => Ok(v),
            None => err(format!("{flag} needs a value (see `nps --help`)")),
        },
    }
}

/// Parses the arguments after the program name.
///
/// # Errors
/// An [`ArgError`] naming the unknown flag, missing value or bad value.
pub fn parse<'a>(args: impl IntoIterator<Item = &'a str>) -> Result<Command, ArgError> {
    let mut it = args.into_iter();
    match it.next() {
        None => err("missing command: use `nps serve` or `nps score FILE` (see `nps --help`)"),
        Some("-h" | "--help" | "help") => Ok(Command::Help),
        Some("-V" | "--version" | "version") => Ok(Command::Version),
        Some("serve") => parse_serve(it),
        Some("score") => parse_score(it),
        Some(other) => err(format!(
            "unknown command \"{other}\": use `nps serve` or `nps score FILE` (see `nps --help`)"
        )),
    }
}

fn parse_serve<'a>(mut it: impl Iterator<Item = &'a str>) -> Result<Command, ArgError> {
    let mut out = ServeArgs {
        addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
        db: PathBuf::from("nps.sqlite"),
        static_dir: PathBuf::from("."),
        allow_origins: Vec::new(),
        allow_any_origin: false,
    };
    while let Some(arg) = it.next() {
        let (flag, inline) = split_flag(arg);
        match flag {
            "-h" | "--help" => return Ok(Command::Help),
            "--addr" => {
                let v = value_of(flag, inline, &mut it)?;
                out.addr = parse_addr(v)?;
            }
            "--db" => out.db = PathBuf::from(value_of(flag, inline, &mut it)?),
            "--static" => out.static_dir = PathBuf::from(value_of(flag, inline, &mut it)?),
            "--allow-origin" => {
                let v = value_of(flag, inline, &mut it)?;
                out.allow_origins.push(parse_origin(v)?);
            }
            "--allow-any-origin" if inline.is_none() => out.allow_any_origin = true,
            _ => {
                return err(format!(
                    "unknown argument \"{arg}\" for `nps serve`; expected --addr, --db, --static, \
                     --allow-origin or --allow-any-origin"
                ))
            }
        }
    }
    Ok(Command::Serve(out))
}

/// Accepts `HOST:PORT` with an IP host, or `localhost:PORT`, or a bare `:PORT` (127.0.0.1).
fn parse_addr(v: &str) -> Result<SocketAddr, ArgError> {
    if let Ok(a) = v.parse::<SocketAddr>() {
        return Ok(a);
    }
    let port_of = |p: &str| p.parse::<u16>().ok();
    let local = |p: &str| port_of(p).map(|port| SocketAddr::from(([127, 0, 0, 1], port)));
    let parsed = if let Some(p) = v.strip_prefix("localhost:") {
        local(p)
    } else if let Some(p) = v.strip_prefix(':') {
        local(p)
    } else {
        None
    };
    match parsed {
        Some(a) => Ok(a),
        None => err(format!(
            "--addr must be IP:PORT such as 127.0.0.1:8080 or 0.0.0.0:8080, got \"{v}\""
        )),
    }
}

/// An origin is `scheme://host[:port]` without path; a trailing `/` is tolerated and removed.
fn parse_origin(v: &str) -> Result<String, ArgError> {
    let trimmed = v.strip_suffix('/').unwrap_or(v);
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains('/') && !host.contains(' ') => {
            Ok(trimmed.to_string())
        }
        _ => err(format!(
            "--allow-origin must be an origin such as https://shop.example.com or \
             http://localhost:3000 (scheme, host, optional port; no path), got \"{v}\""
        )),
    }
}

fn parse_score<'a>(mut it: impl Iterator<Item = &'a str>) -> Result<Command, ArgError> {
    let mut file: Option<PathBuf> = None;
    let mut by = None;
    let mut json = false;
    while let Some(arg) = it.next() {
        let (flag, inline) = split_flag(arg);
        match flag {
            "-h" | "--help" => return Ok(Command::Help),
            "--json" if inline.is_none() => json = true,
            "--by" => {
                by = Some(match value_of(flag, inline, &mut it)? {
                    "touchpoint" => GroupBy::Touchpoint,
                    "day" => GroupBy::Day,
                    "week" => GroupBy::Week,
                    "month" => GroupBy::Month,
                    other => {
                        return err(format!(
                            "--by must be touchpoint, day, week or month, got \"{other}\""
                        ))
                    }
                })
            }
            _ if arg == "-" || !arg.starts_with('-') => {
                if let Some(prev) = &file {
                    return err(format!(
                        "`nps score` takes one FILE, got \"{}\" and \"{arg}\"",
                        prev.display()
                    ));
                }
                file = Some(PathBuf::from(arg));
            }
            _ => {
                return err(format!(
                    "unknown argument \"{arg}\" for `nps score`; expected FILE, --by or --json"
                ))
            }
        }
    }
    match file {
        Some(file) => Ok(Command::Score(ScoreArgs { file, by, json })),
        None => err("`nps score` needs a FILE: nps score responses.csv [--by touchpoint] [--json]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Command, ArgError> {
        parse(s.split_whitespace())
    }

    #[test]
    fn serve_defaults() {
        let Ok(Command::Serve(a)) = p("serve") else {
            panic!("expected serve")
        };
        assert_eq!(a.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(a.db, PathBuf::from("nps.sqlite"));
        assert_eq!(a.static_dir, PathBuf::from("."));
        assert!(a.allow_origins.is_empty());
        assert!(!a.allow_any_origin);
    }

    #[test]
    fn serve_all_flags_both_spellings() {
        let got = p(
            "serve --addr=0.0.0.0:9000 --db x.db --static=www --allow-origin https://a.example \
                     --allow-origin=http://localhost:3000/ --allow-any-origin",
        );
        let want = Command::Serve(ServeArgs {
            addr: "0.0.0.0:9000".parse().unwrap(),
            db: "x.db".into(),
            static_dir: "www".into(),
            allow_origins: vec!["https://a.example".into(), "http://localhost:3000".into()],
            allow_any_origin: true,
        });
        assert_eq!(got, Ok(want));
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
        let e = p("serve --addr nope").unwrap_err().to_string();
        assert_eq!(
            e,
            "--addr must be IP:PORT such as 127.0.0.1:8080 or 0.0.0.0:8080, got \"nope\""
        );
        let e = p("serve --db").unwrap_err().to_string();
        assert_eq!(e, "--db needs a value (see `nps --help`)");
        let e = p("serve --allow-origin shop.example.com")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("--allow-origin must be an origin"), "{e}");
        assert!(e.ends_with("got \"shop.example.com\""), "{e}");
        let e = p("serve --port 1").unwrap_err().to_string();
        assert!(e.starts_with("unknown argument \"--port\""), "{e}");
    }

    #[test]
    fn score_args() {
        assert_eq!(
            p("score a.csv --by week --json"),
            Ok(Command::Score(ScoreArgs {
                file: "a.csv".into(),
                by: Some(GroupBy::Week),
                json: true
            }))
        );
        assert_eq!(
            p("score --by=month -"),
            Ok(Command::Score(ScoreArgs {
                file: "-".into(),
                by: Some(GroupBy::Month),
                json: false
            }))
        );
    }

    #[test]
    fn score_errors() {
        assert_eq!(
            p("score").unwrap_err().to_string(),
            "`nps score` needs a FILE: nps score responses.csv [--by touchpoint] [--json]"
        );
        assert_eq!(
            p("score a.csv --by year").unwrap_err().to_string(),
            "--by must be touchpoint, day, week or month, got \"year\""
        );
        assert_eq!(
            p("score a.csv b.csv").unwrap_err().to_string(),
            "`nps score` takes one FILE, got \"a.csv\" and \"b.csv\""
        );
    }

    #[test]
    fn top_level() {
        assert_eq!(p("--help"), Ok(Command::Help));
        assert_eq!(p("--version"), Ok(Command::Version));
        assert!(p("")
            .unwrap_err()
            .to_string()
            .starts_with("missing command"));
        assert!(p("frobnicate")
            .unwrap_err()
            .to_string()
            .starts_with("unknown command \"frobnicate\""));
    }
}
