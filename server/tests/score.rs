//! `nps score` end to end: the real binary on real files.

mod common;
#[path = "../../testdata/golden/golden.rs"]
mod golden;

use common::{assert_summary, nps, nps_stdin, SUMMARY_KEYS};
use golden::Expected;
use serde_json::Value;

fn write(dir: &tempfile::TempDir, name: &str, data: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, data).unwrap();
    path.to_str().unwrap().to_string()
}

/// The keys of a JSON object, sorted.
fn keys(v: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

/// The keys of `nps score --json` without `--by` (and of each group with it), sorted.
fn summary_keys() -> Vec<&'static str> {
    let mut want = [&SUMMARY_KEYS[..], &["invalid"]].concat();
    want.sort_unstable();
    want
}

fn score_json(args: &[&str]) -> Value {
    score_json_and_notice(args).0
}

/// `nps score … --json`: the JSON on stdout and what it reported on stderr.
fn score_json_and_notice(args: &[&str]) -> (Value, String) {
    let mut all = vec!["score"];
    all.extend_from_slice(args);
    all.push("--json");
    let out = nps(&all);
    assert!(
        out.status.success(),
        "nps {all:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let notice = String::from_utf8_lossy(&out.stderr).into_owned();
    (serde_json::from_slice(&out.stdout).unwrap(), notice)
}

fn score_err(args: &[&str]) -> String {
    let mut all = vec!["score"];
    all.extend_from_slice(args);
    let out = nps(&all);
    assert_eq!(out.status.code(), Some(2), "nps {all:?} should fail with 2");
    assert!(out.stdout.is_empty());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn json_shape_and_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(&dir, "r.csv", b"score\n10\n9\n9\n8\n7\n6\n0\n3\n10\n");
    let v = score_json(&[&f]);
    assert_eq!(keys(&v), summary_keys(), "no `groups` without --by");
    assert_summary(&v, [9, 4, 2, 3]);
    assert_eq!(v["invalid"], 0);
}

#[test]
fn bom_crlf_quotes_case_and_column_order() {
    let dir = tempfile::tempdir().unwrap();
    let data = "\u{feff}Comment,Answered_At,SCORE,TouchPoint\r\n\
                \"Fast, friendly\",2026-11-22T09:00:00Z,10,checkout\r\n\
                \"line one\r\nline \"\"two\"\", still\",2026-11-22T09:01:00Z, 9 ,checkout\r\n\
                ,2026-11-22T09:02:00Z,\"3\",delivery\r\n";
    let f = write(&dir, "export.csv", data.as_bytes());
    let v = score_json(&[&f, "--by", "touchpoint"]);
    assert_eq!(v["n"], 3);
    assert_eq!(v["invalid"], 0);
    assert_eq!(v["groups"]["checkout"]["promoters"], 2);
    assert_eq!(v["groups"]["delivery"]["detractors"], 1);
}

#[test]
fn invalid_rows_are_counted_with_physical_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    // line 1 header; 2 ok; 3-4 one quoted record (ok); 5 "11"; 6 blank; 7 "9.5";
    // 8-9 a quoted record with an invalid score; 10 empty score; 11 ok
    let data = "comment,score\r\n\
                a,9\r\n\
                \"multi\r\nline\",8\r\n\
                b,11\r\n\
                \r\n\
                c,9.5\r\n\
                \"x\r\ny\",ten\r\n\
                d,\r\n\
                e,0\r\n";
    let f = write(&dir, "r.csv", data.as_bytes());
    let (v, notice) = score_json_and_notice(&[&f]);
    assert_eq!(v["n"], 3);
    assert_eq!(v["invalid"], 4);
    assert_eq!(
        notice.trim_end(),
        "nps score: invalid: 4 rows not counted (score not an integer 0..10), lines 5, 7, 8, 10"
    );

    let text = nps(&["score", &f]);
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(
            "invalid: 4 rows not counted (score not an integer 0..10), lines 5, 7, 8, 10"
        ),
        "{text}"
    );
}

