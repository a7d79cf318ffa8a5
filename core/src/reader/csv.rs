//! CSV exports, on `csv-core` (no_std, the parser under the `csv` crate): records are parsed
//! incrementally across chunks; each record's fields land in one reused buffer.
//!
//! The header (the first record that is not blank) names the columns, trimmed and
//! case-insensitively, in any order. Rows may have fewer or more fields than the header; a row
//! without a score field is invalid. Blank lines are skipped.
//!
//! Between records, a fast path (`csv/index.rs`) reads the plain records of a chunk 64 bytes at a
//! time, and leaves the others to csv-core.

use crate::reader::ReadError;
use crate::report::{GroupBy, Row, Sink};

mod index;

/// A score cell as [`crate::parse_score`] reads it; the two common shapes skip UTF-8 checks.
///
/// # Example
///
/// ```
/// use nps_core::reader::csv::score_of;
/// assert_eq!(score_of(b"10"), Some(10));
/// assert_eq!(score_of(b" 9\t"), Some(9));
/// assert_eq!(score_of(b"9.0"), None);
/// ```
#[inline]
pub fn score_of(cell: &[u8]) -> Option<u8> {
    match cell {
        [d @ b'0'..=b'9'] => Some(d - b'0'),
        b"10" => Some(10),
        _ => core::str::from_utf8(cell)
            .ok()
            .and_then(|s| crate::parse_score(s).ok()),
    }
}

#[derive(Debug, Clone, Copy)]
struct Columns {
    score: usize,
    touchpoint: Option<usize>,
    answered_at: Option<usize>,
    comment: Option<usize>,
}

/// The CSV state of a [`crate::reader::Reader`].
#[derive(Debug)]
pub(crate) struct CsvReader {
    rdr: csv_core::Reader,
    delimiter: u8,
    by: Option<GroupBy>,
    /// The fields of the record being read, back to back; `ends[i]` is where field `i` ends.
    out: Vec<u8>,
    ends: Vec<usize>,
    nout: usize,
    nend: usize,
    /// Between records: line breaks are skipped here, so a record starts at its first byte.
    at_start: bool,
    /// Line breaks skipped between records (csv-core counts those it reads).
    skipped: u64,
    /// The line where the current record starts.
    line: u64,
    columns: Option<Columns>,
    /// Cells the fast path unescaped (`""` in a quoted cell).
    scratch: Vec<u8>,
    /// Whether the fast path runs (always, but in the test that holds it to csv-core).
    fast: bool,
}

/// The cells of a row a sink wants, and how a row is passed to it.
#[derive(Debug, Clone, Copy)]
struct Fields {
    cols: Columns,
    /// The touchpoint and `answered_at` (grouping, or every column).
    text: bool,
    /// The comment (every column).
    comment: bool,
}

impl Fields {
    fn wanted<S: Sink>(cols: &Columns, sink: &S) -> Fields {
        let every = sink.wants_every_column();
        Fields {
            cols: *cols,
            text: every || sink.by().is_some(),
            comment: every,
        }
    }

    /// The score, touchpoint, `answered_at` and comment columns, those wanted.
    #[inline(always)]
    fn columns(&self) -> [Option<usize>; 4] {
        let c = &self.cols;
        let text = |col: Option<usize>, wanted: bool| col.filter(|_| wanted);
        [
            Some(c.score),
            text(c.touchpoint, self.text),
            text(c.answered_at, self.text),
            text(c.comment, self.comment),
        ]
    }

    /// The highest of [`Fields::columns`].
    fn last_column(&self) -> usize {
        self.columns().into_iter().flatten().max().unwrap_or(0)
    }

    /// Passes one row, its cells in the order of [`Fields::columns`] (`None`: not wanted, or
    /// the row is too short), and the line where it starts.
    #[inline(always)]
    fn pass<S: Sink>(cells: [Option<&[u8]>; 4], line: u64, sink: &mut S) {
        let [score, touchpoint, answered_at, comment] = cells;
        let row = Row {
            touchpoint: touchpoint.unwrap_or_default(),
            answered_at: answered_at.unwrap_or_default(),
            comment: comment.unwrap_or_default(),
        };
        sink.row(score.and_then(score_of), row, || line);
    }
}

