//! JSON exports: a JSON array of response objects, an `nps.batch/1` body, or NDJSON.
//!
//! A small splitter finds where each value ends — it follows strings, escapes and nesting,
//! nothing more — and `serde_json` parses each value on its own, so memory holds one value, not
//! the input. Three shapes, from the first byte that is not white space:
//!
//! - `[`: an **array** of responses. Each element counts at the line where it starts; an
//!   element that is not a response object (`7`, `{"score": 12}`) is an invalid row. An
//!   array that is not well formed (a missing `,`, a value that does not parse, no closing
//!   `]`) is an error.
//! - `{` whose value ends on its first line: **NDJSON**, one value per line (several on one
//!   line also count). A line that is not valid JSON is an invalid row, and reading goes on.
//! - `{` whose value spans lines: a sequence of **JSON values** (a pretty-printed
//!   `nps.batch/1` body, or several). A value that does not parse is an invalid row and
//!   reading resumes on the next line; input ending inside a value is an error.
//!
//! An object with a `responses` array and no `score` (an `nps.batch/1` body) counts each of
//! its responses, each at the line where it starts.

use crate::reader::ReadError;
use crate::report::{GroupBy, Row, Sink};

mod item;

use item::{Item, Object};

/// Where the splitter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Before the first value.
    Start,
    /// Inside the top-level array: waiting for an element (`first`: or for `]`).
    ArrayItem { first: bool },
    /// After an element: `,` or `]`.
    ArrayNext,
    /// After the closing `]`: only white space.
    ArrayDone,
    /// One value per line.
    Lines,
    /// Values that may span lines.
    Values,
}

/// The nesting of the value being split.
#[derive(Debug, Default, Clone, Copy)]
struct Nesting {
    depth: u32,
    in_string: bool,
    escape: bool,
    /// A line break was crossed since the value started.
    newline: bool,
}

impl Nesting {
    /// Follows `b`; true when it closes the value (depth back to 0).
    #[inline]
    fn step(&mut self, b: u8) -> Step {
        if self.in_string {
            if self.escape {
                self.escape = false;
            } else if b == b'\\' {
                self.escape = true;
            } else if b == b'"' {
                self.in_string = false;
            } else if b == b'\n' {
                self.newline = true;
            }
            return Step::Inside;
        }
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => {
                if self.depth == 0 {
                    return Step::Unbalanced;
                }
                self.depth -= 1;
                if self.depth == 0 {
                    return Step::Closed;
                }
            }
            b'\n' => self.newline = true,
            _ => {}
        }
        Step::Inside
    }
}

enum Step {
    Inside,
    Closed,
    Unbalanced,
}

impl Nesting {
    /// Follows `buf[i..]` to where the value ends: `Ok(Some(end))` after its closing bracket
    /// or (`element`: a scalar in an array) at the `,`, `]` or white space after it; `Ok(None)`
    /// when `buf` ends first (the state is kept for the next bytes); `Err(at)` for a closing
    /// bracket with nothing open. Strings are skipped with `memchr`, not byte by byte.
    #[inline]
    fn scan(&mut self, buf: &[u8], mut i: usize, element: bool) -> Result<Option<usize>, usize> {
        while i < buf.len() {
            if self.in_string {
                if self.escape {
                    self.escape = false;
                    i += 1;
                    continue;
                }
                let Some(k) = memchr::memchr2(b'"', b'\\', &buf[i..]) else {
                    return Ok(None);
                };
                i += k;
                if buf[i] == b'\\' {
                    self.escape = true;
                } else {
                    self.in_string = false;
                }
                i += 1;
                continue;
            }
            let b = buf[i];
            if element && self.depth == 0 && (matches!(b, b',' | b']') || b.is_ascii_whitespace()) {
                return Ok(Some(i));
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    if self.depth == 0 {
                        return Err(i);
                    }
                    self.depth -= 1;
                    if self.depth == 0 {
                        return Ok(Some(i + 1));
                    }
                }
                _ => {}
            }
            i += 1;
        }
        Ok(None)
    }
}

/// Which keys the objects had, for the errors that need the whole input.
#[derive(Debug, Default)]
struct Seen {
    objects: u64,
    score: bool,
    touchpoint: bool,
    answered_at: bool,
}

