//! Property: the reader gives the same report (or the same error) however the input is cut into
//! chunks, for CSV, JSON arrays and NDJSON; and however a CSV is cut into parts read by readers
//! of their own (`reader::split`, what `nps score` does with a large file on several threads).
//! Native only: proptest does not build for wasm32.
#![cfg(not(target_arch = "wasm32"))]

use nps_core::reader::split::{score_parallel, score_split, split_points};
use nps_core::reader::{Format, ReadError, Reader};
use nps_core::{GroupBy, Report};
use proptest::prelude::*;

fn whole(data: &[u8], by: Option<GroupBy>, format: Option<Format>) -> Result<Report, ReadError> {
    nps_core::reader::score(data, by, format)
}

/// Pushes `data` cut at `sizes` (cycled; each at least 1 byte).
fn chunked(
    data: &[u8],
    sizes: &[usize],
    by: Option<GroupBy>,
    format: Option<Format>,
) -> Result<Report, ReadError> {
    let mut reader = Reader::new(by, format);
    let mut rest = data;
    let mut i = 0;
    while !rest.is_empty() {
        let n = sizes
            .get(i % sizes.len().max(1))
            .copied()
            .unwrap_or(7)
            .max(1);
        let (chunk, tail) = rest.split_at(n.min(rest.len()));
        // Empty pushes in between change nothing either.
        reader.push(&[])?;
        reader.push(chunk)?;
        rest = tail;
        i += 1;
    }
    reader.finish()
}

fn by() -> impl Strategy<Value = Option<GroupBy>> {
    prop_oneof![
        Just(None),
        Just(Some(GroupBy::Touchpoint)),
        Just(Some(GroupBy::Day)),
        Just(Some(GroupBy::Week)),
        Just(Some(GroupBy::Month)),
    ]
}

fn score_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (0u8..=10).prop_map(|s| s.to_string()),
        1 => prop::sample::select(vec!["11", "x", "", " 9 ", "9.5", "n/a", "-1"])
            .prop_map(String::from),
    ]
}

fn touchpoint() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "checkout",
        "delivery",
        "",
        " support ",
        "(none)",
        "Zahlung",
    ])
    .prop_map(String::from)
}

fn answered_at() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "2026-11-22T09:59:41Z",
        "2026-11-22T23:30:00-05:00",
        "2026-11-30",
        "2026-12-31T23:59:59.999Z",
        "2027-01-01T00:00:00+01:00",
        "",
        "yesterday",
    ])
    .prop_map(String::from)
}

fn comment() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "",
        "fast",
        "a, b",
        "say \"hi\"",
        "line one\nline two",
        "crlf\r\ninside",
        "семь; восемь",
        "tab\there",
    ])
    .prop_map(String::from)
}

