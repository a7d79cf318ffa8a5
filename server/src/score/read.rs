//! Reading `nps score` input: CSV (streamed; any column order, `,` `;` or tab, BOM, CRLF),
//! a JSON array or NDJSON of responses, from a file or stdin, into a [`Report`].

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use serde_json::Value;

use super::group::{Accumulator, Report};
use super::CliError;
use crate::cli::GroupBy;

/// A score cell as `nps_core::parse_score` reads it; the two common shapes skip UTF-8 checks.
pub fn score_of(cell: &[u8]) -> Option<u8> {
    match cell {
        [d @ b'0'..=b'9'] => Some(d - b'0'),
        b"10" => Some(10),
        _ => std::str::from_utf8(cell)
            .ok()
            .and_then(|s| nps_core::parse_score(s).ok()),
    }
}

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    /// A JSON array of response objects.
    JsonArray,
    /// Concatenated JSON objects: NDJSON / JSON Lines (or one object).
    JsonStream,
}

/// Picks the format from the extension (`.csv`, `.json`, `.ndjson`, `.jsonl`) and, where that
/// is not decisive, from the first non-space byte of the content.
pub fn detect(path: &Path, head: &[u8]) -> Format {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first = head.iter().copied().find(|b| !b.is_ascii_whitespace());
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv" | "tsv" | "txt") => Format::Csv,
        Some("ndjson" | "jsonl") => Format::JsonStream,
        Some("json") if first == Some(b'[') => Format::JsonArray,
        Some("json") => Format::JsonStream,
        _ => match first {
            Some(b'[') => Format::JsonArray,
            Some(b'{') => Format::JsonStream,
            _ => Format::Csv,
        },
    }
}

/// The field delimiter, from the header line: `,` if it has one, else `;` (spreadsheets in
/// many locales) or a tab, else `,`.
pub fn sniff_delimiter(head: &[u8]) -> u8 {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    [b',', b';', b'\t']
        .into_iter()
        .find(|d| line.contains(d))
        .unwrap_or(b',')
}

/// Scores CSV held in memory; see [`score_csv_stream`].
///
/// # Errors
/// Empty input, no `score` column, a missing grouping column.
pub fn score_csv(data: &[u8], file: &str, by: Option<GroupBy>) -> Result<Report, CliError> {
    let mut report = score_csv_stream(data, sniff_delimiter(data), file, by)?;
    fix_csv_lines(&mut report, &mut io::Cursor::new(data)).map_err(|source| CliError::Read {
        file: file.to_string(),
        source,
    })?;
    Ok(report)
}

/// Scores a CSV stream. The header (first record) names the columns, case-insensitively, in
/// any order; a UTF-8 BOM, CRLF or LF line ends and RFC 4180 quoting are all accepted.
/// The invalid line numbers are provisional until [`fix_csv_lines`] runs on the same bytes.
///
/// # Errors
/// Empty input, no `score` column, a missing grouping column, or a read error.
pub fn score_csv_stream<R: Read>(
    input: R,
    delimiter: u8,
    file: &str,
    by: Option<GroupBy>,
) -> Result<Report, CliError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(1 << 16)
        .from_reader(input);
    let csv_err = |source| CliError::Csv {
        file: file.to_string(),
        source,
    };
    let mut rec = csv::ByteRecord::new();
    if !rdr.read_byte_record(&mut rec).map_err(csv_err)? {
        return Err(CliError::Empty {
            file: file.to_string(),
        });
    }
    let names: Vec<String> = rec
        .iter()
        .map(|h| {
            let h = h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h);
            String::from_utf8_lossy(h.trim_ascii()).to_ascii_lowercase()
        })
        .collect();
    if names.iter().all(String::is_empty) {
        return Err(CliError::Empty {
            file: file.to_string(),
        });
    }
    let col = |name: &str| names.iter().position(|n| n == name);
    let Some(score_col) = col("score") else {
        return Err(CliError::NoScoreColumn {
            file: file.to_string(),
            header: names.join(", "),
        });
    };
    let touchpoint_col = col("touchpoint");
    let answered_col = col("answered_at");
    check_group_column(file, by, touchpoint_col.is_some(), answered_col.is_some())?;
    let mut acc = Accumulator::new(by);
    let grouped = by.is_some();
    while rdr.read_byte_record(&mut rec).map_err(csv_err)? {
        let score = rec.get(score_col).and_then(score_of);
        if score.is_some() && !grouped {
            acc.total.add(score, 0, None);
            continue;
        }
        let (line, start) = rec.position().map_or((0, 0), |p| (p.line(), p.byte()));
        if grouped {
            let field = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or_default();
            acc.row(
                score,
                field(touchpoint_col),
                field(answered_col),
                line,
                Some(start),
            );
        } else {
            acc.total.add(score, line, Some(start));
        }
    }
    Ok(acc.finish(file, by))
}