/// The JSON state of a [`crate::reader::Reader`].
#[derive(Debug)]
pub(crate) struct JsonReader {
    shape: Shape,
    /// Bytes not consumed yet: from the start of the value being split.
    buf: Vec<u8>,
    /// How far `buf` was looked at.
    scan: usize,
    /// Where the current value starts in `buf`, once it has started.
    value: Option<usize>,
    nesting: Nesting,
    /// Line of `buf[0]`, and a cursor counting line breaks forward from there.
    line0: u64,
    cursor: (usize, u64),
    /// In [`Shape::Values`], a line that does not start an object is read as one NDJSON line.
    back_to_values: bool,
    seen: Seen,
}

impl Default for JsonReader {
    fn default() -> JsonReader {
        JsonReader {
            shape: Shape::Start,
            buf: Vec::new(),
            scan: 0,
            value: None,
            nesting: Nesting::default(),
            line0: 1,
            cursor: (0, 0),
            back_to_values: false,
            seen: Seen::default(),
        }
    }
}

impl JsonReader {
    #[inline]
    pub(crate) fn feed<S: Sink>(&mut self, chunk: &[u8], builder: &mut S) -> Result<(), ReadError> {
        self.buf.extend_from_slice(chunk);
        self.split(builder, false)?;
        self.compact();
        Ok(())
    }

    #[inline]
    pub(crate) fn finish<S: Sink>(&mut self, builder: &mut S) -> Result<(), ReadError> {
        self.split(builder, true)?;
        match self.shape {
            Shape::Start => return Err(ReadError::Empty),
            Shape::ArrayItem { .. } | Shape::ArrayNext => {
                let line = self.line_at(self.value.unwrap_or(self.buf.len()));
                return Err(ReadError::Json {
                    line,
                    message: "the input ends inside the array: expected `,` or `]` (is the \
                              file truncated?)"
                        .into(),
                });
            }
            _ => {}
        }
        if self.seen.objects > 0 && !self.seen.score {
            return Err(ReadError::NoScoreKey);
        }
        if let (Some(by), true) = (builder.by(), self.seen.objects > 0) {
            let present = match by {
                GroupBy::Touchpoint => self.seen.touchpoint,
                _ => self.seen.answered_at,
            };
            if !present {
                return Err(ReadError::NoGroupColumn {
                    column: by.column(),
                    by,
                });
            }
        }
        Ok(())
    }

    /// The line of `buf[pos]`; `pos` may go back to the start of the current value.
    #[inline]
    fn line_at(&mut self, pos: usize) -> u64 {
        let (at, mut newlines) = self.cursor;
        if pos >= at {
            newlines += count_newlines(&self.buf[at..pos]);
        } else {
            newlines -= count_newlines(&self.buf[pos..at]);
        }
        self.cursor = (pos, newlines);
        self.line0 + newlines
    }

    /// Drops the consumed bytes (before the current value, or everything scanned).
    #[inline]
    fn compact(&mut self) {
        let keep = self.value.unwrap_or(self.scan);
        if keep == 0 {
            return;
        }
        self.line_at(keep);
        self.line0 += self.cursor.1;
        self.cursor = (0, 0);
        self.buf.drain(..keep);
        self.scan -= keep;
        if let Some(v) = &mut self.value {
            *v -= keep;
        }
    }

    fn error(&mut self, pos: usize, message: String) -> ReadError {
        ReadError::Json {
            line: self.line_at(pos),
            message,
        }
    }