/// One CSV field, quoted when it must be (or at random).
fn field(v: &str, delimiter: char, quote_anyway: bool) -> String {
    if quote_anyway || v.contains([delimiter, '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

type Row = (String, String, String, String, bool);

fn rows() -> impl Strategy<Value = Vec<Row>> {
    prop::collection::vec(
        (
            score_text(),
            touchpoint(),
            answered_at(),
            comment(),
            any::<bool>(),
        ),
        0..25,
    )
}

/// Generated CSV exports: every kind of row, `,` `;` or tab, CRLF or LF, with or without a
/// BOM, blank lines, the columns in one of three orders ([`csv_text`]).
fn csv_texts() -> impl Strategy<Value = Vec<u8>> {
    (
        rows(),
        prop::sample::select(vec![',', ';', '\t']),
        any::<bool>(),
        any::<bool>(),
        0usize..5,
        0usize..3,
    )
        .prop_map(|(rows, delimiter, crlf, bom, blank_every, order)| {
            csv_text(&rows, delimiter, crlf, bom, blank_every, order)
        })
}

fn csv_text(
    rows: &[Row],
    delimiter: char,
    crlf: bool,
    bom: bool,
    blank_every: usize,
    order: usize,
) -> Vec<u8> {
    let eol = if crlf { "\r\n" } else { "\n" };
    let names = ["Score", "touchpoint", "ANSWERED_AT", "comment"];
    let orders = [[0, 1, 2, 3], [3, 2, 1, 0], [1, 3, 0, 2]];
    let cols = orders[order % orders.len()];
    let d = delimiter.to_string();
    let mut out = String::new();
    if bom {
        out.push('\u{feff}');
    }
    out.push_str(&cols.map(|c| names[c]).join(&d));
    out.push_str(eol);
    for (i, (score, tp, at, c, q)) in rows.iter().enumerate() {
        let values = [score, tp, at, c];
        let line: Vec<String> = cols
            .iter()
            .map(|&c| field(values[c], delimiter, *q))
            .collect();
        out.push_str(&line.join(&d));
        out.push_str(eol);
        if blank_every > 0 && i % blank_every == 0 {
            out.push_str(eol);
        }
    }
    out.into_bytes()
}

fn json_object(score: &str, tp: &str, at: &str, c: &str) -> String {
    let score = match score.parse::<u8>() {
        Ok(n) if !score.starts_with(' ') => n.to_string(),
        _ if score == "x" => "null".to_string(),
        _ => serde_json::to_string(score).unwrap_or_default(),
    };
    format!(
        "{{\"score\":{score},\"touchpoint\":{},\"answered_at\":{},\"comment\":{}}}",
        serde_json::to_string(tp).unwrap_or_default(),
        serde_json::to_string(at).unwrap_or_default(),
        serde_json::to_string(c).unwrap_or_default()
    )
}

fn sizes() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..40, 1..8)
}

proptest! {
    #[test]
    fn csv_in_chunks_equals_csv_whole(
        data in csv_texts(),
        by in by(),
        sizes in sizes(),
        named in any::<bool>(),
    ) {
        let format = named.then_some(Format::Csv);
        let want = whole(&data, by, format);
        prop_assert!(want.is_ok(), "{:?}", want);
        prop_assert_eq!(chunked(&data, &sizes, by, format), want);
    }

    #[test]
    fn json_array_in_chunks_equals_whole(
        rows in rows(),
        pretty in any::<bool>(),
        junk in prop::collection::vec(prop::sample::select(vec!["7", "null", "\"x\"", "[1, [2]]", "{}"]), 0..3),
        truncate in prop::option::of(0usize..400),
        by in by(),
        sizes in sizes(),
    ) {
        let mut items: Vec<String> = rows.iter().map(|(s, t, a, c, _)| json_object(s, t, a, c)).collect();
        for (i, j) in junk.iter().enumerate() {
            items.insert(i * 3 % (items.len() + 1), j.to_string());
        }
        let sep = if pretty { ",\n  " } else { "," };
        let mut data = format!("[{}{}{}]\n", if pretty { "\n  " } else { "" }, items.join(sep), if pretty { "\n" } else { "" }).into_bytes();
        if let Some(t) = truncate {
            data.truncate(t);
        }
        let want = whole(&data, by, None);
        prop_assert_eq!(chunked(&data, &sizes, by, None), want.clone());
        prop_assert_eq!(chunked(&data, &sizes, by, Some(Format::Json)), want);
    }

    #[test]
    fn ndjson_in_chunks_equals_whole(
        rows in rows(),
        junk in prop::collection::vec(prop::sample::select(vec!["{\"score\": 4,", "not json", "", "7", "{\"responses\":[{\"score\":9},{\"score\":1}]}"]), 0..4),
        crlf in any::<bool>(),
        pretty_batch in any::<bool>(),
        by in by(),
        sizes in sizes(),
    ) {
        let mut lines: Vec<String> = rows.iter().map(|(s, t, a, c, _)| json_object(s, t, a, c)).collect();
        for (i, j) in junk.iter().enumerate() {
            lines.insert((i * 5 + 1).min(lines.len()), j.to_string());
        }
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = lines.join(eol);
        if pretty_batch {
            // A pretty-printed nps.batch/1 body first: read as a sequence of values.
            text = format!(
                "{{\n  \"schema\": \"nps.batch/1\",\n  \"responses\": [\n    {}\n  ]\n}}\n{text}",
                lines.first().cloned().unwrap_or_else(|| "{\"score\": 10}".into())
            );
        }
        let data = text.into_bytes();
        let want = whole(&data, by, None);
        prop_assert_eq!(chunked(&data, &sizes, by, None), want);
    }

    #[test]
    fn any_bytes_in_chunks_equal_whole(
        data in prop::collection::vec(prop::sample::select(b"score,\"\n\r;\t{}[]:9 10x\xEF\xBB\xBF\0".to_vec()), 0..200),
        sizes in sizes(),
        by in by(),
    ) {
        prop_assert_eq!(chunked(&data, &sizes, by, None), whole(&data, by, None));
    }
}

/// Lines that are not RFC 4180: a quote inside an unquoted field (csv-core reads it as a
/// byte), a quoted field that never closes, text after a closing quote. They throw the count of
/// quotes off, so a split may land inside a quoted field.
fn stray() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "9,a\"b\n",
        "x\"\"y,3\n",
        "\"open,9\n",
        "\"a\"b,10\n",
        "5,\"\n\"\n",
        "\r\n",
        "\n\n",
        "\u{feff}9\n",
    ])
}

/// `data` with `lines` put in at the line starts `at` picks (cycled).
fn with_lines(data: &[u8], lines: &[&str], at: &[usize]) -> Vec<u8> {
    let starts: Vec<usize> = (1..=data.len()).filter(|&i| data[i - 1] == b'\n').collect();
    let mut cuts: Vec<(usize, &str)> = lines
        .iter()
        .zip(at.iter().cycle())
        .map(|(l, a)| {
            (
                starts
                    .get(a % starts.len().max(1))
                    .copied()
                    .unwrap_or(data.len()),
                *l,
            )
        })
        .collect();
    cuts.sort();
    let mut out = Vec::new();
    let mut from = 0;
    for (cut, line) in cuts {
        out.extend_from_slice(&data[from..cut]);
        out.extend_from_slice(line.as_bytes());
        from = cut;
    }
    out.extend_from_slice(&data[from..]);
    out
}