#[test]
fn only_the_first_ten_invalid_lines_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let mut data = String::from("score\n");
    for i in 0..30 {
        data.push_str(if i % 2 == 0 { "x\n" } else { "5\n" });
    }
    let f = write(&dir, "r.csv", data.as_bytes());
    let (v, notice) = score_json_and_notice(&[&f]);
    assert_eq!(v["invalid"], 15);
    assert!(
        notice.contains("lines 2, 4, 6, 8, 10, 12, 14, 16, 18, 20 (first 10)"),
        "{notice}"
    );
}

#[test]
fn group_by_day_week_month() {
    let dir = tempfile::tempdir().unwrap();
    let data = "score,answered_at\n\
                10,2026-11-22T23:30:00Z\n\
                0,2026-11-22T23:30:00-05:00\n\
                9,2026-11-23T08:00:00Z\n\
                7,2026-12-01T08:00:00Z\n\
                oops,2026-12-01T09:00:00Z\n";
    let f = write(&dir, "r.csv", data.as_bytes());
    let day = score_json(&[&f, "--by", "day"]);
    let days: Vec<&str> = day["groups"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(days, ["2026-11-22", "2026-11-23", "2026-12-01"]);
    assert_eq!(
        day["groups"]["2026-11-23"]["n"], 2,
        "-05:00 moves into the next UTC day"
    );
    assert_eq!(day["groups"]["2026-12-01"]["invalid"], 1);

    let week = score_json(&[&f, "--by", "week"]);
    let weeks: Vec<(&String, &Value)> = week["groups"].as_object().unwrap().iter().collect();
    assert_eq!(weeks.len(), 3);
    assert_eq!(weeks[0].0, "2026-W47");
    assert_eq!(weeks[0].1["n"], 1);
    assert_eq!(weeks[1].0, "2026-W48");
    assert_eq!(weeks[1].1["n"], 2);
    assert_eq!(weeks[2].0, "2026-W49");

    let month = score_json(&[&f, "--by", "month"]);
    assert_eq!(month["groups"]["2026-11"]["n"], 3);
    assert_eq!(month["groups"]["2026-12"]["n"], 1);
    assert_eq!(month["groups"]["2026-12"]["invalid"], 1);
    assert_eq!(month["n"], 4);

    // Group shape = top-level shape without `groups`.
    assert_eq!(keys(&month["groups"]["2026-11"]), summary_keys());

    let text = nps(&["score", &f, "--by", "week"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("by week:"), "{text}");
    assert!(
        text.lines().any(|l| l.trim_start().starts_with("2026-W48")),
        "{text}"
    );
}

#[test]
fn json_array_and_ndjson() {
    let dir = tempfile::tempdir().unwrap();
    let array = b"[\n  {\"score\": 10, \"touchpoint\": \"checkout\"},\n  {\"score\": \"9\", \"touchpoint\": \"checkout\"},\n  {\"score\": 11, \"touchpoint\": \"delivery\"},\n  {\"score\": 2, \"touchpoint\": \"delivery\"}\n]\n";
    let f = write(&dir, "r.json", array);
    let (v, notice) = score_json_and_notice(&[&f, "--by", "touchpoint"]);
    assert_eq!(v["n"], 3);
    assert!(
        notice.contains("row not counted") && notice.ends_with("line 4\n"),
        "{notice}"
    );
    assert_eq!(v["groups"]["checkout"]["promoters"], 2);
    assert_eq!(v["groups"]["delivery"]["invalid"], 1);

    let nd = b"{\"score\":10,\"answered_at\":\"2026-11-22T09:00:00Z\"}\n{\"score\":null}\n\n{\"score\":6,\"answered_at\":\"2026-11-23T09:00:00Z\"}\n";
    for name in ["r.ndjson", "r.jsonl", "r-no-extension"] {
        let f = write(&dir, name, nd);
        let (v, notice) = score_json_and_notice(&[&f, "--by", "day"]);
        assert_eq!(v["n"], 2, "{name}");
        assert!(notice.ends_with("line 2\n"), "{name}: {notice}");
        assert_eq!(v["nps"], 0.0, "{name}");
        assert_eq!(v["groups"]["2026-11-22"]["n"], 1, "{name}");
    }
}

#[test]
fn stdin_dash() {
    let out = nps_stdin(&["score", "-", "--json"], b"score\n9\n10\n");
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["nps"], 100.0);
}

#[test]
fn human_output() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(&dir, "r.csv", b"score\n10\n9\n8\n0\n");
    let out = nps(&["score", &f]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(&format!("{f}: 4 responses scored\n")),
        "{text}"
    );
    assert!(text.contains("NPS +25.0  (95% CI "), "{text}");
    assert!(text.contains("band: needs-work"), "{text}");

    let empty = write(&dir, "header-only.csv", b"score\n");
    let out = nps(&["score", &empty]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("NPS n/a (no valid scores)"));
}

