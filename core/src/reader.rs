//! The streaming reader of exports (feature `reader`): bytes in, in chunks of any size, a
//! [`Report`] out. One reader for `nps score`, `GET /v1/summary` and the client-side scorer
//! (docs/contract.md §5–§7).
//!
//! Formats, told apart by the first bytes unless the caller names one ([`Format`]):
//!
//! - **CSV** ([`csv`], on `csv-core`): a header naming the columns, case-insensitively and in
//!   any order (`score` required; `touchpoint` and `answered_at` for grouping); the delimiter
//!   is `,` when the header has one, else `;` (spreadsheets in many locales), else a tab; a
//!   UTF-8 BOM, CRLF or LF line ends, RFC 4180 quotes (commas and newlines inside quotes).
//! - **JSON** ([`json`]): an array of response objects (docs/contract.md §4); an `nps.batch/1`
//!   body `{"responses": [...]}` (alone, or one per line); NDJSON, one object per line.
//!
//! A row whose score is not an integer 0..=10 is not counted; it is counted as `invalid`, with
//! the physical line (1-based) where it starts. Input that is not an export (an image, a
//! CSV without a `score` column, truncated JSON) is a [`ReadError`] that says what was expected
//! and what was found.
//!
//! # Example
//!
//! ```
//! use nps_core::reader::Reader;
//! use nps_core::report::GroupBy;
//!
//! let mut reader = Reader::new(Some(GroupBy::Touchpoint), None);
//! for chunk in [&b"\xEF\xBB\xBFScore;Touch"[..], b"point\r\n9;checkout\r\nn/a;chec", b"kout\r\n"] {
//!     reader.push(chunk)?;
//! }
//! let report = reader.finish()?;
//! assert_eq!(report.total.tally.n(), 1);
//! assert_eq!(report.total.invalid_lines, [3]);
//! assert_eq!(report.groups[0].key, "checkout");
//! # Ok::<(), nps_core::reader::ReadError>(())
//! ```

use std::fmt;

use crate::report::{GroupBy, Report, ReportBuilder, Sink};

pub mod csv;
pub mod json;
pub mod split;

/// How many bytes of the start are checked for binary content.
const PROBE: usize = 1024;
/// At most this much is held back to find the first line (the CSV header) before deciding.
const HEAD_MAX: usize = 1 << 20;
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The format of an input, when the caller knows it (from a file name, a content type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// CSV, with the delimiter sniffed from the header.
    Csv,
    /// A JSON array of responses, an `nps.batch/1` body, or NDJSON: told apart by the content.
    Json,
}

