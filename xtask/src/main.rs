//! Build, demo, test and benchmark orchestration for nps-widget: `cargo xtask <command>`.
//!
//! Every command installs what it needs on a fresh machine of this project's kind (the wasm
//! target, the exactly matching `wasm-bindgen-cli`, the npm tools, Chromium and chromedriver),
//! so the README's two commands are all a newcomer runs:
//!
//! ```text
//! cargo xtask demo   # build pkg/ and the `nps` binary, then serve the demo on 127.0.0.1:8080
//! cargo xtask test   # fmt, clippy (host + wasm32), native tests, browser tests, e2e, size budget
//! ```

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

mod bench;
mod size;
mod sys;
#[cfg(test)]
mod wasm_ld;
mod weight;

use sys::{cmd, output, root, run, Failed};

const WASM_TARGET: &str = "wasm32-unknown-unknown";

const USAGE: &str = "usage: cargo xtask <command>

commands:
  build    build pkg/ (wasm, glue, loader, types) and print the size report
           --plain: no linker wrapper, no interface rewrite, no wasm-opt, no minifying
           (for bisecting a miscompile; the size budget is not enforced)
  demo     build pkg/ and the `nps` binary, then run `nps serve` on 127.0.0.1:8080 (db: nps.sqlite)
  test     every check: fmt, clippy (host + wasm32), native tests, browser tests, e2e, size budget
  bench    weight (bytes per file, the wasm by crate), load, answer and memory of the prompt in Chromium,
           the queue and the receiver, the scorers in Chromium (wasm, plain JS, PapaParse), `nps score` vs DuckDB
           --weight: only the weight of the current pkg/ and the wasm by crate and function (twiggy)
           --native: only `nps score` and `nps score` vs DuckDB (no browser)
  size     print the weight table of the current pkg/ and check its budgets";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("build") => match args.get(1).map(String::as_str) {
            None => build_pkg(Build::Release)
                .and_then(|()| build_scorer())
                .and_then(|()| size::report_and_check()),
            Some("--plain") => build_pkg(Build::Plain).and_then(|()| size::report().map(drop)),
            Some(other) => {
                eprintln!("xtask build: unknown option {other}\n\n{USAGE}");
                return ExitCode::from(2);
            }
        },
        Some("demo") => demo(),
        Some("test") => test(),
        Some("bench") => match args.get(1).map(String::as_str) {
            None => bench::run_all(),
            Some("--weight") => bench::run_weight(),
            Some("--native") => bench::run_native(),
            Some(other) => {
                eprintln!("xtask bench: unknown option {other}\n\n{USAGE}");
                return ExitCode::from(2);
            }
        },
        Some("size") => size::report_and_check(),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failed(msg)) => {
            eprintln!("xtask: {msg}");
            ExitCode::FAILURE
        }
    }
}

/// The version of a crate as resolved in Cargo.lock.
fn locked_version(name: &str) -> Result<String, Failed> {
    let lock = fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| Failed(format!("cannot read Cargo.lock: {e}")))?;
    let needle = format!("name = \"{name}\"\nversion = \"");
    let start = lock
        .find(&needle)
        .ok_or_else(|| Failed(format!("{name} is not in Cargo.lock")))?
        + needle.len();
    let len = lock[start..].find('"').unwrap_or(0);
    Ok(lock[start..start + len].to_string())
}

fn ensure_wasm_target() -> Result<(), Failed> {
    let installed = sys::output(Command::new("rustup").args(["target", "list", "--installed"]))?;
    if !installed.lines().any(|l| l.trim() == WASM_TARGET) {
        run(cmd("rustup").args(["target", "add", WASM_TARGET]))?;
    }
    Ok(())
}

/// The standard library's sources, which the embed's release build compiles itself
/// ([`SMALL_STD`]); `rustup component add rust-src` fetches them for the toolchain in use.
fn ensure_rust_src() -> Result<(), Failed> {
    let installed = sys::output(Command::new("rustup").args(["component", "list", "--installed"]))?;
    if !installed.lines().any(|l| l.trim().starts_with("rust-src")) {
        run(cmd("rustup").args(["component", "add", "rust-src"]))?;
    }
    Ok(())
}