    /// Splits and counts every value complete in `buf`; `end`: no more input comes.
    #[inline]
    fn split<S: Sink>(&mut self, builder: &mut S, end: bool) -> Result<(), ReadError> {
        loop {
            let len = self.buf.len();
            match self.shape {
                Shape::Start => {
                    if self.value.is_none() {
                        let Some(p) = skip_ws(&self.buf, self.scan) else {
                            self.scan = len;
                            return Ok(());
                        };
                        match self.buf[p] {
                            b'[' => {
                                self.scan = p + 1;
                                self.shape = Shape::ArrayItem { first: true };
                                continue;
                            }
                            b'{' => {
                                self.value = Some(p);
                                self.scan = p;
                                self.nesting = Nesting::default();
                            }
                            other => {
                                let found = describe_byte(other);
                                return Err(self.error(
                                    p,
                                    format!(
                                        "expected a JSON array `[...]` or objects `{{...}}` of \
                                         responses, found {found}"
                                    ),
                                ));
                            }
                        }
                    }
                    // Lines or values: decided by whether the first object ends on its line.
                    let Some(start) = self.value else { continue };
                    let mut spans_lines = None;
                    while self.scan < len {
                        let step = self.nesting.step(self.buf[self.scan]);
                        self.scan += 1;
                        if !self.nesting.in_string && self.nesting.newline {
                            spans_lines = Some(true);
                            break;
                        }
                        if !matches!(step, Step::Inside) {
                            spans_lines = Some(false);
                            break;
                        }
                    }
                    self.shape = match spans_lines {
                        Some(true) => Shape::Values,
                        Some(false) => Shape::Lines,
                        None if end => Shape::Lines,
                        None => return Ok(()),
                    };
                    self.value = None;
                    self.scan = start;
                }
                Shape::ArrayItem { first } => {
                    if self.value.is_none() {
                        let Some(p) = skip_ws(&self.buf, self.scan) else {
                            self.scan = len;
                            return Ok(());
                        };
                        if first && self.buf[p] == b']' {
                            self.scan = p + 1;
                            self.shape = Shape::ArrayDone;
                            continue;
                        }
                        if matches!(self.buf[p], b',' | b']') {
                            let found = describe_byte(self.buf[p]);
                            return Err(
                                self.error(p, format!("expected an array element, found {found}"))
                            );
                        }
                        self.value = Some(p);
                        self.scan = p;
                        self.nesting = Nesting::default();
                    }
                    let Some(start) = self.value else { continue };
                    // The element ends after its closing bracket, or (a scalar) before the
                    // `,` / `]` / white space that follows it.
                    let stop = match self.nesting.scan(&self.buf, self.scan, true) {
                        Ok(stop) => stop,
                        Err(at) => {
                            let found = describe_byte(self.buf[at]);
                            return Err(self.error(at, format!("unexpected {found}")));
                        }
                    };
                    let stop = match stop {
                        Some(s) => s,
                        None if end && !self.nesting.in_string && self.nesting.depth == 0 => len,
                        None => {
                            self.scan = len;
                            if end {
                                let line = self.line_at(start);
                                return Err(ReadError::Json {
                                    line,
                                    message: "the input ends inside this array element: \
                                              expected the rest of it and `]` (is the file \
                                              truncated?)"
                                        .into(),
                                });
                            }
                            return Ok(());
                        }
                    };
                    let line = self.line_at(start);
                    let parsed = serde_json::from_slice::<Item>(&self.buf[start..stop]);
                    match parsed {
                        Ok(v) => {
                            let raw = &self.buf[start..stop];
                            add_item(builder, &mut self.seen, &v, &RawLines::new(raw, line));
                        }
                        Err(e) => {
                            return Err(ReadError::Json {
                                line: line + e.line() as u64 - 1,
                                message: without_position(&e),
                            })
                        }
                    }
                    self.value = None;
                    self.scan = stop;
                    self.shape = Shape::ArrayNext;
                }
                Shape::ArrayNext => {
                    let Some(p) = skip_ws(&self.buf, self.scan) else {
                        self.scan = len;
                        return Ok(());
                    };
                    self.scan = p + 1;
                    match self.buf[p] {
                        b',' => self.shape = Shape::ArrayItem { first: false },
                        b']' => self.shape = Shape::ArrayDone,
                        other => {
                            let found = describe_byte(other);
                            return Err(self.error(
                                p,
                                format!(
                                    "expected `,` or `]` after an array element, found {found}"
                                ),
                            ));
                        }
                    }
                }
                Shape::ArrayDone => {
                    if let Some(p) = skip_ws(&self.buf, self.scan) {
                        return Err(self.error(
                            p,
                            "unexpected content after the closing `]` of the array".into(),
                        ));
                    }
                    self.scan = len;
                    return Ok(());
                }
                Shape::Lines => {
                    let from = *self.value.get_or_insert(self.scan);
                    let Some(nl) = find_newline(&self.buf, self.scan) else {
                        self.scan = len;
                        if end {
                            self.value = None;
                            self.line(builder, from, len);
                        }
                        return Ok(());
                    };
                    self.value = None;
                    self.line(builder, from, nl);
                    self.scan = nl + 1;
                    if self.back_to_values {
                        self.back_to_values = false;
                        self.shape = Shape::Values;
                    }
                }
                Shape::Values => {
                    if self.value.is_none() {
                        let Some(p) = skip_ws(&self.buf, self.scan) else {
                            self.scan = len;
                            return Ok(());
                        };
                        if self.buf[p] != b'{' && self.buf[p] != b'[' {
                            // Not an object: the rest of its line, as NDJSON.
                            self.scan = p;
                            self.shape = Shape::Lines;
                            self.back_to_values = true;
                            continue;
                        }
                        self.value = Some(p);
                        self.scan = p;
                        self.nesting = Nesting::default();
                    }
                    let Some(start) = self.value else { continue };
                    // A stray closing bracket cannot come first: the value opened with one.
                    let stop = self
                        .nesting
                        .scan(&self.buf, self.scan, false)
                        .unwrap_or(None);
                    let Some(stop) = stop else {
                        self.scan = len;
                        if end {
                            let line = self.line_at(start);
                            return Err(ReadError::Json {
                                line,
                                message: "the input ends inside the JSON value that starts \
                                          here: expected its closing `}` (is the file \
                                          truncated?)"
                                    .into(),
                            });
                        }
                        return Ok(());
                    };
                    let line = self.line_at(start);
                    match serde_json::from_slice::<Item>(&self.buf[start..stop]) {
                        Ok(v) => {
                            let raw = &self.buf[start..stop];
                            add_item(builder, &mut self.seen, &v, &RawLines::new(raw, line));
                            self.scan = stop;
                        }
                        Err(_) => {
                            // Count it where it starts; read on from the next line.
                            builder.row(None, Row::default(), || line);
                            self.scan = find_newline(&self.buf, start).map_or(len, |nl| nl + 1);
                        }
                    }
                    self.value = None;
                }
            }
        }
    }

