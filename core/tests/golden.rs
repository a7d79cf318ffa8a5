//! The golden cases of testdata/golden/ through nps-core's reader: whole and in chunks, the
//! exact JSON bytes, the error messages and the invalid line numbers; and a few cases counted by
//! hand, so the expected files are not only what the code says.

#[path = "../../testdata/golden/golden.rs"]
mod golden;

use golden::Expected;
use nps_core::reader::{Format, Reader};
use nps_core::{GroupBy, Report};
use serde_json::Value;

fn by_of(by: Option<&str>) -> Option<GroupBy> {
    by.map(|b| GroupBy::parse(b).expect("a --by name"))
}

/// The case scored as the CLI would (format from the file name), in chunks of `chunk` bytes.
fn score(case: &golden::Case, by: Option<&str>, chunk: usize) -> (Expected, Option<Report>) {
    let format = Format::from_file_name(&case.input_name());
    let mut reader = Reader::new(by_of(by), format);
    let data = case.bytes();
    let result = data
        .chunks(chunk.max(1))
        .try_for_each(|c| reader.push(c))
        .and_then(|()| reader.finish());
    match result {
        Ok(report) => (Expected::Json(report.to_json()), Some(report)),
        Err(e) => (
            Expected::Error(e.describe(&case.input_name()).to_string()),
            None,
        ),
    }
}

#[test]
fn every_case_gives_its_expected_output_whole_and_in_chunks() {
    for case in golden::cases() {
        let mut wrote_lines = false;
        for (mode, by) in golden::MODES {
            let (got, report) = score(&case, by, usize::MAX);
            for chunk in [1, 2, 3, 7, 64, 4096] {
                assert_eq!(
                    score(&case, by, chunk).0,
                    got,
                    "{}/{mode} in chunks of {chunk}",
                    case.name
                );
            }
            if golden::writing() {
                if case.expected(mode).is_some() || mode == "score" {
                    case.write(mode, &got);
                }
                if let (Some(r), false) = (&report, wrote_lines) {
                    case.write_invalid_lines(&r.total.invalid_lines);
                    wrote_lines = true;
                }
                continue;
            }
            let Some(want) = case.expected(mode) else {
                continue;
            };
            assert_eq!(got, want, "{}/{mode}", case.name);
            if let Some(r) = report {
                assert_eq!(
                    r.total.invalid_lines,
                    case.invalid_lines(),
                    "{}/invalid-lines.txt",
                    case.name
                );
            }
        }
    }
}

/// The case scored as `nps score` does a large file (`reader::split`): parts read by readers of
/// their own, joined. The case as it is, and repeated past the first kilobyte (which a reader
/// holds until it knows the format) so that its parts are read: a second part starting at
/// every byte of the case, at every line start, after every `\r`, and every 23rd byte of the
/// repeated case; all the line starts; the split points of `nps score`; and on threads. The same
/// report, invalid lines included, or the same error.
#[test]
fn every_case_split_anywhere_gives_the_same_report() {
    use nps_core::reader::split::{score_split, split_points};
    for case in golden::cases() {
        let format = Format::from_file_name(&case.input_name());
        let data = case.bytes();
        let mut repeated = data.clone();
        while !data.is_empty() && repeated.len() < 2000 {
            repeated.extend_from_slice(&data);
        }
        for (data, every) in [(data, 1), (repeated, 23)] {
            let line_starts: Vec<usize> =
                (1..data.len()).filter(|&i| data[i - 1] == b'\n').collect();
            for (mode, by) in golden::MODES {
                let by = by_of(by);
                let want = nps_core::reader::score(&data, by, format);
                let name = format!("{}/{mode} ({} bytes)", case.name, data.len());
                for at in 0..=data.len() {
                    if at % every == 0 || matches!(data[at - 1], b'\n' | b'\r') {
                        let got = score_split(&data, by, format, &[at]);
                        assert_eq!(got, want, "{name} split at {at}");
                    }
                }
                let got = score_split(&data, by, format, &line_starts);
                assert_eq!(got, want, "{name} split at every line");
                for parts in 2..6 {
                    let splits = split_points(&data, parts);
                    let got = score_split(&data, by, format, &splits);
                    assert_eq!(got, want, "{name} split at {splits:?}");
                }
                // Threads are native only.
                #[cfg(not(target_family = "wasm"))]
                for threads in [1, 2, 4] {
                    let got = nps_core::reader::split::score_parallel(&data, by, format, threads);
                    assert_eq!(got, want, "{name} on {threads} threads");
                }
            }
        }
    }
}