impl Format {
    /// The format a file name's extension says: `.csv`, `.tsv`, `.txt` are CSV; `.json`,
    /// `.ndjson`, `.jsonl` are JSON; anything else is left to the content (`None`).
    ///
    /// # Example
    ///
    /// ```
    /// use nps_core::reader::Format;
    /// assert_eq!(Format::from_file_name("export.CSV"), Some(Format::Csv));
    /// assert_eq!(Format::from_file_name("/tmp/r.jsonl"), Some(Format::Json));
    /// assert_eq!(Format::from_file_name("responses"), None);
    /// ```
    pub fn from_file_name(name: &str) -> Option<Format> {
        let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
        let (_, ext) = base.rsplit_once('.')?;
        match ext.to_ascii_lowercase().as_str() {
            "csv" | "tsv" | "txt" => Some(Format::Csv),
            "json" | "ndjson" | "jsonl" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Why an input could not be scored. [`Display`](fmt::Display) calls it "the input";
/// [`ReadError::describe`] names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// No bytes, or only spaces and line breaks.
    Empty,
    /// Not a CSV or JSON export at all: `found` says what it looks like.
    NotAnExport {
        /// e.g. `a PNG image`.
        found: &'static str,
    },
    /// A CSV header without a `score` column.
    NoScoreColumn {
        /// The header's column names, lowercased, joined by `, `.
        header: String,
    },
    /// JSON objects, none with a `score` key.
    NoScoreKey,
    /// The column (CSV) or key (JSON) that the grouping reads is absent.
    NoGroupColumn {
        /// `touchpoint` or `answered_at`.
        column: &'static str,
        /// The grouping asked for.
        by: GroupBy,
    },
    /// JSON that is not well formed, or that ends too early.
    Json {
        /// The physical line (1-based) where the problem is.
        line: u64,
        /// What was expected and what was found.
        message: String,
    },
}

impl ReadError {
    /// The message, naming the input `input` (a file name, `stdin`).
    ///
    /// # Example
    ///
    /// ```
    /// use nps_core::reader::{score, ReadError};
    /// let e = score(b"id,rating\n1,9\n", None, None).unwrap_err();
    /// assert_eq!(
    ///     e.describe("a.csv").to_string(),
    ///     "a.csv has no `score` column (header: id, rating); name the column that holds \
    ///      the 0..10 answers `score`"
    /// );
    /// ```
    pub fn describe<'a>(&'a self, input: &'a str) -> impl fmt::Display + 'a {
        Described { error: self, input }
    }
}

struct Described<'a> {
    error: &'a ReadError,
    input: &'a str,
}

impl fmt::Display for Described<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let input = self.input;
        match self.error {
            ReadError::Empty => write!(
                f,
                "{input} is empty; pass a CSV whose first line is a header with a `score` \
                 column, or a JSON array / NDJSON of responses (e.g. the export GET \
                 /v1/responses.csv)"
            ),
            ReadError::NotAnExport { found } => write!(
                f,
                "{input} is not an export of responses: it looks like {found}; pass a CSV \
                 whose header has a `score` column, or a JSON array / NDJSON of responses"
            ),
            ReadError::NoScoreColumn { header } => write!(
                f,
                "{input} has no `score` column (header: {header}); name the column that holds \
                 the 0..10 answers `score`"
            ),
            ReadError::NoScoreKey => write!(
                f,
                "{input} has no `score` key in any of its JSON objects; each response needs \
                 \"score\": an integer 0..10"
            ),
            ReadError::NoGroupColumn { column, by } => write!(
                f,
                "{input} has no `{column}` column, which --by {by} needs; add the column or \
                 drop --by"
            ),
            ReadError::Json { line, message } => write!(
                f,
                "{input}: malformed JSON at line {line}: {message}; fix the file or export it \
                 again"
            ),
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.describe("the input").fmt(f)
    }
}

impl std::error::Error for ReadError {}

/// Scores a whole input held in memory: [`Reader::push`] once, then [`Reader::finish`].
///
/// # Errors
///
/// See [`ReadError`].
///
/// # Example
///
/// ```
/// let report = nps_core::reader::score(b"[{\"score\": 10}, {\"score\": 6}]", None, None)?;
/// assert_eq!(report.total.tally.nps(), Some(0.0));
/// # Ok::<(), nps_core::reader::ReadError>(())
/// ```
pub fn score(
    data: &[u8],
    by: Option<GroupBy>,
    format: Option<Format>,
) -> Result<Report, ReadError> {
    let mut reader = Reader::new(by, format);
    reader.push(data)?;
    reader.finish()
}

/// A streaming scorer: [`push`](Reader::push) the input in chunks of any size, then
/// [`finish`](Reader::finish). Memory stays bounded by the longest CSV record or JSON value
/// (plus one entry per group), not by the input.
///
/// After an error the reader is spent: `push` and `finish` return that error again.
///
/// The rows go to a [`Sink`]: a [`ReportBuilder`] unless made with [`Reader::with_sink`].
#[derive(Debug)]
pub struct Reader<S = ReportBuilder> {
    phase: Phase,
    format: Option<Format>,
    builder: S,
    bytes: u64,
}

#[derive(Debug)]
enum Phase {
    /// The first bytes, held until the format is known.
    Head(Head),
    Csv(Box<csv::CsvReader>),
    Json(json::JsonReader),
    Failed(ReadError),
}

impl Reader {
    /// A reader grouping `by` that (or not), of that format (or the one its first bytes say).
    pub fn new(by: Option<GroupBy>, format: Option<Format>) -> Reader {
        Reader::with_sink(ReportBuilder::new(by), format)
    }