    /// One NDJSON line, `buf[from..to]`: its values, or one invalid row.
    #[inline]
    fn line<S: Sink>(&mut self, builder: &mut S, from: usize, to: usize) {
        if self.buf[from..to].iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let line = self.line_at(from);
        let text = &self.buf[from..to];
        let mut values = Vec::new();
        for v in serde_json::Deserializer::from_slice(text).into_iter::<Item>() {
            match v {
                Ok(v) => values.push(v),
                Err(_) => {
                    // As far as it parsed: what went before counts, the rest is one bad row.
                    for v in &values {
                        add_item(builder, &mut self.seen, v, &RawLines::new(&[], line));
                    }
                    builder.row(None, Row::default(), || line);
                    return;
                }
            }
        }
        for v in &values {
            add_item(builder, &mut self.seen, v, &RawLines::new(&[], line));
        }
    }
}

/// Counts a response object, each response of an `nps.batch/1` body (each at the line where
/// it starts), or one invalid row.
#[inline]
fn add_item<S: Sink>(builder: &mut S, seen: &mut Seen, item: &Item<'_>, lines: &RawLines<'_>) {
    match item {
        Item::Object(Object {
            score: None,
            responses: Some(responses),
            ..
        }) => {
            for (i, r) in responses.iter().enumerate() {
                if let Item::Object(Object {
                    score: None,
                    responses: Some(_),
                    ..
                }) = r
                {
                    // A batch inside a batch (not a real shape): all at its line.
                    add_item(builder, seen, r, &RawLines::new(&[], lines.element(i)));
                } else {
                    add_response(builder, seen, r, || lines.element(i));
                }
            }
        }
        _ => add_response(builder, seen, item, || lines.line),
    }
}

/// Counts a response object, or anything else as an invalid row.
#[inline]
fn add_response<S: Sink>(
    builder: &mut S,
    seen: &mut Seen,
    item: &Item<'_>,
    line: impl FnOnce() -> u64,
) {
    let Item::Object(o) = item else {
        builder.row(None, Row::default(), line);
        return;
    };
    seen.objects += 1;
    seen.score |= o.score.is_some();
    seen.touchpoint |= o.touchpoint.is_some();
    seen.answered_at |= o.answered_at.is_some();
    let row = Row {
        touchpoint: o.touchpoint.as_deref().unwrap_or_default().as_bytes(),
        answered_at: o.answered_at.as_deref().unwrap_or_default().as_bytes(),
        comment: o.comment.as_deref().unwrap_or_default().as_bytes(),
    };
    builder.row(o.score.flatten(), row, line);
}

/// The lines of a value's text: where it starts and, found only when asked, where each
/// element of its `responses` array starts.
struct RawLines<'a> {
    raw: &'a [u8],
    line: u64,
    responses: std::cell::OnceCell<Vec<u64>>,
}