impl CsvReader {
    pub(crate) fn new(delimiter: u8, by: Option<GroupBy>) -> CsvReader {
        CsvReader {
            rdr: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            delimiter,
            by,
            out: vec![0; 1 << 12],
            ends: vec![0; 64],
            nout: 0,
            nend: 0,
            at_start: true,
            skipped: 0,
            line: 1,
            columns: None,
            scratch: Vec::new(),
            fast: true,
        }
    }

    /// A reader of the rows that follow a record boundary, with this reader's delimiter and
    /// header, its lines counted from 1 at that boundary. `None` before the header is read.
    pub(crate) fn fork(&self, by: Option<GroupBy>) -> Option<CsvReader> {
        let columns = Some(self.columns?);
        let mut fork = CsvReader {
            columns,
            ..CsvReader::new(self.delimiter, by)
        };
        // csv-core strips a UTF-8 BOM from the first bytes it ever reads: not at a boundary in
        // the middle of the input. A line break read at the start of a record changes nothing
        // else (csv-core skips it), but the line count, set back.
        let (res, ..) = fork.rdr.read_record(b"\n", &mut fork.out, &mut fork.ends);
        debug_assert!(matches!(res, csv_core::ReadRecordResult::InputEmpty));
        fork.rdr.set_line(1);
        Some(fork)
    }

    /// Whether the header is read.
    pub(crate) fn has_header(&self) -> bool {
        self.columns.is_some()
    }

    /// The line (1-based) where the next record would start, when the reader stands between two
    /// records after the header: from there a [`CsvReader::fork`] reads exactly as this reader
    /// would. `None` in the middle of a record, or before the header.
    pub(crate) fn boundary(&self) -> Option<u64> {
        // Between records csv-core is in its start state or just after a terminator (`\r` or
        // `\n`), which read the bytes that follow as the start state does.
        (self.at_start && self.columns.is_some()).then(|| self.rdr.line() + self.skipped)
    }

    #[inline]
    pub(crate) fn feed<S: Sink>(&mut self, chunk: &[u8], builder: &mut S) -> Result<(), ReadError> {
        let mut pos = 0;
        loop {
            if self.at_start {
                if self.fast {
                    pos += self.fast(&chunk[pos..], builder);
                }
                while pos < chunk.len() && matches!(chunk[pos], b'\n' | b'\r') {
                    self.skipped += u64::from(chunk[pos] == b'\n');
                    pos += 1;
                }
                if pos == chunk.len() {
                    break;
                }
                self.at_start = false;
                // csv-core counts lines from 1, and the line breaks it read.
                self.line = self.rdr.line() + self.skipped;
            } else if pos == chunk.len() {
                break;
            }
            let (res, nin, nout, nend) = self.rdr.read_record(
                &chunk[pos..],
                &mut self.out[self.nout..],
                &mut self.ends[self.nend..],
            );
            pos += nin;
            self.nout += nout;
            self.nend += nend;
            match res {
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull => {
                    let len = self.out.len() * 2;
                    self.out.resize(len, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let len = self.ends.len() * 2;
                    self.ends.resize(len, 0);
                }
                csv_core::ReadRecordResult::Record => self.record(builder)?,
                csv_core::ReadRecordResult::End => break,
            }
        }
        Ok(())
    }

    pub(crate) fn finish<S: Sink>(&mut self, builder: &mut S) -> Result<(), ReadError> {
        while !self.at_start {
            let (res, _, _, nend) =
                self.rdr
                    .read_record(&[], &mut self.out[self.nout..], &mut self.ends[self.nend..]);
            self.nend += nend;
            match res {
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let len = self.ends.len() * 2;
                    self.ends.resize(len, 0);
                }
                csv_core::ReadRecordResult::Record => self.record(builder)?,
                _ => self.at_start = true,
            }
        }
        if self.columns.is_none() {
            return Err(ReadError::Empty);
        }
        Ok(())
    }

    /// One complete record: the header, or a row.
    // Always: once per row, and it is not inlined into every copy of `feed` otherwise.
    #[inline(always)]
    fn record<S: Sink>(&mut self, builder: &mut S) -> Result<(), ReadError> {
        let nend = self.nend;
        self.nout = 0;
        self.nend = 0;
        self.at_start = true;
        let ends = &self.ends[..nend];
        let out = &self.out;
        let field = |i: usize| -> Option<&[u8]> {
            let end = *ends.get(i)?;
            let start = if i == 0 { 0 } else { ends[i - 1] };
            out.get(start..end)
        };
        let Some(cols) = self.columns else {
            self.columns = Some(header(ends.len(), field, self.by)?);
            return Ok(());
        };
        let cells = Fields::wanted(&cols, builder)
            .columns()
            .map(|c| c.and_then(field));
        Fields::pass(cells, self.line, builder);
        Ok(())
    }
}