    /// Ends the input and returns the report.
    ///
    /// # Errors
    ///
    /// See [`ReadError`].
    pub fn finish(self) -> Result<Report, ReadError> {
        self.into_sink().map(ReportBuilder::finish)
    }
}

impl<S: Sink> Reader<S> {
    /// A reader handing its rows to `sink`, of that format (or the one its first bytes say).
    pub fn with_sink(sink: S, format: Option<Format>) -> Reader<S> {
        Reader {
            phase: Phase::Head(Head::default()),
            format,
            builder: sink,
            bytes: 0,
        }
    }

    /// How many bytes were pushed so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    /// Reads the next chunk of the input.
    ///
    /// # Errors
    ///
    /// See [`ReadError`]; errors that need the whole input (no `score` key in JSON) come from
    /// [`Reader::finish`].
    #[inline]
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), ReadError> {
        self.bytes += chunk.len() as u64;
        let result = self.read(chunk, false);
        self.fail_on(result)
    }

    /// Ends the input and returns the sink, every row in it.
    ///
    /// # Errors
    ///
    /// See [`ReadError`].
    pub fn into_sink(mut self) -> Result<S, ReadError> {
        let result = self.read(&[], true);
        self.fail_on(result)?;
        let mut builder = self.builder;
        match &mut self.phase {
            Phase::Csv(r) => r.finish(&mut builder)?,
            Phase::Json(r) => r.finish(&mut builder)?,
            Phase::Failed(e) => return Err(e.clone()),
            Phase::Head(_) => return Err(ReadError::Empty),
        }
        Ok(builder)
    }

    /// A reader of the CSV rows that follow a record boundary of this input, into `sink`: with
    /// this reader's delimiter and header, its lines counted from 1 at that boundary
    /// ([`split`]). `None` unless this reader has read a CSV header.
    pub fn fork<T: Sink>(&self, sink: T) -> Option<Reader<T>> {
        let Phase::Csv(csv) = &self.phase else {
            return None;
        };
        Some(Reader {
            phase: Phase::Csv(Box::new(csv.fork(sink.by())?)),
            format: self.format,
            builder: sink,
            bytes: 0,
        })
    }

    /// The line (1-based, counted from where this reader started) where the next record would
    /// start, when the reader stands between two CSV records after the header: a
    /// [`Reader::fork`] would read the rest exactly as this reader would. `None` otherwise.
    pub fn boundary(&self) -> Option<u64> {
        match &self.phase {
            Phase::Csv(csv) => csv.boundary(),
            _ => None,
        }
    }

    /// Tells the format by the bytes pushed so far, as [`Reader::finish`] would when no more
    /// come, and reads them on: then a CSV header that ends in a line break is read.
    pub(crate) fn end_head(&mut self) -> Result<(), ReadError> {
        if let Phase::Head(_) = self.phase {
            let result = self.read(&[], true);
            self.fail_on(result)?;
        }
        Ok(())
    }

    /// Whether [`Reader::fork`] works: `Some(true)` once a CSV header is read, `Some(false)` if
    /// it never will (JSON, or an error), `None` until then.
    pub(crate) fn forkable(&self) -> Option<bool> {
        match &self.phase {
            Phase::Csv(csv) => csv.has_header().then_some(true),
            Phase::Head(_) => None,
            Phase::Json(_) | Phase::Failed(_) => Some(false),
        }
    }

    fn fail_on(&mut self, result: Result<(), ReadError>) -> Result<(), ReadError> {
        if let Err(e) = &result {
            self.phase = Phase::Failed(e.clone());
        }
        result
    }

    /// Reads `chunk` (`end`: the input ends after it).
    #[inline]
    fn read(&mut self, chunk: &[u8], end: bool) -> Result<(), ReadError> {
        let builder = &mut self.builder;
        match &mut self.phase {
            Phase::Csv(r) => r.feed(chunk, builder),
            Phase::Json(r) => r.feed(chunk, builder),
            Phase::Failed(e) => Err(e.clone()),
            Phase::Head(head) => {
                head.bytes.extend_from_slice(chunk);
                let Some(kind) = head.decide(self.format, end)? else {
                    return Ok(());
                };
                let head = std::mem::take(&mut head.bytes);
                let body = head.strip_prefix(BOM).unwrap_or(&head);
                self.phase = match kind {
                    Kind::Csv(delimiter) => {
                        Phase::Csv(Box::new(csv::CsvReader::new(delimiter, builder.by())))
                    }
                    Kind::Json => Phase::Json(json::JsonReader::default()),
                };
                self.read(body, end)
            }
        }
    }
}