/// wasm-bindgen-cli must be the exact version of the wasm-bindgen crate in Cargo.lock.
fn ensure_wasm_bindgen() -> Result<(), Failed> {
    let want = locked_version("wasm-bindgen")?;
    let have = sys::output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) != Some(want.as_str()) {
        // Not `--locked`: its lock file pins a crate the registry no longer serves.
        run(cmd("cargo").args(["install", "wasm-bindgen-cli", "--version", &want]))?;
    }
    Ok(())
}

/// npm tools (binaryen's wasm-opt, Playwright, sql.js) live in www/node_modules.
fn ensure_npm() -> Result<(), Failed> {
    let www = root().join("www");
    let stamp = www.join("node_modules/.package-lock.json");
    let lock = www.join("package-lock.json");
    let fresh = match (fs::metadata(&stamp), fs::metadata(&lock)) {
        (Ok(s), Ok(l)) => match (s.modified(), l.modified()) {
            (Ok(s), Ok(l)) => s >= l,
            _ => false,
        },
        _ => false,
    };
    if !fresh {
        run(cmd("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&www))?;
    }
    Ok(())
}

/// Chromium + chromedriver from Debian; installed with apt-get when running as root.
fn ensure_chromium() -> Result<(), Failed> {
    ensure_debian(
        &["/usr/bin/chromium", "/usr/bin/chromedriver"],
        &["chromium", "chromium-driver"],
        "Chromium and chromedriver",
    )
}

/// ClickHouse, the real receiver of the `ndjson` recipe (www/e2e/endpoints.spec.js starts its
/// own server on loopback from these binaries and stops it after).
fn ensure_clickhouse() -> Result<(), Failed> {
    ensure_debian(
        &["/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-client"],
        &["clickhouse-server", "clickhouse-client"],
        "ClickHouse",
    )
}

/// PostgreSQL's server binaries: the server tests run every storage test on PostgreSQL as well as
/// SQLite, in a private cluster they start from `initdb` and `pg_ctl` (server/tests/common/pg.rs:
/// PATH, else the newest /usr/lib/postgresql/*/bin). No service is started here.
fn ensure_postgresql() -> Result<(), Failed> {
    let on_path = |tool: &str| {
        env::var_os("PATH").is_some_and(|p| env::split_paths(&p).any(|d| d.join(tool).is_file()))
    };
    if on_path("initdb") && on_path("pg_ctl") {
        return Ok(());
    }
    // Any installed major version will do (Debian 12: 15, Debian 13: 17).
    let installed = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| e.path().join("bin/initdb").is_file() && e.path().join("bin/pg_ctl").is_file());
    if installed {
        return Ok(());
    }
    ensure_debian(
        &[
            "/usr/lib/postgresql/15/bin/initdb",
            "/usr/lib/postgresql/15/bin/pg_ctl",
        ],
        &["postgresql"],
        "PostgreSQL's server binaries (initdb, pg_ctl)",
    )
}

/// Installs Debian `packages` with apt-get (as root) unless every one of `files` exists;
/// otherwise says exactly what to install.
fn ensure_debian(files: &[&str], packages: &[&str], what: &str) -> Result<(), Failed> {
    if files.iter().all(|f| Path::new(f).exists()) {
        return Ok(());
    }
    let uid = sys::output(Command::new("id").arg("-u")).unwrap_or_default();
    if uid.trim() != "0" {
        return Err(Failed(format!(
            "{what} missing: run `sudo apt-get install -y {}` (Debian packages providing {}), then rerun",
            packages.join(" "),
            files.join(", ")
        )));
    }
    run(cmd("apt-get").arg("update").arg("-qq"))?;
    run(cmd("apt-get")
        .args(["install", "-y", "-qq"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// How esbuild bundles the runtime JavaScript (`--minify` added for what ships).
const ESBUILD_FLAGS: [&str; 2] = ["--target=es2020", "--log-level=warning"];

/// The wasm features rustc 1.95 enables for wasm32-unknown-unknown (binaryen must be told).
const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// wasm-bindgen's arguments for pkg/ (and for the weight report's copy, xtask/src/weight.rs),
/// the output directory to follow.
const WASM_BINDGEN_FLAGS: [&str; 7] = [
    "--target",
    "web",
    // Both callers pass the wasm's URL (no default path), and every browser that runs this wasm
    // has TextEncoder.encodeInto (no fallback): 76 B brotli of glue less.
    "--omit-default-module-path",
    "--encode-into",
    "always",
    // Our types are runtime/index.d.ts; the glue's own would name minified exports.
    "--no-typescript",
    "--out-dir",
];

/// wasm-opt's passes for pkg/'s wasm (and for the weight report's copy, which adds `-g`).
/// -Oz, then binaryen's whole-program passes once more (flatten + rereloop restructure the
/// control flow, gufa propagates constants across calls): 1.2 KB brotli less than -Oz alone.
/// Imports and exports get one- and two-letter names; the mapping it prints is applied to the
/// glue by xtask/interface.mjs.
const WASM_OPT_PASSES: [&str; 11] = [
    "--flatten",
    "--rereloop",
    "-Oz",
    "--gufa",
    "-Oz",
    "--monomorphize",
    "-Oz",
    "--converge",
    "--minify-imports-and-exports-and-modules",
    "--strip-producers",
    "--strip-target-features",
];

/// How pkg/ is built (docs/build.md).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Build {
    /// What ships: xtask/wasm-ld, wasm-opt with short interface names, xtask/interface.mjs,
    /// minified JavaScript.
    Release,
    /// The same Rust and the same release profile, everything after rustc left out: plain
    /// rust-lld, the wasm-bindgen output as it is, no wasm-opt, JavaScript bundled but not
    /// minified. Its own target directory, so the release build's cache stays warm.
    Plain,
}

/// How the embed's release wasm is built smaller than the standard library as shipped allows:
/// the standard library compiled with the embed (`-Zbuild-std`, at the embed's `opt-level =
/// "z"` and LTO'd with it) and a panic that is only a trap (`-Cpanic=immediate-abort`: no
/// panic hook, no formatted panic messages, no panic locations). The embed never panics on
/// purpose; a trap is caught by the embed's re-entry check (`src/embed.rs`). Measured on the
/// same source: wasm 117 102 → 109 684 B raw, 45 999 → 43 262 B brotli (−2 737 B); with
/// `-Zlocation-detail=none` −300 B more. Built without the `reference-types` feature (std
/// too, which only `-Zbuild-std` allows), wasm-bindgen keeps JS values in its glue's heap array
/// instead of an externref table with a shim per export: wasm −670 B, glue +159 B brotli
/// (46 695 → 46 184 B in all). These are unstable flags of the stable toolchain
/// (`RUSTC_BOOTSTRAP=1`; rustc 1.95.0), the one toolchain a machine of this kind has: a
/// newer rustc that renames one fails the build with rustc's own message, never a silently
/// bigger wasm (docs/build.md). `cargo xtask build --plain` does not use them.
struct SmallStd {
    cargo_arg: &'static str,
    rustflags: &'static [&'static str],
}

const SMALL_STD: SmallStd = SmallStd {
    cargo_arg: "-Zbuild-std=std,panic_abort",
    rustflags: &[
        "-Zunstable-options",
        "-Cpanic=immediate-abort",
        "-Zlocation-detail=none",
        "-Ctarget-feature=-reference-types",
    ],
};

/// Build pkg/: release wasm → wasm-bindgen (web) → wasm-opt -Oz with short interface names →
/// loader, one ES module (glue + I/O shell), ES entry, types. Every step is in docs/build.md.
fn build_pkg(build: Build) -> Result<(), Failed> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_npm()?;
    let root = root();
    let mut cargo = cmd("cargo");
    cargo.args([
        "build",
        "--release",
        "--target",
        WASM_TARGET,
        "-p",
        "nps-widget",
        "--lib",
    ]);
    let target = match build {
        Build::Release => {
            ensure_rust_src()?;
            let mut flags = short_paths();
            for f in SMALL_STD.rustflags {
                if !flags.is_empty() {
                    flags.push('\x1f');
                }
                flags.push_str(f);
            }
            cargo
                .arg(SMALL_STD.cargo_arg)
                .env("RUSTC_BOOTSTRAP", "1")
                .env("CARGO_ENCODED_RUSTFLAGS", flags);
            target_dir()
        }
        Build::Plain => {
            let plain = target_dir().join("plain");
            // Overrides the linker of .cargo/config.toml (the environment wins over the file);
            // rustc finds its own rust-lld.
            cargo
                .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", "rust-lld")
                .env("CARGO_TARGET_DIR", &plain);
            plain
        }
    };
    run(&mut cargo)?;
    let pkg = root.join("pkg");
    let _ = fs::remove_dir_all(&pkg);
    let wasm = target.join(WASM_TARGET).join("release/nps_widget.wasm");
    run(cmd("wasm-bindgen")
        .args(WASM_BINDGEN_FLAGS)
        .arg(&pkg)
        .arg(&wasm))?;
    if build == Build::Release {
        shrink_interface(&pkg)?;
    }
    bundle_runtime(&pkg, build)?;
    copy_locales(&pkg)?;
    println!("xtask: pkg/ built at {}", pkg.display());
    Ok(())
}

/// locales/*.json into pkg/locales/: the shell fetches the visitor's catalog from there
/// (English is built into the wasm). Written without the whitespace between tokens
/// ([`json_compact`]): 2 to 10 B of brotli less per catalog.
fn copy_locales(pkg: &Path) -> Result<(), Failed> {
    let from = root().join("locales");
    let to = pkg.join("locales");
    let err = |e: std::io::Error| Failed(format!("cannot copy locales/ to pkg/locales/: {e}"));
    fs::create_dir_all(&to).map_err(err)?;
    for entry in fs::read_dir(&from).map_err(err)? {
        let path = entry.map_err(err)?.path();
        if path.extension().and_then(|e| e.to_str()) == Some("json") {
            if let Some(name) = path.file_name() {
                let text = fs::read_to_string(&path).map_err(err)?;
                fs::write(to.join(name), json_compact(&text)).map_err(err)?;
            }
        }
    }
    Ok(())
}

/// `json` without the whitespace between its tokens (strings kept byte for byte, escapes
/// included). The catalogs are checked as JSON by the widget's tests.
fn json_compact(json: &str) -> String {
    let (mut out, mut in_string, mut escaped) = (String::with_capacity(json.len()), false, false);
    for c in json.chars() {
        if in_string {
            in_string = escaped || c != '"';
            escaped = !escaped && c == '\\';
        } else if c.is_ascii_whitespace() {
            continue;
        } else {
            in_string = c == '"';
        }
        out.push(c);
    }
    out
}

/// `--remap-path-prefix` flags (joined by 0x1f, as `CARGO_ENCODED_RUSTFLAGS` takes them) that
/// cut the registry's directory from the source paths the wasm keeps for panic messages
/// (`…/registry/src/index.crates.io-1949cf8c6b5b557f/leptos-0.8.23/src/…` becomes
/// `leptos-0.8.23/src/…`): 944 B raw, 56 B brotli less (measured). The standard library's
/// `/rustc/<commit>/library/…` paths come remapped already and a second remap does not apply.
fn short_paths() -> String {
    let home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let mut flags = Vec::new();
    if let Some(Ok(dirs)) = home.map(|h| fs::read_dir(h.join("registry/src"))) {
        for dir in dirs.flatten() {
            flags.push(format!("--remap-path-prefix={}/=", dir.path().display()));
        }
    }
    flags.join("\x1f")
}

/// wasm-opt on pkg/'s wasm, then the glue rewritten to the short names it gave the imports and
/// exports.
fn shrink_interface(pkg: &Path) -> Result<(), Failed> {
    let root = root();
    let bg = pkg.join("nps_widget_bg.wasm");
    let t = Instant::now();
    let wasm_opt = root.join("www/node_modules/.bin/wasm-opt");
    let map = output(
        cmd(&wasm_opt)
            .args(WASM_OPT_PASSES)
            .args(WASM_FEATURES)
            .arg(&bg)
            .arg("-o")
            .arg(&bg),
    )?;
    let map_file = target_dir().join("nps-widget-interface.json");
    fs::write(&map_file, map)
        .map_err(|e| Failed(format!("cannot write {}: {e}", map_file.display())))?;
    run(cmd("node")
        .arg(root.join("xtask/interface.mjs"))
        .arg(pkg)
        .arg(&map_file))?;
    println!("xtask: wasm-opt took {:.1} s", t.elapsed().as_secs_f64());
    Ok(())
}

/// The runtime/ JavaScript into pkg/, next to the glue wasm-bindgen wrote there: the loader (a
/// classic script, api.js bundled in), one ES module of the glue and the I/O shell (one request
/// and one compression context less), the ES entry (api.js bundled in, the module imported at
/// run time), the types and package.json as they are. What a visitor downloads (the loader and
/// the module) is minified, unless plain; the ES entry is for the site's own bundler.
fn bundle_runtime(pkg: &Path, build: Build) -> Result<(), Failed> {
    let root = root();
    let runtime = root.join("runtime");
    for file in ["index.d.ts", "package.json"] {
        fs::copy(runtime.join(file), pkg.join(file))
            .map_err(|e| Failed(format!("cannot copy runtime/{file} to pkg/: {e}")))?;
    }
    let esbuild = root.join("www/node_modules/.bin/esbuild");
    let minify = build == Build::Release;
    let esbuild = |entry: &Path, out: &Path, format: &str, minify: bool| {
        let mut c = cmd(&esbuild);
        c.arg(entry).args(ESBUILD_FLAGS).args([
            "--bundle",
            &format!("--format={format}"),
            &format!("--outfile={}", out.display()),
        ]);
        if minify {
            c.arg("--minify");
        }
        c
    };
    let (loader, index) = (runtime.join("loader.js"), runtime.join("index.js"));
    run(&mut esbuild(
        &loader,
        &pkg.join("nps-widget.js"),
        "iife",
        minify,
    ))?;
    run(esbuild(&index, &pkg.join("index.js"), "esm", false).arg("--external:./nps_widget.js"))?;
    let glue = pkg.join("glue.js");
    let module = pkg.join("nps_widget.js");
    let entry = pkg.join("entry.js");
    // The glue's functions and its async `default` init, not its `initSync` (nothing calls it:
    // 338 B of minified JavaScript, 33 B brotli).
    let written = fs::read_to_string(&module).and_then(|text| {
        let names: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("export function "))
            .filter_map(|l| l.split('(').next())
            .collect();
        fs::rename(&module, &glue)?;
        fs::write(
            &entry,
            format!(
                "export {{ {}, default }} from './glue.js';\nexport {{ connectShell }} from '../runtime/shell.js';\n",
                names.join(", ")
            ),
        )
    });
    written.map_err(|e| Failed(format!("cannot prepare the module bundle in pkg/: {e}")))?;
    run(&mut esbuild(&entry, &module, "esm", minify))?;
    for scratch in [glue, entry] {
        fs::remove_file(&scratch)
            .map_err(|e| Failed(format!("cannot remove {}: {e}", scratch.display())))?;
    }
    // The glue's JavaScript snippets (`inline_js`, src/browser/dom.rs), bundled into the module.
    let snippets = pkg.join("snippets");
    if snippets.exists() {
        fs::remove_dir_all(&snippets)
            .map_err(|e| Failed(format!("cannot remove {}: {e}", snippets.display())))?;
    }
    Ok(())
}

/// The scorer page's wasm is built with simd128 (every browser of the last years runs it).
const SCORER_RUSTFLAGS: &str = "-Ctarget-feature=+simd128";

/// pkg/score/: the scorer page's own bundle (docs/contract.md §7; the embed's weight does not
/// pay for it). Built for speed — cargo profile `scorer` (the release profile at opt-level 3),
/// wasm-bindgen for the web, wasm-opt -O3 — with runtime/scorer/ (the page's module and the Web
/// Worker) next to it. Run after [`build_pkg`], which clears pkg/.
fn build_scorer() -> Result<(), Failed> {
    let root = root();
    // simd128 (every current browser has it) turns on the CSV reader's SIMD fast path
    // (core/src/reader/csv/index.rs).
    run(cmd("cargo")
        .args([
            "build",
            "--profile",
            "scorer",
            "--target",
            WASM_TARGET,
            "-p",
            "nps-scorer",
            "--lib",
        ])
        .env("CARGO_ENCODED_RUSTFLAGS", SCORER_RUSTFLAGS))?;
    let out = root.join("pkg/score");
    let _ = fs::remove_dir_all(&out);
    let wasm = target_dir()
        .join(WASM_TARGET)
        .join("scorer/nps_scorer.wasm");
    run(cmd("wasm-bindgen")
        .args([
            "--target",
            "web",
            "--omit-default-module-path",
            "--no-typescript",
            "--out-dir",
        ])
        .arg(&out)
        .arg(&wasm))?;
    let bg = out.join("nps_scorer_bg.wasm");
    run(cmd(root.join("www/node_modules/.bin/wasm-opt"))
        .args(["-O3", "--strip-producers", "--enable-simd"])
        .args(WASM_FEATURES)
        .arg(&bg)
        .arg("-o")
        .arg(&bg))?;
    // page.js imports the glue beside it; worker.js is bundled with the glue (the page starts
    // it from a blob: URL, where relative imports cannot resolve).
    let esbuild = root.join("www/node_modules/.bin/esbuild");
    run(cmd(&esbuild)
        .arg(root.join("runtime/scorer/page.js"))
        .args(ESBUILD_FLAGS)
        .args([
            "--minify",
            &format!("--outfile={}", out.join("page.js").display()),
        ]))?;
    let entry = out.join("worker-entry.js");
    fs::copy(root.join("runtime/scorer/worker.js"), &entry).map_err(|e| {
        Failed(format!(
            "cannot copy runtime/scorer/worker.js to pkg/score/: {e}"
        ))
    })?;
    run(cmd(&esbuild).arg(&entry).args(ESBUILD_FLAGS).args([
        "--bundle",
        "--format=esm",
        "--minify",
        &format!("--outfile={}", out.join("worker.js").display()),
    ]))?;
    fs::remove_file(&entry)
        .map_err(|e| Failed(format!("cannot remove {}: {e}", entry.display())))?;
    size::report_scorer()?;
    println!("xtask: pkg/score/ built at {}", out.display());
    Ok(())
}

fn build_server() -> Result<PathBuf, Failed> {
    run(cmd("cargo").args(["build", "--release", "-p", "nps-server"]))?;
    Ok(target_dir().join("release/nps"))
}

fn demo() -> Result<(), Failed> {
    build_pkg(Build::Release)?;
    build_scorer()?;
    // The demo runs whatever the size; `cargo xtask test` is where the budget is enforced.
    size::report()?;
    let nps = build_server()?;
    let root = root();
    println!();
    println!("  nps-widget demo: open http://127.0.0.1:8080/");
    println!("  checkout host page: http://127.0.0.1:8080/www/checkout.html (asks nothing; \"Place order\" leads to");
    println!("  the order page, which asks once the order is delivered: /www/order.html)");
    println!("  the scorer page (score an export, nothing uploaded): http://127.0.0.1:8080/score");
    println!(
        "  responses are stored in {}",
        root.join("nps.sqlite").display()
    );
    println!("  (Ctrl+C stops the server)");
    println!();
    run(cmd(nps)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:8080",
            "--db",
            "nps.sqlite",
            "--static",
            ".",
        ])
        .arg("--allow-any-origin")
        .current_dir(&root))
}