fn header<'a>(
    n: usize,
    field: impl Fn(usize) -> Option<&'a [u8]>,
    by: Option<GroupBy>,
) -> Result<Columns, ReadError> {
    let names: Vec<String> = (0..n)
        .map(|i| {
            let name = field(i).unwrap_or_default().trim_ascii();
            String::from_utf8_lossy(name).to_ascii_lowercase()
        })
        .collect();
    if names.iter().all(String::is_empty) {
        return Err(ReadError::Empty);
    }
    let col = |name: &str| names.iter().position(|n| n == name);
    let Some(score) = col("score") else {
        return Err(ReadError::NoScoreColumn {
            header: names.join(", "),
        });
    };
    let cols = Columns {
        score,
        touchpoint: col("touchpoint"),
        answered_at: col("answered_at"),
        comment: col("comment"),
    };
    if let Some(by) = by {
        let present = match by {
            GroupBy::Touchpoint => cols.touchpoint,
            _ => cols.answered_at,
        };
        if present.is_none() {
            return Err(ReadError::NoGroupColumn {
                column: by.column(),
                by,
            });
        }
    }
    Ok(cols)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::{score, Format};
    use crate::report::Report;

    fn csv(s: &str, by: Option<GroupBy>) -> Report {
        score(s.as_bytes(), by, Some(Format::Csv)).unwrap()
    }

    #[test]
    fn score_of_matches_parse_score() {
        for cell in [
            "0", "9", "10", " 9 ", "\t7", "09", "010", "11", "9.0", "+9", "-1", "", " ", "abc",
            "１", "1 0",
        ] {
            assert_eq!(
                score_of(cell.as_bytes()),
                crate::parse_score(cell).ok(),
                "cell {cell:?}"
            );
        }
        assert_eq!(score_of(b"\xff"), None);
    }

    #[test]
    fn counts_and_invalid_lines() {
        let r = csv("score\n10\n9\n8\n0\n11\nx\n\n6\n", None);
        let t = &r.total.tally;
        assert_eq!(
            (t.n(), t.promoters(), t.passives(), t.detractors()),
            (5, 2, 1, 2)
        );
        assert_eq!(r.total.invalid, 2);
        assert_eq!(r.total.invalid_lines, vec![6, 7]);
    }

    #[test]
    fn invalid_lines_are_physical_line_of_record_start() {
        let data = "Comment,SCORE\r\n\"multi\r\nline, with comma\",9\r\n\"again\nand\nagain\",eleven\r\nok,3\r\n";
        let r = csv(data, None);
        assert_eq!(r.total.tally.n(), 2);
        assert_eq!(r.total.invalid_lines, vec![4]);
    }

    #[test]
    fn invalid_lines_with_crlf_blank_lines_and_bom() {
        let data = "\u{feff}score,touchpoint\r\n\r\n9,a\r\nbad,a\r\n\r\n\r\n\"x\r\ny\",b\r\n12,b";
        let r = csv(data, Some(GroupBy::Touchpoint));
        assert_eq!(r.total.invalid_lines, vec![4, 7, 9]);
        assert_eq!(r.groups[0].stats.invalid_lines, vec![4]);
        assert_eq!(r.groups[1].stats.invalid_lines, vec![7, 9]);
        let lf = csv(&data.replace("\r\n", "\n"), None);
        assert_eq!(lf.total.invalid_lines, vec![4, 7, 9]);
    }

    #[test]
    fn semicolon_and_tab_delimiters() {
        let r = csv("id;Score;comment\n1;9;\"a;b\"\n2;x;\n", None);
        assert_eq!(
            (r.total.tally.n(), r.total.invalid_lines.clone()),
            (1, vec![3])
        );
        let r = csv("score\tcomment\n10\thi, there\n", None);
        assert_eq!(r.total.tally.promoters(), 1);
    }

    #[test]
    fn bom_and_column_order() {
        let r = csv(
            "\u{feff}Touchpoint,Score\ncheckout,10\n",
            Some(GroupBy::Touchpoint),
        );
        assert_eq!(r.total.tally.n(), 1);
        assert_eq!(r.groups.len(), 1);
        assert_eq!(r.groups[0].key, "checkout");
    }

    #[test]
    fn short_rows_and_a_last_line_without_line_break() {
        let r = csv("id,comment,score\n1,a\n2,b,10\n3,c,9,extra\n4,d,0", None);
        assert_eq!(r.total.tally.n(), 3);
        assert_eq!(r.total.invalid_lines, [2]);
    }

    #[test]
    fn header_errors() {
        let e = |data: &str, by| score(data.as_bytes(), by, None).unwrap_err();
        assert_eq!(e(",,\n1,2,3\n", None), ReadError::Empty);
        assert_eq!(
            e("id,rating\n1,9\n", None).describe("a.csv").to_string(),
            "a.csv has no `score` column (header: id, rating); name the column that holds the \
             0..10 answers `score`"
        );
        assert_eq!(
            e("score\n9\n", Some(GroupBy::Week))
                .describe("a.csv")
                .to_string(),
            "a.csv has no `answered_at` column, which --by week needs; add the column or drop --by"
        );
        assert_eq!(
            e("Score\n9\n", Some(GroupBy::Touchpoint)),
            ReadError::NoGroupColumn {
                column: "touchpoint",
                by: GroupBy::Touchpoint
            }
        );
    }

    #[test]
    fn long_fields_and_many_columns_grow_the_buffers() {
        let comment = "x".repeat(100_000);
        let many: Vec<String> = (0..200).map(|i| format!("c{i}")).collect();
        let data = format!(
            "{},score\n{},\"{comment}\"\n{},7\n",
            many.join(","),
            vec!["1"; 200].join(","),
            vec!["1"; 200].join(",")
        );
        let r = csv(&data, None);
        assert_eq!(r.total.tally.n(), 1);
        assert_eq!(r.total.invalid_lines, [2]);
    }
}