/// What the first bytes say.
enum Kind {
    Csv(u8),
    Json,
}

/// The first bytes of the input, until the format is known: up to the end of the first line
/// that is not blank and at least [`PROBE`] bytes (or [`HEAD_MAX`], or the whole input).
#[derive(Debug, Default)]
struct Head {
    bytes: Vec<u8>,
    /// Bytes already looked at for the first line.
    scanned: usize,
    /// Where the first byte that is not white space is.
    first: Option<usize>,
    /// Where the line of `first` ends (its `\n`, or the end).
    line_end: Option<usize>,
}

impl Head {
    fn decide(&mut self, hint: Option<Format>, end: bool) -> Result<Option<Kind>, ReadError> {
        let b = &self.bytes;
        let body_start = if b.starts_with(BOM) { BOM.len() } else { 0 };
        let from = self.scanned.max(body_start);
        if self.first.is_none() {
            self.first = b[from.min(b.len())..]
                .iter()
                .position(|c| !c.is_ascii_whitespace())
                .map(|p| p + from);
        }
        if let (Some(first), None) = (self.first, self.line_end) {
            let from = from.max(first);
            self.line_end = b[from..].iter().position(|&c| c == b'\n').map(|p| p + from);
        }
        self.scanned = b.len();
        let ready = end || b.len() >= HEAD_MAX || (self.line_end.is_some() && b.len() >= PROBE);
        if !ready {
            return Ok(None);
        }
        let b = &self.bytes;
        if let Some(found) = not_an_export(&b[..b.len().min(PROBE)]) {
            return Err(ReadError::NotAnExport { found });
        }
        let Some(first) = self.first else {
            return if end || b.len() >= HEAD_MAX {
                Err(ReadError::Empty)
            } else {
                Ok(None)
            };
        };
        let json = match hint {
            Some(Format::Json) => true,
            Some(Format::Csv) => false,
            None => matches!(b[first], b'[' | b'{'),
        };
        if json {
            return Ok(Some(Kind::Json));
        }
        let line_start = b[..first]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(body_start, |p| p + 1);
        let line_end = self.line_end.unwrap_or(b.len()).min(HEAD_MAX);
        Ok(Some(Kind::Csv(sniff_delimiter(&b[line_start..line_end]))))
    }
}

/// The field delimiter, from the header line: `,` if it has one, else `;` (spreadsheets in
/// many locales) or a tab, else `,`.
///
/// # Example
///
/// ```
/// use nps_core::reader::sniff_delimiter;
/// assert_eq!(sniff_delimiter(b"id;score"), b';');
/// assert_eq!(sniff_delimiter(b"id\tscore;x,y"), b',');
/// ```
pub fn sniff_delimiter(header: &[u8]) -> u8 {
    [b',', b';', b'\t']
        .into_iter()
        .find(|d| header.contains(d))
        .unwrap_or(b',')
}