#[test]
fn errors_name_the_file_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.csv");
    let err = score_err(&[missing.to_str().unwrap()]);
    assert!(
        err.starts_with(&format!(
            "nps score: cannot read {}: no such file;",
            missing.display()
        )),
        "{err}"
    );

    let empty = write(&dir, "empty.csv", b"");
    let err = score_err(&[&empty]);
    assert!(
        err.starts_with(&format!("nps score: {empty} is empty;")),
        "{err}"
    );

    let blank = write(&dir, "blank.json", b"  \n");
    let err = score_err(&[&blank]);
    assert!(err.contains("is empty;"), "{err}");

    let no_score = write(&dir, "x.csv", b"id,rating\n1,9\n");
    let err = score_err(&[&no_score]);
    assert!(
        err.contains("has no `score` column (header: id, rating)"),
        "{err}"
    );

    let no_tp = write(&dir, "y.csv", b"score\n9\n");
    let err = score_err(&[&no_tp, "--by", "touchpoint"]);
    assert!(
        err.contains("has no `touchpoint` column, which --by touchpoint needs"),
        "{err}"
    );

    let bad_json = write(&dir, "z.json", b"[{\"score\": 9},\n {\"score\": 9 oops}]");
    let err = score_err(&[&bad_json]);
    assert!(err.contains("z.json: malformed JSON at line 2"), "{err}");

    // Usage errors (clap's wording): they name the flag, the bad value and what is allowed.
    let err = score_err(&[&no_tp, "--by", "year"]);
    assert!(err.contains("'year'") && err.contains("--by"), "{err}");
    assert!(
        err.contains("[possible values: touchpoint, day, week, month]"),
        "{err}"
    );
    let err = score_err(&[]);
    assert!(err.contains("<FILE>"), "{err}");
}

/// Every golden case (testdata/golden/) through the binary, run in the case's folder: the exact
/// stdout of `--json`, the notice of invalid rows on stderr, the error messages and exit codes.
#[test]
fn golden_cases() {
    for case in golden::cases() {
        for (mode, by, want) in case.modes() {
            let input = case.input_name();
            let mut args = vec!["score", input.as_str(), "--json"];
            if let Some(by) = by {
                args.extend(["--by", by]);
            }
            let out = std::process::Command::new(common::NPS)
                .args(&args)
                .current_dir(&case.dir)
                .output()
                .expect("run nps");
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            let what = format!("{}/{mode}", case.name);
            match want {
                Expected::Json(json) => {
                    assert_eq!(out.status.code(), Some(0), "{what}: {stderr}");
                    assert_eq!(stdout, json, "{what}");
                    let lines = case.invalid_lines();
                    if lines.is_empty() {
                        assert_eq!(stderr, "", "{what}");
                    } else {
                        let list: Vec<String> = lines.iter().map(u64::to_string).collect();
                        assert!(
                            stderr.starts_with("nps score: invalid: ")
                                && stderr.contains(&list.join(", ")),
                            "{what}: {stderr}"
                        );
                    }
                }
                Expected::Error(message) => {
                    assert_eq!(out.status.code(), Some(2), "{what}");
                    assert_eq!(stdout, "", "{what}");
                    assert_eq!(stderr, format!("nps score: {message}\n"), "{what}");
                }
            }
        }
    }
}

#[test]
fn golden_text_output_has_the_change_column() {
    let case = golden::case("contract-example");
    let out = std::process::Command::new(common::NPS)
        .args(["score", "input.csv", "--by", "month"])
        .current_dir(&case.dir)
        .output()
        .expect("run nps");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("input.csv: 22 responses scored\n"),
        "{text}"
    );
    let nov = text
        .lines()
        .find(|l| l.trim_start().starts_with("2026-11"))
        .unwrap_or_default();
    assert!(nov.ends_with("+28.3 (p 0.358)"), "{text}");
}