proptest! {
    #[test]
    fn csv_split_anywhere_equals_csv_whole(
        data in csv_texts(),
        by in by(),
        stray in prop::collection::vec(stray(), 0..3),
        stray_at in prop::collection::vec(any::<usize>(), 1..4),
        more in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
    ) {
        let data = with_lines(&data, &stray, &stray_at);
        let want = whole(&data, by, None);
        // Every start of a line, byte after a `\r` or a quote, as the start of a second part;
        // and a few other bytes (the golden cases try every byte).
        let picked = |at: usize| {
            at == 0 || matches!(data[at - 1], b'\n' | b'\r' | b'"') || more.iter().any(|i| i.index(data.len() + 1) == at)
        };
        for at in (0..=data.len()).filter(|&at| picked(at)) {
            prop_assert_eq!(score_split(&data, by, None, &[at]), want.clone(), "split at {}", at);
        }
        // Where `nps score` would cut, and more parts anywhere.
        for parts in 2..5 {
            let splits = split_points(&data, parts);
            prop_assert_eq!(score_split(&data, by, None, &splits), want.clone(), "split at {:?}", splits);
        }
        let mut splits: Vec<usize> = more.iter().map(|i| i.index(data.len() + 1)).collect();
        splits.sort_unstable();
        prop_assert_eq!(score_split(&data, by, Some(Format::Csv), &splits), whole(&data, by, Some(Format::Csv)), "split at {:?}", splits);
    }

    #[test]
    fn any_bytes_split_anywhere_equal_whole(
        data in prop::collection::vec(prop::sample::select(b"score,\"\n\r;\t{}[]:9 10x\xEF\xBB\xBF\0".to_vec()), 0..200),
        by in by(),
    ) {
        let want = whole(&data, by, None);
        for at in 0..=data.len() {
            prop_assert_eq!(score_split(&data, by, None, &[at]), want.clone(), "split at {}", at);
        }
    }
}

/// A CSV of a few megabytes, every kind of row, scored on threads as `nps score` does: the same
/// report as one reader, and split points that are record boundaries.
#[test]
fn large_csv_on_threads_equals_whole() {
    let rows = [
        "9,checkout,2026-11-22T09:59:41Z,fast\n",
        "x,delivery,2026-11-30,\"a, b\"\n",
        "10,,2026-12-31T23:59:59.999Z,\"line one\nline two\"\n",
        "3,support,yesterday,\"say \"\"hi\"\"\"\r\n",
        "\r\n",
        "11,Zahlung,2027-01-01T00:00:00+01:00,\"crlf\r\ninside\"\n",
        "7,checkout,,\n",
    ];
    let mut text = String::from("\u{feff}score,touchpoint,answered_at,comment\n");
    let mut i = 0usize;
    while text.len() < 5 << 20 {
        text.push_str(rows[i * 7919 % rows.len()]);
        i += 1;
    }
    let data = text.into_bytes();
    for parts in 2..5 {
        for at in split_points(&data, parts) {
            assert_eq!(data[at - 1], b'\n');
            assert!(
                !data[..at].ends_with(b"line one\n"),
                "{at} is inside quotes"
            );
        }
    }
    for by in [None, Some(GroupBy::Touchpoint), Some(GroupBy::Week)] {
        let want = whole(&data, by, None).unwrap();
        assert!(want.total.invalid > 10 && want.total.tally.n() > 50_000);
        for threads in 1..=4 {
            assert_eq!(
                score_parallel(&data, by, None, threads).unwrap(),
                want,
                "{threads} threads"
            );
        }
        // A stray quote early on: every line start after it counts as inside quotes until
        // the next one, and the readers after it are not used unless they start right.
        let mut stray = data.clone();
        stray.splice(60..60, b"9,a\"b,,\n".iter().copied());
        assert_eq!(score_parallel(&stray, by, None, 2), whole(&stray, by, None));
    }
}

#[test]
fn one_byte_at_a_time() {
    let data = "\u{feff}comment;Score;touchpoint;answered_at\r\n\"a;\r\nb\";9;checkout;2026-11-22T10:00:00Z\r\n\r\nx;11;checkout;2026-11-23\r\n";
    let sizes = [1];
    for by in [None, Some(GroupBy::Touchpoint), Some(GroupBy::Week)] {
        let want = whole(data.as_bytes(), by, None).unwrap();
        assert_eq!(want.total.invalid_lines, [5]);
        assert_eq!(chunked(data.as_bytes(), &sizes, by, None).unwrap(), want);
    }
}