/// What the first bytes look like when they are not text: magic numbers of the files people
/// pick by mistake, then NUL bytes (binary data or UTF-16 text).
fn not_an_export(probe: &[u8]) -> Option<&'static str> {
    const MAGIC: [(&[u8], &str); 11] = [
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"RIFF", "a WebP image or another RIFF file"),
        (b"%PDF", "a PDF document"),
        (
            b"PK\x03\x04",
            "a ZIP archive (an .xlsx workbook? export it as CSV)",
        ),
        (b"\x1F\x8B", "gzip-compressed data (decompress it first)"),
        (
            b"SQLite format 3\0",
            "an SQLite database (export it with GET /v1/responses.csv)",
        ),
        (
            b"\xD0\xCF\x11\xE0",
            "an old Office document (.xls? export it as CSV)",
        ),
        (b"\xFF\xFE", "UTF-16 text (save it as UTF-8 CSV)"),
        (b"\xFE\xFF", "UTF-16 text (save it as UTF-8 CSV)"),
    ];
    if let Some((_, found)) = MAGIC.iter().find(|(m, _)| probe.starts_with(m)) {
        return Some(found);
    }
    probe
        .contains(&0)
        .then_some("binary data (it contains NUL bytes)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_from_names() {
        assert_eq!(Format::from_file_name("a.tsv"), Some(Format::Csv));
        assert_eq!(Format::from_file_name("a.txt"), Some(Format::Csv));
        assert_eq!(Format::from_file_name("a.NDJSON"), Some(Format::Json));
        assert_eq!(Format::from_file_name("dir.csv/data"), None);
        assert_eq!(Format::from_file_name("-"), None);
    }

    #[test]
    fn not_an_export_by_magic_or_nul() {
        let e = |data: &[u8]| score(data, None, None).unwrap_err();
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
        assert_eq!(
            e(png),
            ReadError::NotAnExport {
                found: "a PNG image"
            }
        );
        assert_eq!(
            e(png).describe("logo.png").to_string(),
            "logo.png is not an export of responses: it looks like a PNG image; pass a CSV \
             whose header has a `score` column, or a JSON array / NDJSON of responses"
        );
        assert_eq!(
            e(b"\xFF\xFEs\0c\0o\0r\0e\0"),
            ReadError::NotAnExport {
                found: "UTF-16 text (save it as UTF-8 CSV)"
            }
        );
        assert_eq!(
            e(b"score\n9\n\0\x01"),
            ReadError::NotAnExport {
                found: "binary data (it contains NUL bytes)"
            }
        );
        // Latin-1 text is not binary: the scores still read.
        let r = score(b"score,comment\n9,caf\xE9\n", None, None).unwrap();
        assert_eq!(r.total.tally.n(), 1);
    }

    #[test]
    fn empty_inputs() {
        for data in [&b""[..], b"  \r\n \n", BOM, b"\xEF\xBB\xBF\n\n"] {
            for format in [None, Some(Format::Csv), Some(Format::Json)] {
                let e = score(data, None, format).unwrap_err();
                assert_eq!(e, ReadError::Empty, "{data:?} {format:?}");
            }
        }
        assert_eq!(
            ReadError::Empty.describe("a.csv").to_string(),
            "a.csv is empty; pass a CSV whose first line is a header with a `score` column, or a \
             JSON array / NDJSON of responses (e.g. the export GET /v1/responses.csv)"
        );
    }

    #[test]
    fn format_by_content_unless_named() {
        let r = score(b" \n[{\"score\": 9}]", None, None).unwrap();
        assert_eq!(r.total.tally.n(), 1);
        let e = score(b"[{\"score\": 9}]", None, Some(Format::Csv)).unwrap_err();
        assert!(matches!(e, ReadError::NoScoreColumn { .. }), "{e:?}");
        let e = score(b"score\n9\n", None, Some(Format::Json)).unwrap_err();
        assert!(matches!(e, ReadError::Json { line: 1, .. }), "{e:?}");
    }

    #[test]
    fn an_error_is_kept() {
        let mut r = Reader::new(None, None);
        let mut data = b"id,rating\n".to_vec();
        data.extend(b"1,9\n".repeat(PROBE));
        let e = r.push(&data).unwrap_err();
        assert_eq!(r.push(b"score\n").unwrap_err(), e);
        assert_eq!(r.push(b"").unwrap_err(), e);
        assert_eq!(r.finish().unwrap_err(), e);
    }

    #[test]
    fn sniffs_the_first_line_that_is_not_blank() {
        assert_eq!(sniff_delimiter(b"id,score;x"), b',');
        assert_eq!(sniff_delimiter(b"id;score"), b';');
        assert_eq!(sniff_delimiter(b"id\tscore"), b'\t');
        assert_eq!(sniff_delimiter(b"score"), b',');
        let r = score(b"\r\n\nid;score\n1;9\n2;10\n", None, None).unwrap();
        assert_eq!(r.total.tally.n(), 2);
    }
}