/// Every check. Steps that don't depend on each other all run; the summary line counts them.
fn test() -> Result<(), Failed> {
    let started = Instant::now();
    let mut results: Vec<(&str, Result<(), Failed>, f64)> = Vec::new();
    let mut step = |name: &'static str, f: &mut dyn FnMut() -> Result<(), Failed>| {
        println!("\n==> xtask test: {name}");
        let t = Instant::now();
        let r = f();
        let secs = t.elapsed().as_secs_f64();
        match &r {
            Ok(()) => println!("<== {name}: ok ({secs:.0} s)"),
            Err(Failed(m)) => println!("<== {name}: FAILED ({secs:.0} s): {m}"),
        }
        let ok = r.is_ok();
        results.push((name, r, secs));
        ok
    };

    let tools = step(
        "install tools (wasm target, wasm-bindgen-cli, npm, chromium, clickhouse, postgresql)",
        &mut || {
            ensure_wasm_target()?;
            ensure_wasm_bindgen()?;
            ensure_npm()?;
            ensure_chromium()?;
            ensure_clickhouse()?;
            ensure_postgresql()
        },
    );
    step("cargo fmt --check", &mut || {
        run(cmd("cargo").args(["fmt", "--all", "--check"]))
    });
    step("clippy (host)", &mut || {
        run(cmd("cargo").args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    });
    step("clippy (wasm32)", &mut || {
        run(cmd("cargo").args([
            "clippy",
            "-p",
            "nps-widget",
            "-p",
            "nps-core",
            "-p",
            "nps-scorer",
            "--all-targets",
            "--target",
            WASM_TARGET,
            "--",
            "-D",
            "warnings",
        ]))
    });
    step("rustdoc (warnings are errors)", &mut || {
        run(cmd("cargo")
            .args([
                "doc",
                "--no-deps",
                "-p",
                "nps-core",
                "-p",
                "nps-server",
                "-p",
                "nps-widget",
                "-p",
                "nps-scorer",
            ])
            .env("RUSTDOCFLAGS", "-Dwarnings"))
    });
    step(
        "native tests (unit, property, doc, server integration)",
        &mut || run(cmd("cargo").args(["test", "--workspace"])),
    );
    if tools {
        step(
            "browser tests (wasm-bindgen-test, headless Chromium)",
            &mut || {
                run(cmd("cargo")
                    .args(["test", "--target", WASM_TARGET, "-p", "nps-widget"])
                    .env("CHROMEDRIVER", "/usr/bin/chromedriver"))
            },
        );
        let built = step(
            "build pkg/ (release wasm, wasm-opt -Oz, minified JS; pkg/score/)",
            &mut || build_pkg(Build::Release).and_then(|()| build_scorer()),
        );
        if built {
            step(
                "size budgets (brotli: loader + module + wasm, with the heaviest catalog, the loader alone)",
                &mut || size::report_and_check(),
            );
            step(
                "end-to-end (Playwright, real nps serve + SQLite)",
                &mut || {
                    let nps = build_server()?;
                    run(cmd("npx")
                        .args(["playwright", "test"])
                        .env("NPS_BIN", &nps)
                        .current_dir(root().join("www")))
                },
            );
        }
    }

    let failed: Vec<&str> = results
        .iter()
        .filter(|r| r.1.is_err())
        .map(|r| r.0)
        .collect();
    println!(
        "\nxtask test summary ({:.0} s):",
        started.elapsed().as_secs_f64()
    );
    for (name, r, secs) in &results {
        println!(
            "  {:<6} {name} ({secs:.0} s)",
            if r.is_ok() { "ok" } else { "FAILED" }
        );
    }
    println!(
        "xtask: {} passed, {} failed",
        results.len() - failed.len(),
        failed.len()
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failed(format!("failed: {}", failed.join(", "))))
    }
}

#[cfg(test)]
mod tests {
    use super::json_compact;

    #[test]
    fn json_compact_drops_only_the_whitespace_between_tokens() {
        let json = "{\n  \"a b\": \"x \\\" y\\\\\",\n  \"n\": [1, 2],\n  \"t\": \"\\\\\" }";
        assert_eq!(
            json_compact(json),
            r#"{"a b":"x \" y\\","n":[1,2],"t":"\\"}"#
        );
    }
}