/// The fast path ([`index`]) held to csv-core: the same rows, cells and lines, however the
/// input is cut into chunks, on well-formed exports and on every odd shape of quotes and line
/// breaks. Native only: proptest does not build for wasm32.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod fast_path {
    use super::*;
    use proptest::prelude::*;

    /// A row as the sink sees it: score, touchpoint, `answered_at`, comment, line.
    type Seen = (Option<u8>, Vec<u8>, Vec<u8>, Vec<u8>, u64);

    #[derive(Debug, Default, PartialEq)]
    struct Rows {
        every: bool,
        by: Option<GroupBy>,
        rows: Vec<Seen>,
    }

    impl Sink for Rows {
        fn by(&self) -> Option<GroupBy> {
            self.by
        }
        fn wants_every_column(&self) -> bool {
            self.every
        }
        fn row(&mut self, score: Option<u8>, row: Row<'_>, line: impl FnOnce() -> u64) {
            let Row {
                touchpoint,
                answered_at,
                comment,
            } = row;
            let cells = (touchpoint.to_vec(), answered_at.to_vec(), comment.to_vec());
            self.rows.push((score, cells.0, cells.1, cells.2, line()));
        }
    }

    /// Reads `data` in chunks of `sizes` (cycled), with or without the fast path.
    fn read(
        data: &[u8],
        delimiter: u8,
        sizes: &[usize],
        sink: (bool, Option<GroupBy>),
        fast: bool,
    ) -> (Rows, Result<(), ReadError>, u64) {
        let mut rows = Rows {
            every: sink.0,
            by: sink.1,
            rows: Vec::new(),
        };
        let mut reader = CsvReader::new(delimiter, sink.1);
        reader.fast = fast;
        let mut rest = data;
        let mut i = 0;
        let result = loop {
            if rest.is_empty() {
                break reader.finish(&mut rows);
            }
            let n = sizes[i % sizes.len()].clamp(1, rest.len());
            let (chunk, tail) = rest.split_at(n);
            if let Err(e) = reader.feed(chunk, &mut rows) {
                break Err(e);
            }
            rest = tail;
            i += 1;
        };
        let line = reader.rdr.line() + reader.skipped;
        (rows, result, line)
    }

    /// A cell: mostly what exports hold, often what only a hand-edited file does.
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => "[0-9]{1,2}",
            2 => "[a-z ]{0,12}",
            2 => "[a-z,\n\"]{0,8}".prop_map(|s| format!("\"{}\"", s.replace('"', "\"\""))),
            1 => "[a-z]{60,140}",
            1 => "[a-z,\r\n]{0,80}".prop_map(|s| format!("\"{s}\"")),
            1 => prop::sample::select(vec![
                "ab\"c", "\"ab\"c", "\"ab", " \"x\"", "\"x\" ", "a\rb", "\"\"", "\"\"\"\"", "\r",
                "\"9\"", "\"\"\"9\"", "10\r",
            ])
            .prop_map(String::from),
        ]
    }

    fn record() -> impl Strategy<Value = String> {
        let end = prop::sample::select(vec![
            "\n", "\n", "\n", "\r\n", "\r\n", "\r", "\n\n", "\r\n\r\n",
        ]);
        (prop::collection::vec(cell(), 0..7), end)
            .prop_map(|(cells, end)| format!("{}{end}", cells.join(",")))
    }

    fn sink() -> impl Strategy<Value = (bool, Option<GroupBy>)> {
        (
            any::<bool>(),
            prop_oneof![
                Just(None),
                Just(Some(GroupBy::Touchpoint)),
                Just(Some(GroupBy::Day))
            ],
        )
    }

    fn header() -> impl Strategy<Value = String> {
        Just(vec!["id", "score", "comment", "touchpoint", "answered_at"])
            .prop_shuffle()
            .prop_map(|names| format!("{}\n", names.join(",")))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]

        #[test]
        fn same_rows_as_csv_core(
            header in header(),
            records in prop::collection::vec(record(), 0..40),
            sizes in prop::collection::vec(1usize..300, 1..6),
            sink in sink(),
        ) {
            let data = format!("{header}{}", records.concat());
            let whole = [data.len().max(1)];
            let slow = read(data.as_bytes(), b',', &whole, sink, false);
            prop_assert_eq!(&read(data.as_bytes(), b',', &whole, sink, true), &slow);
            prop_assert_eq!(&read(data.as_bytes(), b',', &sizes, sink, true), &slow);
        }

        #[test]
        fn same_rows_on_any_bytes(
            body in prop::collection::vec(prop::sample::select(b"\"\n\r,;a9 1".to_vec()), 0..600),
            sizes in prop::collection::vec(1usize..200, 1..6),
            semicolon in any::<bool>(),
            sink in sink(),
        ) {
            let delimiter = if semicolon { b';' } else { b',' };
            let head = if semicolon { "score;touchpoint;answered_at;comment\n" } else { "comment,touchpoint,answered_at,score\n" };
            let data = [head.as_bytes(), &body].concat();
            let whole = [data.len().max(1)];
            let slow = read(&data, delimiter, &whole, sink, false);
            prop_assert_eq!(&read(&data, delimiter, &whole, sink, true), &slow);
            prop_assert_eq!(&read(&data, delimiter, &sizes, sink, true), &slow);
        }
    }

    #[test]
    fn the_bench_shape_takes_the_fast_path() {
        // Quoted comments with `""` and commas, CRLF, a record across 64-byte blocks.
        let mut data = String::from("id,score,comment,touchpoint,answered_at\r\n");
        for i in 0..300 {
            let comment =
                ["\"\"\"Great\"\", thanks\"", "\"\"", &"x".repeat(i % 90)][i % 3].to_string();
            data += &format!(
                "r{i},{},{comment},delivery,2026-10-01T12:00:00Z\r\n",
                i % 11
            );
        }
        let mut reader = CsvReader::new(b',', None);
        let mut rows = Rows {
            every: true,
            ..Rows::default()
        };
        let bytes = data.as_bytes();
        let header_end = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
        reader.feed(&bytes[..header_end], &mut rows).unwrap();
        // Every row read by the fast path alone, csv-core never asked.
        assert_eq!(
            reader.fast(&bytes[header_end..], &mut rows),
            bytes.len() - header_end
        );
        assert_eq!(rows.rows.len(), 300);
        assert_eq!(rows.rows[0].3, b"\"Great\", thanks");
        assert_eq!(rows.rows[299].4, 301);
    }
}
