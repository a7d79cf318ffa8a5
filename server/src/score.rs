//! `nps score`: scores a CSV, JSON array or NDJSON export of responses (docs/contract.md §5, §6).
//!
//! The file (or stdin) is read in chunks into nps-core's streaming reader
//! ([`nps_core::reader::Reader`]): the same code that answers `GET /v1/summary` and runs in the
//! client-side scorer, so the JSON is byte for byte the same. Memory stays constant (plus one
//! entry per group) however large the file. A regular file of [`PARALLEL_MIN`] bytes or more,
//! on a machine with several cores, is mapped into memory and its parts read at the same time,
//! one thread per core ([`nps_core::reader::split`]): the same report, in less time. Rows whose
//! score is not an integer 0..10 are counted as `invalid` with the physical line numbers of the
//! first ten; nothing is skipped silently.
//!
//! - [`render`]: the text summary and the notice of invalid rows (the JSON is core's).

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use nps_core::reader::{Format, ReadError, Reader};
use nps_core::{GroupBy, Report};

pub mod render;

use crate::cli::ScoreArgs;

/// How much of the input is read at a time.
const CHUNK: usize = 1 << 16;

/// A file at least this large is read on several threads (when there are several cores): below,
/// starting them is not worth it.
pub const PARALLEL_MIN: u64 = 4 << 20;

/// What went wrong; every message names the file and says what to do.
#[derive(Debug)]
pub enum CliError {
    /// The file could not be opened or read.
    Read { file: String, source: io::Error },
    /// The content is not an export that can be scored.
    Input { file: String, source: ReadError },
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
            CliError::Input { file, source } => source.describe(file).fmt(f),
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
    let (file, report) = score_path(&args.file, args.by)?;
    Ok(if args.json {
        Output {
            stdout: report.to_json(),
            stderr: render::invalid_notice(&report),
        }
    } else {
        Output {
            stdout: render::text(&report, &file),
            stderr: None,
        }
    })
}

/// Scores a file by path (`-` = stdin): the name to show for it, and its report. The
/// extension (`.csv`, `.json`, `.ndjson`…) names the format, else the content does.
///
/// # Errors
/// See [`CliError`].
pub fn score_path(path: &Path, by: Option<GroupBy>) -> Result<(String, Report), CliError> {
    if path.as_os_str() == "-" {
        let name = "stdin".to_string();
        let report = score_reader(io::stdin().lock(), &name, None, by)?;
        return Ok((name, report));
    }
    let name = path.display().to_string();
    let read_err = |source| CliError::Read {
        file: name.clone(),
        source,
    };
    if path.is_dir() {
        return Err(read_err(io::Error::other("it is a directory")));
    }
    let file = File::open(path).map_err(read_err)?;
    let format = path.to_str().and_then(Format::from_file_name);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let report = score_file(file, &name, format, by, threads)?;
    Ok((name, report))
}

/// Scores an open file: on up to `threads` threads when it is a regular file of at least
/// [`PARALLEL_MIN`] bytes not named `.json` (JSON is read by one reader), mapped into memory;
/// else read in chunks ([`score_reader`]). The same report either way.
///
/// # Errors
/// See [`CliError`].
pub fn score_file(
    file: File,
    name: &str,
    format: Option<Format>,
    by: Option<GroupBy>,
    threads: usize,
) -> Result<Report, CliError> {
    let regular = file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() >= PARALLEL_MIN);
    if threads < 2 || !regular || format == Some(Format::Json) {
        return score_reader(file, name, format, by);
    }
    // SAFETY: the map is only read, and dropped before this returns. Another process that
    // writes the file meanwhile changes what is counted (as it would for a read in chunks);
    // one that truncates it makes the pages past the end fault (SIGBUS), as with any mapped
    // file.
    let map = match unsafe { memmap2::Mmap::map(&file) } {
        Ok(map) => map,
        // Not mappable (some special file systems): read in chunks.
        Err(_) => return score_reader(file, name, format, by),
    };
    // Each mebibyte read is given back (its pages stay in the page cache): the memory of the
    // process stays that of the readers, not of the file.
    let give_back = |read: std::ops::Range<usize>| {
        #[cfg(unix)]
        // SAFETY: the map is private and never written, so the pages dropped are read from
        // the file again if touched (a part read twice).
        let _ = unsafe {
            map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, read.start, read.len())
        };
        #[cfg(not(unix))]
        let _ = read;
    };
    nps_core::reader::split::score_parallel_with(&map, by, format, threads, &give_back).map_err(
        |source| CliError::Input {
            file: name.to_string(),
            source,
        },
    )
}

/// Scores what `input` yields, read in chunks; `name` is the file the errors name.
///
/// # Errors
/// See [`CliError`].
pub fn score_reader<R: Read>(
    mut input: R,
    name: &str,
    format: Option<Format>,
    by: Option<GroupBy>,
) -> Result<Report, CliError> {
    let input_err = |source| CliError::Input {
        file: name.to_string(),
        source,
    };
    let mut reader = Reader::new(by, format);
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(source) => {
                return Err(CliError::Read {
                    file: name.to_string(),
                    source,
                })
            }
        };
        reader.push(&buf[..n]).map_err(input_err)?;
    }
    reader.finish().map_err(input_err)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Scores CSV text.
    pub(crate) fn csv(s: &str, by: Option<GroupBy>) -> Report {
        nps_core::reader::score(s.as_bytes(), by, Some(Format::Csv)).unwrap()
    }

    #[test]
    fn errors_name_the_file() {
        let e = score_reader(&b"id,rating\n1,9\n"[..], "a.csv", None, None)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "a.csv has no `score` column (header: id, rating); name the column that holds the \
             0..10 answers `score`"
        );
        let e = score_path(Path::new("/nonexistent/x.csv"), None)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("cannot read /nonexistent/x.csv: no such file;"),
            "{e}"
        );
    }
}