/// Turns the csv reader's record positions into physical line numbers of the record's first
/// byte. The reader reports a record as starting right after the previous one ended: with CRLF
/// line ends that is on the pending `\n`, and blank lines (which it skips) are counted in too.
/// So each kept position is advanced past the `\r`/`\n` bytes that follow it.
///
/// # Errors
/// A read or seek error of `src`.
pub fn fix_csv_lines<S: Read + io::Seek>(report: &mut Report, src: &mut S) -> io::Result<()> {
    let groups = report.groups.iter_mut().map(|(_, s)| s);
    for stats in std::iter::once(&mut report.total).chain(groups) {
        for (line, &start) in stats.invalid_lines.iter_mut().zip(&stats.csv_starts) {
            *line += newlines_from(src, start)?;
        }
        stats.csv_starts.clear();
    }
    Ok(())
}

fn newlines_from<S: Read + io::Seek>(src: &mut S, start: u64) -> io::Result<u64> {
    src.seek(io::SeekFrom::Start(start))?;
    let mut buf = [0u8; 256];
    let mut newlines = 0;
    loop {
        let k = src.read(&mut buf)?;
        if k == 0 {
            return Ok(newlines);
        }
        for &b in &buf[..k] {
            match b {
                b'\n' => newlines += 1,
                b'\r' => {}
                _ => return Ok(newlines),
            }
        }
    }
}

fn check_group_column(
    file: &str,
    by: Option<GroupBy>,
    has_touchpoint: bool,
    has_answered_at: bool,
) -> Result<(), CliError> {
    let missing = match by {
        Some(GroupBy::Touchpoint) if !has_touchpoint => "touchpoint",
        Some(GroupBy::Day | GroupBy::Week | GroupBy::Month) if !has_answered_at => "answered_at",
        _ => return Ok(()),
    };
    Err(CliError::NoGroupColumn {
        file: file.to_string(),
        column: missing,
        by: by.unwrap_or(GroupBy::Touchpoint),
    })
}

/// Scores a JSON array of responses, or NDJSON (one object per line; a pretty-printed object
/// spanning lines also works). An object with a `responses` array (an `nps.batch/1` body)
/// counts each of its responses. A value that is not a response object, or an NDJSON line that
/// is not valid JSON, counts as an invalid row at the line where it starts.
///
/// # Errors
/// Empty input, a JSON array that is not well formed, or no `score` key anywhere.
pub fn score_json(
    data: &[u8],
    format: Format,
    file: &str,
    by: Option<GroupBy>,
) -> Result<Report, CliError> {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let Some(start) = data.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Err(CliError::Empty {
            file: file.to_string(),
        });
    };
    let mut lines = LineCounter::default();
    let mut acc = Accumulator::new(by);
    let mut seen = Seen::default();
    let json_err = |line: u64, message: String| CliError::Json {
        file: file.to_string(),
        line,
        message,
    };
    if format == Format::JsonArray {
        if data[start] != b'[' {
            return Err(json_err(
                lines.line_at(data, start),
                "expected a JSON array `[...]` of response objects".into(),
            ));
        }
        let mut pos = skip_ws(data, start + 1);
        if data.get(pos) == Some(&b']') {
            pos += 1;
        } else {
            loop {
                let line = lines.line_at(data, pos);
                let mut it =
                    serde_json::Deserializer::from_slice(&data[pos..]).into_iter::<Value>();
                match it.next() {
                    Some(Ok(v)) => add_json(&mut acc, &mut seen, &v, line),
                    Some(Err(e)) => {
                        return Err(json_err(line + e.line() as u64 - 1, strip_pos(&e)))
                    }
                    None => return Err(json_err(line, "unexpected end of input".into())),
                }
                pos = skip_ws(data, pos + it.byte_offset());
                match data.get(pos) {
                    Some(b',') => pos = skip_ws(data, pos + 1),
                    Some(b']') => {
                        pos += 1;
                        break;
                    }
                    _ => {
                        return Err(json_err(
                            lines.line_at(data, pos),
                            "expected `,` or `]` after an array element".into(),
                        ))
                    }
                }
            }
        }
        let rest = skip_ws(data, pos);
        if rest < data.len() {
            return Err(json_err(
                lines.line_at(data, rest),
                "unexpected content after the closing `]`".into(),
            ));
        }
    } else {
        let mut pos = start;
        while pos < data.len() {
            let line = lines.line_at(data, pos);
            let mut it = serde_json::Deserializer::from_slice(&data[pos..]).into_iter::<Value>();
            match it.next() {
                Some(Ok(v)) => {
                    add_json(&mut acc, &mut seen, &v, line);
                    pos = skip_ws(data, pos + it.byte_offset());
                }
                _ => {
                    // Not valid JSON: report the line, resume at the next line.
                    acc.row(None, b"", b"", line, None);
                    pos = match data[pos..].iter().position(|&b| b == b'\n') {
                        Some(nl) => skip_ws(data, pos + nl + 1),
                        None => data.len(),
                    };
                }
            }
        }
    }
    if !seen.score && seen.objects > 0 {
        return Err(CliError::NoScoreColumn {
            file: file.to_string(),
            header: "no object has a \"score\" key".into(),
        });
    }
    if by.is_some() && seen.objects > 0 {
        check_group_column(file, by, seen.touchpoint, seen.answered_at)?;
    }
    Ok(acc.finish(file, by))
}