#[test]
fn expected_numbers_follow_from_the_counts() {
    for case in golden::cases() {
        for (mode, by, expected) in case.modes() {
            if let Expected::Json(text) = expected {
                let v: Value = serde_json::from_str(&text).unwrap();
                std::panic::catch_unwind(|| golden::check_numbers(&v, by))
                    .unwrap_or_else(|_| panic!("{}/{mode}.json", case.name));
            }
        }
    }
}

/// `[n, promoters, passives, detractors, invalid]` of the top level, or of one group.
fn counts(case: &str, mode: &str, group: Option<&str>) -> [u64; 5] {
    let Some(Expected::Json(text)) = golden::case(case).expected(mode) else {
        panic!("{case}/{mode}.json")
    };
    let v: Value = serde_json::from_str(&text).unwrap();
    match group {
        None => golden::counts(&v),
        Some(g) => golden::counts(&v["groups"][g]),
    }
}

fn group_keys(case: &str, mode: &str) -> Vec<String> {
    let Some(Expected::Json(text)) = golden::case(case).expected(mode) else {
        panic!("{case}/{mode}.json")
    };
    // In file order: periods in time order, then (none) and (invalid date).
    let body = text.split("\"groups\": {").nth(1).unwrap_or_default();
    body.lines()
        .filter(|l| l.starts_with("    \"") && l.ends_with(": {"))
        .map(|l| {
            l.trim()
                .trim_end_matches(": {")
                .trim_matches('"')
                .to_string()
        })
        .collect()
}

#[test]
fn spreadsheet_export_counted_by_hand() {
    let c = "spreadsheet-crlf";
    // Valid: 10, 9, 3, 6, 8, 10, 7, 0; invalid: "n/a" (line 8) and 11 (line 15).
    assert_eq!(counts(c, "score", None), [8, 3, 2, 3, 2]);
    assert_eq!(golden::case(c).invalid_lines(), [8, 15]);
    assert_eq!(
        counts(c, "by-touchpoint", Some("checkout")),
        [3, 2, 0, 1, 1]
    );
    assert_eq!(
        counts(c, "by-touchpoint", Some("delivery")),
        [2, 0, 0, 2, 1]
    );
    assert_eq!(counts(c, "by-touchpoint", Some("support")), [2, 1, 1, 0, 0]);
    assert_eq!(counts(c, "by-touchpoint", Some("(none)")), [1, 0, 1, 0, 0]);
    // 23:30-05:00 is the next day in UTC; 00:30+01:00 on Dec 1st is Nov 30th.
    assert_eq!(
        group_keys(c, "by-day"),
        [
            "2026-11-22",
            "2026-11-23",
            "2026-11-24",
            "2026-11-30",
            "2026-12-02",
            "(none)",
            "(invalid date)"
        ]
    );
    assert_eq!(counts(c, "by-day", Some("2026-11-23")), [2, 1, 0, 1, 0]);
    assert_eq!(counts(c, "by-day", Some("2026-11-30")), [1, 0, 1, 0, 1]);
    assert_eq!(counts(c, "by-week", Some("2026-W48")), [3, 1, 0, 2, 0]);
    assert_eq!(counts(c, "by-week", Some("2026-W49")), [3, 1, 2, 0, 1]);
    assert_eq!(counts(c, "by-month", Some("2026-11")), [5, 2, 1, 2, 1]);
    assert_eq!(counts(c, "by-month", Some("2026-12")), [2, 1, 1, 0, 0]);
}

