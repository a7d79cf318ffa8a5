//! The command line of the real `nps` binary: help, version and usage errors (exit 2, the
//! message names the flag).

mod common;

use common::nps;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_all_in(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "{part} in {text}");
    }
}

#[test]
fn help_lists_both_subcommands() {
    let out = nps(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("Usage: nps"), "{text}");
    for sub in ["serve", "score"] {
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(sub)),
            "{sub} in {text}"
        );
    }
    assert_all_in(
        &stdout(&nps(&["serve", "--help"])),
        &[
            "--addr <ADDR>",
            "--db <PATH|URL>",
            "postgres://USER[:PASSWORD]@HOST[:PORT]/DB",
            "--static <DIR>",
            "--allow-origin <ORIGIN>",
            "--allow-any-origin",
            "--read-token <TOKEN>",
            "[env: NPS_READ_TOKEN]",
            "--rate-limit <N/min>",
            "[default: 127.0.0.1:8080]",
            "[default: nps.sqlite]",
        ],
    );
    assert_all_in(
        &stdout(&nps(&["score", "--help"])),
        &[
            "<FILE>",
            "--by <KEY>",
            "--json",
            "touchpoint, day, week, month",
        ],
    );
}

#[test]
fn version() {
    for args in [&["--version"][..], &["-V"], &["version"]] {
        let out = nps(args);
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(
            stdout(&out),
            format!("nps {}\n", env!("CARGO_PKG_VERSION")),
            "{args:?}"
        );
    }
}

#[test]
fn bad_by_names_the_flag_and_the_allowed_values() {
    let out = nps(&["score", "r.csv", "--by", "year"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.contains("'year'") && err.contains("--by"), "{err}");
    for value in ["touchpoint", "day", "week", "month"] {
        assert!(err.contains(value), "{value} in {err}");
    }
}

#[test]
fn bad_addr_names_the_flag() {
    let out = nps(&["serve", "--addr", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("'nope'") && err.contains("--addr"), "{err}");
    assert!(err.contains("IP:PORT"), "{err}");
}

#[test]
fn other_usage_errors_exit_2_and_name_the_argument() {
    for (args, named) in [
        (&["serve", "--port", "80"][..], "--port"),
        (
            &["serve", "--allow-origin", "shop.example.com"],
            "--allow-origin",
        ),
        (&["frobnicate"], "frobnicate"),
        (&["score", "a.csv", "b.csv"], "b.csv"),
    ] {
        let out = nps(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains(named), "{args:?}: {err}");
    }
    let out = nps(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Usage: nps"));
}

fn nps_env(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    std::process::Command::new(common::NPS)
        .env_remove("NPS_READ_TOKEN")
        .envs(env.iter().copied())
        .args(args)
        .output()
        .expect("run nps")
}

#[test]
fn rate_limit_and_read_token_usage_errors() {
    for bad in ["0/min", "120", "120/sec", "lots/min"] {
        let out = nps(&["serve", "--rate-limit", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = stderr(&out);
        assert_all_in(
            &err,
            &[&format!("'{bad}'"), "--rate-limit", "expected N/min"],
        );
    }
    let out = nps_env(&["serve", "--read-token", ""], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_all_in(&stderr(&out), &["--read-token", "the read token is empty"]);
    // An empty NPS_READ_TOKEN is the same mistake, not a silent "no token".
    let out = nps_env(&["serve"], &[("NPS_READ_TOKEN", "")]);
    assert_eq!(out.status.code(), Some(2));
    assert_all_in(&stderr(&out), &["--read-token", "the read token is empty"]);
    let out = nps_env(&["serve"], &[("NPS_READ_TOKEN", "s3cret\n")]);
    assert_eq!(out.status.code(), Some(2));
    assert_all_in(&stderr(&out), &["trailing newline"]);
}

#[test]
fn help_names_nps_read_token_but_never_its_value() {
    let out = nps_env(
        &["serve", "--help"],
        &[("NPS_READ_TOKEN", "do-not-print-me")],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert_all_in(&text, &["--read-token <TOKEN>", "NPS_READ_TOKEN"]);
    assert!(!text.contains("do-not-print-me"), "{text}");
}