#[derive(Default)]
struct Seen {
    objects: u64,
    score: bool,
    touchpoint: bool,
    answered_at: bool,
}

fn add_json(acc: &mut Accumulator, seen: &mut Seen, v: &Value, line: u64) {
    if let Some(responses) = v
        .as_object()
        .filter(|o| !o.contains_key("score"))
        .and_then(|o| o.get("responses"))
        .and_then(Value::as_array)
    {
        for r in responses {
            add_json(acc, seen, r, line);
        }
        return;
    }
    let Some(obj) = v.as_object() else {
        acc.row(None, b"", b"", line, None);
        return;
    };
    seen.objects += 1;
    seen.score |= obj.contains_key("score");
    seen.touchpoint |= obj.contains_key("touchpoint");
    seen.answered_at |= obj.contains_key("answered_at");
    let score = match obj.get("score") {
        Some(Value::Number(n)) => n.as_u64().filter(|&s| s <= 10).map(|s| s as u8),
        Some(Value::String(s)) => nps_core::parse_score(s).ok(),
        _ => None,
    };
    let text = |key: &str| -> String {
        match obj.get(key) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        }
    };
    let touchpoint = text("touchpoint");
    let answered_at = text("answered_at");
    acc.row(
        score,
        touchpoint.as_bytes(),
        answered_at.as_bytes(),
        line,
        None,
    );
}

fn skip_ws(data: &[u8], mut pos: usize) -> usize {
    while data.get(pos).is_some_and(u8::is_ascii_whitespace) {
        pos += 1;
    }
    pos
}

/// serde_json's message without its " at line L column C" suffix (we report our own line).
fn strip_pos(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => format!("{} (column {})", &s[..i], e.column()),
        None => s,
    }
}

/// Turns byte offsets into 1-based line numbers, scanning forward only once.
#[derive(Default)]
struct LineCounter {
    pos: usize,
    newlines: u64,
}

impl LineCounter {
    fn line_at(&mut self, data: &[u8], pos: usize) -> u64 {
        if pos < self.pos {
            self.pos = 0;
            self.newlines = 0;
        }
        let end = pos.min(data.len());
        self.newlines += data[self.pos..end].iter().filter(|&&b| b == b'\n').count() as u64;
        self.pos = end;
        self.newlines + 1
    }
}