#[test]
fn semicolon_csv_counted_by_hand() {
    // 10, 7, 0, 9, 8 count; "9,5" (a decimal comma, line 3) does not.
    assert_eq!(counts("semicolon", "score", None), [5, 2, 2, 1, 1]);
    assert_eq!(golden::case("semicolon").invalid_lines(), [3]);
    assert_eq!(
        counts("semicolon", "by-touchpoint", Some("checkout")),
        [3, 2, 1, 0, 1]
    );
    assert_eq!(
        group_keys("semicolon", "by-week"),
        ["2026-W41", "2026-W42", "2026-W43", "2026-W44", "2026-W45"]
    );
}

#[test]
fn pretty_batch_counts_each_response_at_its_line() {
    // 10, "9", 2 count; 11 (its `{` on line 12) and null (line 24) do not.
    assert_eq!(counts("batch-invalid", "score", None), [3, 2, 0, 1, 2]);
    assert_eq!(golden::case("batch-invalid").invalid_lines(), [12, 24]);
    assert_eq!(
        counts("batch-invalid", "by-touchpoint", Some("delivery")),
        [2, 1, 0, 1, 1]
    );
}

#[test]
fn junk_rows_keep_the_first_ten_lines() {
    // Valid: "10 ", "007", "9 " (quoted) and 3; the eleven others are not integers 0..10.
    assert_eq!(counts("junk-rows", "score", None), [4, 2, 1, 1, 11]);
    assert_eq!(
        golden::case("junk-rows").invalid_lines(),
        [2, 3, 4, 5, 6, 7, 8, 9, 10, 14]
    );
}

#[test]
fn ndjson_counted_by_hand() {
    // 10, "7", 5, the batch's 9, 0; invalid: the cut line 4, null (5), the batch's 12 (7), 9.0 (8).
    assert_eq!(counts("ndjson", "score", None), [5, 2, 1, 2, 4]);
    assert_eq!(golden::case("ndjson").invalid_lines(), [4, 5, 7, 8]);
    // -02:00 late on the 9th is the 10th in UTC: ISO week 46.
    assert_eq!(
        counts("ndjson", "by-day", Some("2026-11-10")),
        [1, 1, 0, 0, 2]
    );
}

#[test]
fn the_example_of_the_contract() {
    // docs/contract.md §6, figures shortened to four decimals there.
    let Some(Expected::Json(text)) = golden::case("contract-example").expected("by-month") else {
        panic!("contract-example/by-month.json")
    };
    let v: Value = serde_json::from_str(&text).unwrap();
    let near = |x: &Value, want: f64| {
        let got = x.as_f64().unwrap();
        assert!((got - want).abs() < 5e-4, "got {got}, want {want}");
    };
    assert_eq!(golden::counts(&v), [22, 13, 6, 3, 1]);
    near(&v["nps"], 45.4545);
    near(&v["se"], 15.3839);
    near(&v["ci95"][0], 11.194);
    near(&v["ci95"][1], 68.806);
    let oct = &v["groups"]["2026-10"];
    assert_eq!(golden::counts(oct), [10, 5, 3, 2, 0]);
    near(&oct["nps"], 30.0);
    near(&oct["se"], 24.6982);
    near(&oct["ci95"][0], -19.0514);
    near(&oct["ci95"][1], 65.2052);
    assert!(oct.get("change").is_none());
    let nov = &v["groups"]["2026-11"];
    assert_eq!(golden::counts(nov), [12, 8, 3, 1, 1]);
    near(&nov["nps"], 58.3333);
    near(&nov["se"], 18.478);
    near(&nov["ci95"][0], 11.5241);
    near(&nov["ci95"][1], 81.8093);
    near(&nov["change"]["diff"], 28.3333);
    near(&nov["change"]["z"], 0.9186);
    near(&nov["change"]["p"], 0.3583);
}

#[test]
fn inputs_that_are_not_exports_are_errors() {
    for (case, start) in [
        ("empty", "input.csv is empty; "),
        (
            "image",
            "input.png is not an export of responses: it looks like a PNG image; ",
        ),
        (
            "no-score",
            "input.csv has no `score` column (header: id, rating, comment); ",
        ),
        (
            "truncated",
            "input.json: malformed JSON at line 25: the input ends inside this array element",
        ),
    ] {
        let Some(Expected::Error(e)) = golden::case(case).expected("score") else {
            panic!("{case}/score.error.txt")
        };
        assert!(e.starts_with(start), "{case}: {e}");
    }
}
