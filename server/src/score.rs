//! `nps score`: scores a CSV, JSON array or NDJSON export of responses (docs/contract.md §5, §6).
//!
//! CSV is streamed record by record (`csv::ByteRecord`, reused), so a million rows take well
//! under a second and constant memory (plus one entry per group). Rows whose score is not an
//! integer 0..10 are counted as `invalid` and the physical line numbers of the first ten are
//! kept; nothing is skipped silently.
//!
//! - [`read`]: CSV / JSON / NDJSON input into a [`Report`];
//! - [`group`]: the per-group accumulation behind `--by`;
//! - [`render`]: text and JSON output.

use std::fmt;
use std::io;

pub mod group;
pub mod read;
pub mod render;

pub use group::{Report, Stats, MAX_INVALID_LINES};
pub use read::{
    detect, fix_csv_lines, score_csv, score_csv_stream, score_json, score_of, score_path,
    sniff_delimiter, Format,
};

use crate::cli::{GroupBy, ScoreArgs};

/// What went wrong; every message names the file and says what to do.
#[derive(Debug)]
pub enum CliError {
    Read {
        file: String,
        source: io::Error,
    },
    Empty {
        file: String,
    },
    NoScoreColumn {
        file: String,
        header: String,
    },
    NoGroupColumn {
        file: String,
        column: &'static str,
        by: GroupBy,
    },
    Csv {
        file: String,
        source: csv::Error,
    },
    Json {
        file: String,
        line: u64,
        message: String,
    },
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Read { file, source } if source.kind() == io::ErrorKind::NotFound => write!(
                f,
                "cannot read {file}: no such file; check the path (relative paths start in the \
                 current directory)"
            ),
            CliError::Read { file, source } => write!(
                f,
                "cannot read {file}: {source}; check that it is a readable file"
            ),
            CliError::Empty { file } => write!(
                f,
                "{file} is empty; pass a CSV whose first line is a header with a `score` column, \
                 or a JSON array / NDJSON of responses (e.g. the export GET /v1/responses.csv)"
            ),
            CliError::NoScoreColumn { file, header } => write!(
                f,
                "{file} has no `score` column (header: {header}); name the column that holds the \
                 0..10 answers `score`"
            ),
            CliError::NoGroupColumn { file, column, by } => write!(
                f,
                "{file} has no `{column}` column, which --by {} needs; add the column or drop --by",
                by.as_str()
            ),
            CliError::Csv { file, source } => {
                write!(
                    f,
                    "cannot read {file} as CSV: {source}; fix the file or export it again"
                )
            }
            CliError::Json {
                file,
                line,
                message,
            } => write!(
                f,
                "{file}: malformed JSON at line {line}: {message}; fix the file or export it again"
            ),
        }
    }
}

impl std::error::Error for CliError {}

/// What `nps score` prints: the report for stdout and, with `--json`, the notice of invalid
/// rows for stderr (the text report carries that line itself).
pub struct Output {
    pub stdout: String,
    pub stderr: Option<String>,
}

/// `nps score`: reads the file (or stdin for `-`) and renders the report.
///
/// # Errors
/// See [`CliError`].
pub fn run(args: &ScoreArgs) -> Result<Output, CliError> {
    let report = score_path(&args.file, args.by)?;
    Ok(if args.json {
        Output {
            stdout: report.to_json(),
            stderr: report.invalid_notice(),
        }
    } else {
        Output {
            stdout: report.to_text(),
            stderr: None,
        }
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Scores CSV text named `t.csv`.
    pub(crate) fn csv(s: &str, by: Option<GroupBy>) -> Report {
        score_csv(s.as_bytes(), "t.csv", by).unwrap()
    }
}