/// Scores a file by path (`-` = stdin).
///
/// # Errors
/// See [`CliError`].
pub fn score_path(path: &Path, by: Option<GroupBy>) -> Result<Report, CliError> {
    let name = path.display().to_string();
    let read_err = |source| CliError::Read {
        file: name.clone(),
        source,
    };
    if path.as_os_str() == "-" {
        let mut data = Vec::new();
        io::stdin().read_to_end(&mut data).map_err(read_err)?;
        let name = "stdin";
        return match detect(path, &data) {
            Format::Csv => score_csv(&data, name, by),
            f => score_json(&data, f, name, by),
        };
    }
    if path.is_dir() {
        return Err(read_err(io::Error::other("it is a directory")));
    }
    let file = File::open(path).map_err(read_err)?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let format = detect(path, reader.fill_buf().map_err(read_err)?);
    match format {
        Format::Csv => {
            let delimiter = sniff_delimiter(reader.fill_buf().map_err(read_err)?);
            let mut report = score_csv_stream(reader, delimiter, &name, by)?;
            let mut again = File::open(path).map_err(read_err)?;
            fix_csv_lines(&mut report, &mut again).map_err(read_err)?;
            Ok(report)
        }
        f => {
            let mut data = Vec::new();
            reader.read_to_end(&mut data).map_err(read_err)?;
            score_json(&data, f, &name, by)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::tests::csv;

    #[test]
    fn score_of_matches_parse_score() {
        for cell in [
            "0", "9", "10", " 9 ", "\t7", "09", "010", "11", "9.0", "+9", "-1", "", " ", "abc",
            "１", "1 0",
        ] {
            assert_eq!(
                score_of(cell.as_bytes()),
                nps_core::parse_score(cell).ok(),
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
        assert_eq!(r.groups[0].1.invalid_lines, vec![4]);
        assert_eq!(r.groups[1].1.invalid_lines, vec![7, 9]);
        let lf = csv(&data.replace("\r\n", "\n"), None);
        assert_eq!(lf.total.invalid_lines, vec![4, 7, 9]);
    }

    #[test]
    fn semicolon_and_tab_delimiters() {
        assert_eq!(sniff_delimiter(b"id,score;x\n"), b',');
        assert_eq!(sniff_delimiter(b"id;score\n1,5;9"), b';');
        assert_eq!(sniff_delimiter(b"id\tscore\n"), b'\t');
        assert_eq!(sniff_delimiter(b"score\n9"), b',');
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
        assert_eq!(r.groups[0].0, "checkout");
    }

    #[test]
    fn header_errors() {
        let e = score_csv(b"", "a.csv", None).unwrap_err().to_string();
        assert!(e.starts_with("a.csv is empty;"), "{e}");
        let e = score_csv(b"id,rating\n1,9\n", "a.csv", None)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "a.csv has no `score` column (header: id, rating); name the column that holds the \
             0..10 answers `score`"
        );
        let e = score_csv(b"score\n9\n", "a.csv", Some(GroupBy::Week))
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "a.csv has no `answered_at` column, which --by week needs; add the column or drop --by"
        );
    }

    #[test]
    fn json_array_lines_and_values() {
        let data = b"[\n  {\"score\": 9, \"touchpoint\": \"a\"},\n  {\"score\": \"10\"},\n  {\"score\": 9.5},\n  {\"score\": 12},\n  7,\n  {\"score\": null}\n]\n";
        let r = score_json(data, Format::JsonArray, "a.json", None).unwrap();
        assert_eq!(r.total.tally.n(), 2);
        assert_eq!(r.total.invalid_lines, vec![4, 5, 6, 7]);
    }

    #[test]
    fn json_array_errors() {
        let e = score_json(
            b"[{\"score\": 9},\n{\"score\": }]",
            Format::JsonArray,
            "a.json",
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("a.json: malformed JSON at line 2: "), "{e}");
        let e = score_json(b"  \n ", Format::JsonArray, "a.json", None)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("a.json is empty;"), "{e}");
        let r = score_json(b"[]", Format::JsonArray, "a.json", None).unwrap();
        assert_eq!(r.total.tally.n(), 0);
    }

    #[test]
    fn ndjson_with_bad_line_and_batch_object() {
        let data = b"{\"score\":9,\"touchpoint\":\"a\"}\n\n{\"score\": 4,\n{\"score\":3}\r\n{\"schema\":\"nps.batch/1\",\"responses\":[{\"score\":10},{\"score\":1}]}\n";
        let r = score_json(data, Format::JsonStream, "a.ndjson", None).unwrap();
        let t = &r.total.tally;
        assert_eq!((t.n(), t.promoters(), t.detractors()), (4, 2, 2));
        assert_eq!(r.total.invalid_lines, vec![3]);
    }

    #[test]
    fn detect_by_extension_then_content() {
        let p = Path::new;
        assert_eq!(detect(p("a.csv"), b"["), Format::Csv);
        assert_eq!(detect(p("a.jsonl"), b"{"), Format::JsonStream);
        assert_eq!(detect(p("a.json"), b" \n["), Format::JsonArray);
        assert_eq!(detect(p("a.json"), b"{"), Format::JsonStream);
        assert_eq!(detect(p("data"), b"\xEF\xBB\xBF["), Format::JsonArray);
        assert_eq!(detect(p("data"), b"score\n"), Format::Csv);
    }
}