impl<'a> RawLines<'a> {
    fn new(raw: &'a [u8], line: u64) -> RawLines<'a> {
        RawLines {
            raw,
            line,
            responses: std::cell::OnceCell::new(),
        }
    }

    /// The line of `responses[i]` (the value's line if it cannot be told).
    fn element(&self, i: usize) -> u64 {
        let lines = self
            .responses
            .get_or_init(|| response_lines(self.raw, self.line));
        lines.get(i).copied().unwrap_or(self.line)
    }
}

/// The line where each element of the top-level object's `responses` array starts, `raw` being
/// that object's text starting at line `line` (the last `responses` key wins, as in parsing).
fn response_lines(raw: &[u8], line: u64) -> Vec<u64> {
    let mut out = Vec::new();
    let mut depth = 0u32;
    let mut newlines = 0;
    let mut key: Option<(usize, usize)> = None;
    let mut in_responses = false;
    let mut expect = false;
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        let starts_element = in_responses && depth == 2 && expect;
        match b {
            b'\n' => newlines += 1,
            b' ' | b'\t' | b'\r' | b':' => {}
            b'"' => {
                if starts_element {
                    out.push(line + newlines);
                    expect = false;
                }
                let start = i + 1;
                i += 1;
                while i < raw.len() && raw[i] != b'"' {
                    if raw[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if depth == 1 {
                    key = Some((start, i.min(raw.len())));
                }
            }
            b'{' | b'[' => {
                if starts_element {
                    out.push(line + newlines);
                    expect = false;
                }
                depth += 1;
                if depth == 2 && b == b'[' && key.is_some_and(|(s, e)| &raw[s..e] == b"responses") {
                    in_responses = true;
                    expect = true;
                    out.clear();
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth < 2 {
                    in_responses = false;
                }
            }
            b',' => {
                if in_responses && depth == 2 {
                    expect = true;
                }
                if depth == 1 {
                    key = None;
                }
            }
            _ => {
                if starts_element {
                    out.push(line + newlines);
                    expect = false;
                }
            }
        }
        i += 1;
    }
    out
}

#[inline]
fn skip_ws(buf: &[u8], from: usize) -> Option<usize> {
    buf[from.min(buf.len())..]
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|p| p + from)
}

#[inline]
fn find_newline(buf: &[u8], from: usize) -> Option<usize> {
    buf[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map(|p| p + from)
}

#[inline]
fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// `` `x` `` for a printable ASCII byte, else its value.
fn describe_byte(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("`{}`", char::from(b))
    } else {
        format!("byte 0x{b:02X}")
    }
}

/// serde_json's message without its " at line L column C" (the line is ours), column kept.
fn without_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => format!("{} (column {})", &s[..i], e.column()),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::{score, Format};
    use crate::report::Report;

    fn json(data: &[u8], by: Option<GroupBy>) -> Result<Report, ReadError> {
        score(data, by, Some(Format::Json))
    }

    #[test]
    fn array_lines_and_values() {
        let data = b"[\n  {\"score\": 9, \"touchpoint\": \"a\"},\n  {\"score\": \"10\"},\n  {\"score\": 9.5},\n  {\"score\": 12},\n  7,\n  {\"score\": null}\n]\n";
        let r = json(data, None).unwrap();
        assert_eq!(r.total.tally.n(), 2);
        assert_eq!(r.total.invalid_lines, vec![4, 5, 6, 7]);
    }

    #[test]
    fn array_errors() {
        let e = |data: &[u8]| json(data, None).unwrap_err().describe("a.json").to_string();
        let msg = e(b"[{\"score\": 9},\n{\"score\": }]");
        assert!(
            msg.starts_with("a.json: malformed JSON at line 2: "),
            "{msg}"
        );
        assert_eq!(json(b"  \n ", None).unwrap_err(), ReadError::Empty);
        assert_eq!(json(b"[]", None).unwrap().total.tally.n(), 0);
        assert_eq!(
            e(b"[{\"score\": 9}\n{\"score\": 9}]"),
            "a.json: malformed JSON at line 2: expected `,` or `]` after an array element, \
             found `{`; fix the file or export it again"
        );
        assert_eq!(
            e(b"[{\"score\": 9},\n {\"score\": 10"),
            "a.json: malformed JSON at line 2: the input ends inside this array element: \
             expected the rest of it and `]` (is the file truncated?); fix the file or export \
             it again"
        );
        assert_eq!(
            e(b"[{\"score\": 9},\n {\"score\": 10}\n"),
            "a.json: malformed JSON at line 3: the input ends inside the array: expected `,` or \
             `]` (is the file truncated?); fix the file or export it again"
        );
        assert!(e(b"[1,]").contains("expected an array element, found `]`"));
        assert!(e(b"[1] x").contains("unexpected content after the closing `]`"));
        assert!(e(b"[1}]").contains("unexpected `}`"));
        assert!(e(b"score,x\n").contains("at line 1: expected a JSON array `[...]` or objects"));
    }

    #[test]
    fn ndjson_with_bad_line_and_batch_object() {
        let data = b"{\"score\":9,\"touchpoint\":\"a\"}\n\n{\"score\": 4,\n{\"score\":3}\r\n{\"schema\":\"nps.batch/1\",\"responses\":[{\"score\":10},{\"score\":1}]}\n";
        let r = json(data, None).unwrap();
        let t = &r.total.tally;
        assert_eq!((t.n(), t.promoters(), t.detractors()), (4, 2, 2));
        assert_eq!(r.total.invalid_lines, vec![3]);
    }

    #[test]
    fn pretty_batch_bodies_one_after_another() {
        let data = b"{\n  \"schema\": \"nps.batch/1\",\n  \"responses\": [\n    {\"score\": 9, \"comment\": \"a } in text\"},\n    {\"score\": 3}\n  ]\n}\n{\n  \"responses\": [{\"score\": 10}]\n}\n{ \"score\": oops\n}\n7\n";
        let r = json(data, None).unwrap();
        assert_eq!(r.total.tally.n(), 3);
        // The broken value at line 11, its stray `}` at 12, the number at 13.
        assert_eq!(r.total.invalid_lines, [11, 12, 13]);
        let e = json(b"{\n \"responses\": [{\"score\": 1}]\n", None).unwrap_err();
        assert!(
            matches!(&e, ReadError::Json { line: 1, message } if message.contains("truncated")),
            "{e:?}"
        );
    }

    #[test]
    fn responses_of_a_pretty_batch_count_at_their_own_lines() {
        let data = b"{\n  \"schema\": \"nps.batch/1\",\n  \"note\": \"responses\",\n  \"responses\": [\n    {\"score\": 9},\n    {\"score\": 11, \"comment\": \"a \\\" ] [\"},\n    7,\n    {\n      \"score\": \"x\"\n    }, \"s\", [1,\n 2]\n  ]\n}\n";
        let r = json(data, None).unwrap();
        assert_eq!(r.total.tally.n(), 1);
        assert_eq!(r.total.invalid_lines, [6, 7, 8, 10, 10]);
        // In an array, the same body as an element.
        let mut array = b"[\n".to_vec();
        array.extend_from_slice(&data[..data.len() - 1]);
        array.extend_from_slice(b"\n]");
        let r = json(&array, None).unwrap();
        assert_eq!(r.total.invalid_lines, [7, 8, 9, 11, 11]);
        // On one line: all at that line.
        let r = json(
            b"{\"responses\": [{\"score\": 11}]}\n{\"responses\": [7, 8]}\n",
            None,
        )
        .unwrap();
        assert_eq!(r.total.invalid_lines, [1, 2, 2]);
    }

    #[test]
    fn key_errors_need_the_whole_input() {
        assert_eq!(
            json(b"{\"rating\": 9}\n", None).unwrap_err(),
            ReadError::NoScoreKey
        );
        assert_eq!(
            json(b"[{\"score\": 9}]", Some(GroupBy::Day)).unwrap_err(),
            ReadError::NoGroupColumn {
                column: "answered_at",
                by: GroupBy::Day
            }
        );
        // Nothing to group is not an error.
        assert_eq!(json(b"[]", Some(GroupBy::Day)).unwrap().groups, []);
    }

    #[test]
    fn group_keys_that_are_not_strings() {
        let data = b"[{\"score\": 9, \"touchpoint\": 5}, {\"score\": 9, \"touchpoint\": null}]";
        let r = json(data, Some(GroupBy::Touchpoint)).unwrap();
        let keys: Vec<&str> = r.groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(keys, ["5", "(none)"]);
    }
}
