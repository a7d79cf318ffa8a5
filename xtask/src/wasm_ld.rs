//! Tests of `xtask/wasm-ld`, the wasm32 linker of `.cargo/config.toml`. It runs here with a fake
//! `rustc` (`$RUSTC`) whose sysroot holds a fake `rust-lld` that writes down its arguments.

use std::env;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Output};

use crate::sys::root;

/// A scratch sysroot; `rust-lld` writes its arguments to `<dir>/args`, one a line.
struct FakeToolchain {
    dir: PathBuf,
}

impl FakeToolchain {
    fn new(name: &str) -> FakeToolchain {
        let dir = env::temp_dir().join(format!("xtask-wasm-ld-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let bin = dir.join("lib/rustlib/fakehost/bin");
        fs::create_dir_all(&bin).unwrap();
        let d = dir.display();
        script(
            &dir.join("rustc"),
            &format!("case \"$1\" in --print) echo '{d}' ;; -vV) echo 'host: fakehost' ;; esac\n"),
        );
        script(
            &bin.join("rust-lld"),
            &format!("printf '%s\\n' \"$@\" > '{d}/args'\n"),
        );
        FakeToolchain { dir }
    }

    /// Runs the wrapper with these arguments (separated by white space).
    fn link(&self, args: &str) -> Output {
        Command::new(root().join("xtask/wasm-ld"))
            .args(words(args))
            .env("RUSTC", self.dir.join("rustc"))
            .output()
            .expect("xtask/wasm-ld runs")
    }

    /// What the fake rust-lld was given, None when it never ran.
    fn linked(&self) -> Option<Vec<String>> {
        let args = fs::read_to_string(self.dir.join("args")).ok()?;
        Some(args.lines().map(String::from).collect())
    }
}

impl Drop for FakeToolchain {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

fn script(path: &std::path::Path, body: &str) {
    fs::write(path, format!("#!/bin/sh\n{body}")).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn drops_the_wasm_streams_exports_and_passes_the_rest() {
    let t = FakeToolchain::new("filter");
    let out = t.link(
        "-flavor wasm --export init --export __wbg_intounderlyingsource_free \
         --export intounderlyingbytesource_start --export __wbg_into_underlying_sink_write \
         --export takeBatch lib.o -o out.wasm",
    );
    assert!(out.status.success(), "{out:?}");
    let passed = "-flavor wasm --export init --export takeBatch lib.o -o out.wasm";
    assert_eq!(t.linked(), Some(words(passed)));
}

#[test]
fn a_response_file_fails_with_a_message_and_links_nothing() {
    let t = FakeToolchain::new("response-file");
    let out = t.link("-flavor wasm @/tmp/linker-arguments -o out.wasm");
    assert!(!out.status.success(), "a response file must fail: {out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "xtask/wasm-ld: the linker arguments came in a response file (@/tmp/linker-arguments)"
        ),
        "{stderr}"
    );
    assert_eq!(t.linked(), None, "rust-lld must not run");
}