/// A CSV of `rows` rows past [`nps_server::score::PARALLEL_MIN`] bytes: quoted commas, quoted
/// line breaks (LF and CRLF), blank lines, a BOM; invalid scores only after row `invalid_from`.
fn large_csv(invalid_from: usize, stray_quote: bool) -> Vec<u8> {
    let mut out = String::from("\u{feff}id,score,comment,touchpoint,answered_at\r\n");
    let comments = [
        "",
        "fast",
        "\"a, b\"",
        "\"two\nlines\"",
        "\"say \"\"hi\"\"\"",
        "\"crlf\r\ninside\"",
    ];
    let mut i = 0usize;
    while out.len() < nps_server::score::PARALLEL_MIN as usize + (1 << 20) {
        let score = if i >= invalid_from && i.is_multiple_of(1013) {
            "11".to_string()
        } else {
            (i % 11).to_string()
        };
        let comment = if stray_quote && i == 7 {
            "a\"b"
        } else {
            comments[i % comments.len()]
        };
        let tp = ["checkout", "delivery", ""][i % 3];
        let day = 1 + i % 28;
        let eol = if i.is_multiple_of(5) { "\r\n" } else { "\n" };
        out.push_str(&format!(
            "r{i},{score},{comment},{tp},2026-10-{day:02}T12:00:00Z{eol}"
        ));
        if i.is_multiple_of(997) {
            out.push_str(eol);
        }
        i += 1;
    }
    out.into_bytes()
}

/// A file past `PARALLEL_MIN` is mapped and read on one thread per core (`reader::split`): the
/// output is byte for byte that of `nps score -`, which reads stdin in chunks with one reader.
/// Invalid rows everywhere, or only in the second half (their line numbers come from the second
/// reader), or a stray quote early on (the split points are then wrong, and not used).
#[test]
fn a_large_file_prints_what_stdin_does() {
    let dir = tempfile::tempdir().unwrap();
    for (name, data) in [
        ("everywhere.csv", large_csv(0, false)),
        ("second-half.csv", large_csv(80_000, false)),
        ("stray-quote.csv", large_csv(0, true)),
    ] {
        let f = write(&dir, name, &data);
        for args in [
            &[][..],
            &["--json"],
            &["--by", "touchpoint", "--json"],
            &["--by", "week"],
        ] {
            let file = nps(&[&["score", &f][..], args].concat());
            let stdin = nps_stdin(&[&["score", "-"][..], args].concat(), &data);
            assert!(file.status.success(), "{name} {args:?}");
            let text = |o: &std::process::Output| {
                String::from_utf8_lossy(&o.stdout).replacen(&f, "stdin", 1)
            };
            assert_eq!(text(&file), text(&stdin), "{name} {args:?}");
            assert_eq!(file.stderr, stdin.stderr, "{name} {args:?}");
            assert_eq!(file.status.code(), stdin.status.code(), "{name} {args:?}");
        }
        let out = String::from_utf8_lossy(&nps(&["score", &f, "--json"]).stderr).into_owned();
        assert!(
            out.contains("lines "),
            "{name}: invalid rows are listed: {out}"
        );
    }
}

/// [`nps_server::score::score_file`] on 2 to 4 threads, whatever the cores of the machine that
/// runs the test: the report of one reader in chunks, line numbers of invalid rows included.
#[test]
fn score_file_on_threads_equals_one_reader() {
    use nps_core::reader::split::split_points;
    use nps_core::reader::Format;
    use nps_core::GroupBy;
    use nps_server::score::{score_file, score_reader};
    let dir = tempfile::tempdir().unwrap();
    for data in [large_csv(80_000, false), large_csv(0, true)] {
        assert!(!split_points(&data, 2).is_empty());
        let f = write(&dir, "r.csv", &data);
        for by in [None, Some(GroupBy::Touchpoint), Some(GroupBy::Day)] {
            let want = score_reader(&data[..], "r.csv", None, by).unwrap();
            assert!(want.total.invalid > 0);
            for threads in 1..=4 {
                for format in [None, Some(Format::Csv)] {
                    let file = std::fs::File::open(&f).unwrap();
                    let got = score_file(file, "r.csv", format, by, threads).unwrap();
                    assert_eq!(got, want, "{threads} threads, {by:?}");
                }
            }
        }
    }
}
