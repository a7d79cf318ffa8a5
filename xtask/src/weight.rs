//! Where the wasm's bytes are: `twiggy top` on a copy of the shipped wasm that keeps its function
//! names, summed by crate, and its largest functions (`cargo xtask bench --weight`, after the
//! weight table of size.rs; `cargo xtask bench` prints both too).
//!
//! Neither wasm at hand can say it. pkg/nps_widget_bg.wasm has no names (wasm-opt drops the name
//! section), and target/…/nps_widget.wasm is the linker's output: it still holds wasm-bindgen's
//! describe functions and has not been through wasm-opt, so its sizes are not the shipped ones.
//! The copy is made the way pkg/ is, from the same target/ wasm — wasm-bindgen with
//! [`crate::WASM_BINDGEN_FLAGS`], wasm-opt with [`crate::WASM_OPT_PASSES`] — plus wasm-opt's `-g`,
//! which keeps the name section. The report says how far the copy without its names is from
//! the shipped wasm (a few hundred bytes: with names kept, binaryen orders some functions
//! differently, and a call's index can take another byte).
//!
//! A function's bytes are its own body after inlining: code that LTO and wasm-opt inlined from
//! another crate counts where it landed (most of Leptos' view code is inside nps_widget's
//! `Widget::show`). Data segments (string literals, tables, panic locations) cannot be split by
//! crate and get a line of their own.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::sys::{cmd, output, root, run, Failed};

/// The twiggy the bench installs from crates.io when none is on PATH.
const TWIGGY_VERSION: &str = "0.8.0";

/// Functions listed by size.
const TOP_FUNCTIONS: usize = 20;

/// Longest function name printed (Leptos' view types run to thousands of characters).
const NAME_WIDTH: usize = 110;

/// The crates of Leptos 0.8 and the crates it pulls in for a client-side view, summed on a line
/// of their own.
const LEPTOS: [&str; 12] = [
    "leptos",
    "leptos_dom",
    "reactive_graph",
    "tachys",
    "either_of",
    "any_spawner",
    "throw_error",
    "oco_ref",
    "or_poisoned",
    "hydration_context",
    "server_fn",
    "send_wrapper",
];

/// Where an item of the wasm belongs.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
enum Group {
    /// A Rust function of this crate (for `<A as B>::f`: A's crate, or B's when A is a
    /// standard-library or generic type; for drop glue: the dropped type's crate).
    Crate(String),
    /// A function nps-widget exports with `#[wasm_bindgen]`, or the shim wasm-bindgen wrapped it
    /// in (the export's body is inlined into it).
    Exports,
    /// wasm-bindgen's own functions: its allocator entry points, the externref table, shims.
    WasmBindgen,
    /// A function with a C name: compiler-builtins and libm (`memcmp`, `__multi3`, `round`).
    Builtins,
    /// A function without a name: made by a wasm-opt pass.
    Unnamed,
    /// Data segments: string literals, tables, panic locations.
    Data,
    /// The module's frame: types, imports, exports, table, globals, section headers.
    Module,
    /// The name section: in the copy only, not shipped.
    Names,
}

impl Group {
    fn label(&self) -> String {
        match self {
            Group::Crate(c) => c.clone(),
            Group::Exports => "#[wasm_bindgen] exports and their shims".into(),
            Group::WasmBindgen => "wasm-bindgen (allocator, externref table, shims)".into(),
            Group::Builtins => "compiler builtins, libm".into(),
            Group::Unnamed => "functions made by wasm-opt (no name)".into(),
            Group::Data => "data segments (literals, tables: all crates)".into(),
            Group::Module => "types, imports, exports, table, headers".into(),
            Group::Names => "name section (not shipped)".into(),
        }
    }

    fn is_code(&self) -> bool {
        !matches!(self, Group::Data | Group::Module | Group::Names)
    }
}

/// The crate that owns a demangled Rust path (`None` when it is not one).
fn crate_of(name: &str) -> Option<String> {
    let name = name.trim_start_matches(['&', '*', '(', '[', ' ']);
    let name = ["mut ", "const ", "dyn "]
        .iter()
        .fold(name, |n, p| n.strip_prefix(p).unwrap_or(n));
    if let Some(inner) = name.strip_prefix('<') {
        // `<Type as Trait>::f` or `<Type>::f`: up to the `as` or the `>` at this depth.
        let mut depth = 0;
        let mut self_end = inner.len();
        let mut trait_ = None;
        for (i, c) in inner.char_indices() {
            match c {
                '<' => depth += 1,
                '>' if depth == 0 => {
                    self_end = self_end.min(i);
                    break;
                }
                '>' => depth -= 1,
                ' ' if depth == 0 && inner[i..].starts_with(" as ") && trait_.is_none() => {
                    self_end = i;
                    trait_ = Some(&inner[i + 4..]);
                }
                _ => {}
            }
        }
        // A primitive's inherent methods (`<str>::find`, `<[u8]>::starts_with`) are core's:
        // symbols of a standard library built with the crate (`-Zbuild-std`) name no crate.
        let own = crate_of(&inner[..self_end])
            .or_else(|| is_primitive(&inner[..self_end]).then(|| "core".to_string()));
        return match own {
            Some(own) if !is_std(&own) => Some(own),
            own => trait_.and_then(crate_of).or(own),
        };
    }
    let first = name.split("::").next().filter(|_| name.contains("::"))?;
    // `core[c5930c85a12de822]` (the standard library's crates carry a hash in some symbols).
    let first = first.split('[').next().unwrap_or(first);
    if first.is_empty() || !first.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    // Drop glue belongs to the type it drops.
    if let Some(ty) = name
        .strip_prefix(first)
        .and_then(|rest| rest.split_once("::ptr::drop_in_place<"))
        .filter(|(between, _)| between.is_empty() || between.starts_with('['))
        .map(|(_, ty)| ty)
    {
        if let Some(owner) = crate_of(ty).filter(|c| !is_std(c)) {
            return Some(owner);
        }
    }
    Some(first.to_string())
}

fn is_primitive(ty: &str) -> bool {
    ty.starts_with(['[', '&', '*', '('])
        || matches!(
            ty,
            "str"
                | "char"
                | "bool"
                | "u8"
                | "u16"
                | "u32"
                | "u64"
                | "u128"
                | "usize"
                | "i8"
                | "i16"
                | "i32"
                | "i64"
                | "i128"
                | "isize"
                | "f32"
                | "f64"
        )
}

fn is_std(krate: &str) -> bool {
    matches!(krate, "core" | "alloc" | "std")
}

/// The group of a twiggy item, `exports` being the names nps-widget's wasm exports.
fn group_of(name: &str, exports: &[String]) -> Group {
    let exported = |n: &str| exports.iter().any(|e| e == n);
    if name.ends_with(" subsection") || name == "custom section 'name' headers" {
        Group::Names
    } else if name.starts_with("data segment ") {
        Group::Data
    } else if name.starts_with("code[") {
        Group::Unnamed
    } else if let Some(shim) = name.strip_suffix(" externref shim") {
        if exported(shim) {
            Group::Exports
        } else {
            Group::WasmBindgen
        }
    } else if exported(name) {
        Group::Exports
    } else if name.starts_with("__wbindgen") || name.starts_with("__externref") {
        Group::WasmBindgen
    } else if name.starts_with("import ")
        || name.starts_with("export ")
        || name.starts_with("type[")
        || name.starts_with("custom section ")
        || name.ends_with(" headers")
        || name == "wasm magic bytes"
        || ["elem[", "table[", "global[", "memory["]
            .iter()
            .any(|p| name.starts_with(p))
    {
        Group::Module
    } else if let Some(krate) = crate_of(name).filter(|k| k != "compiler_builtins") {
        Group::Crate(krate)
    } else {
        Group::Builtins
    }
}

/// The fields of one line of CSV (twiggy's: fields in double quotes double their quotes).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let field = fields.last_mut().expect("one field at least");
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => field.push(c),
        }
    }
    fields
}

/// `twiggy top -f csv` of `wasm`: every item with its own (shallow) size.
fn twiggy_top(twiggy: &Path, wasm: &Path) -> Result<Vec<(String, u64)>, Failed> {
    let csv = output(cmd(twiggy).args(["top", "-f", "csv"]).arg(wasm))?;
    let mut items = Vec::new();
    for line in csv.lines().skip(1) {
        let f = csv_fields(line);
        match (f.first(), f.get(1).and_then(|s| s.parse().ok())) {
            (Some(name), Some(size)) => items.push((name.clone(), size)),
            _ => {
                return Err(Failed(format!(
                    "unexpected line in `twiggy top -f csv {}`: {line:?}",
                    wasm.display()
                )))
            }
        }
    }
    Ok(items)
}

/// twiggy on PATH, else the one installed for the bench in target/bench/twiggy/ (with
/// `cargo install` on first use); the error says why there is none.
fn twiggy_bin() -> Result<PathBuf, String> {
    let works = |bin: &Path| {
        Command::new(bin)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if works(Path::new("twiggy")) {
        return Ok("twiggy".into());
    }
    let dir = root().join("target/bench/twiggy");
    let bin = dir.join("bin/twiggy");
    if works(&bin) {
        return Ok(bin);
    }
    let mut install = cmd("cargo");
    install
        .args(["install", "twiggy", "--version", TWIGGY_VERSION, "--root"])
        .arg(&dir);
    match run(&mut install) {
        Ok(()) if works(&bin) => Ok(bin),
        Ok(()) => Err(format!(
            "`cargo install twiggy` succeeded but {} does not run",
            bin.display()
        )),
        Err(Failed(why)) => Err(why),
    }
}

/// The shipped wasm again, from the same target/ wasm, with its name section: see the module
/// docs. Written to `$CARGO_TARGET_DIR/weight/`; returns wasm-bindgen's output (which still has
/// the exports' names) and the copy.
fn named_copy() -> Result<(PathBuf, PathBuf), Failed> {
    let target = crate::target_dir();
    let linked = target
        .join(crate::WASM_TARGET)
        .join("release/nps_widget.wasm");
    if !linked.exists() {
        return Err(Failed(format!(
            "{} is missing: run `cargo xtask build` first",
            linked.display()
        )));
    }
    let out = target.join("weight");
    let _ = fs::remove_dir_all(&out);
    run(cmd("wasm-bindgen")
        .args(crate::WASM_BINDGEN_FLAGS)
        .arg(&out)
        .arg(&linked))?;
    let bound = out.join("nps_widget_bg.wasm");
    let named = out.join("nps_widget_named.wasm");
    // output(), not run(): wasm-opt prints the interface's name map, not wanted here.
    output(
        cmd(root().join("www/node_modules/.bin/wasm-opt"))
            .args(crate::WASM_OPT_PASSES)
            .args(crate::WASM_FEATURES)
            .arg("-g")
            .arg(&bound)
            .arg("-o")
            .arg(&named),
    )?;
    Ok((bound, named))
}

/// Prints the wasm's bytes by crate and its largest functions. twiggy that cannot be installed is
/// reported, not a failure.
pub fn report() -> Result<(), Failed> {
    let twiggy = match twiggy_bin() {
        Ok(bin) => bin,
        Err(why) => {
            println!("\nwasm by crate: not measured, no twiggy ({why})");
            return Ok(());
        }
    };
    let (bound, named) = named_copy()?;
    let exports: Vec<String> = twiggy_top(&twiggy, &bound)?
        .into_iter()
        .filter_map(|(name, _)| {
            name.strip_prefix("export \"")
                .and_then(|n| n.strip_suffix('"'))
                .map(String::from)
        })
        .collect();
    let items: Vec<(String, u64, Group)> = twiggy_top(&twiggy, &named)?
        .into_iter()
        .map(|(name, size)| {
            let group = group_of(&name, &exports);
            (name, size, group)
        })
        .collect();

    let mut groups: HashMap<Group, (u64, usize)> = HashMap::new();
    for (_, size, group) in &items {
        let g = groups.entry(group.clone()).or_default();
        g.0 += size;
        g.1 += 1;
    }
    let names = groups.remove(&Group::Names).map_or(0, |g| g.0);
    let module: u64 = groups.values().map(|g| g.0).sum();
    let shipped_path = root().join("pkg").join(crate::size::VISITOR_FILES[2]);
    let shipped = fs::metadata(&shipped_path).map_or(0, |m| m.len());
    let mut sorted: Vec<(Group, (u64, usize))> = groups.into_iter().collect();
    sorted.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));

    println!(
        "\nwasm by crate: twiggy top on {} (pkg/'s wasm rebuilt with its names kept)",
        named.display()
    );
    println!(
        "{:<52} {:>9} {:>7} {:>9}",
        "crate / kind", "bytes", "%", "functions"
    );
    for (group, (bytes, count)) in &sorted {
        let count = if group.is_code() {
            count.to_string()
        } else {
            String::new()
        };
        println!(
            "  {:<50} {:>9} {:>6.1}% {:>9}",
            group.label(),
            bytes,
            100.0 * *bytes as f64 / module as f64,
            count
        );
    }
    println!("  {:<50} {:>9} {:>6.1}%", "total", module, 100.0);
    let leptos: Vec<(&str, u64)> = LEPTOS
        .into_iter()
        .filter_map(|c| {
            let bytes = sorted.iter().find_map(|(g, (bytes, _))| match g {
                Group::Crate(k) if k == c => Some(*bytes),
                _ => None,
            });
            bytes.map(|b| (c, b))
        })
        .collect();
    let present: Vec<&str> = leptos.iter().map(|(c, _)| *c).collect();
    let leptos: u64 = leptos.iter().map(|(_, b)| b).sum();
    if present.is_empty() {
        println!("no Leptos crate linked (the prompt's view is plain DOM calls since issue 11)");
    } else {
        println!(
            "of which Leptos ({}): {leptos} B, {:.1}%",
            present.join(", "),
            100.0 * leptos as f64 / module as f64
        );
    }
    let off = module as f64 / shipped as f64 - 1.0;
    println!(
        "check: the copy is {module} B without its name section ({names} B); pkg/{} is {shipped} B ({:+.2}%){}",
        crate::size::VISITOR_FILES[2],
        100.0 * off,
        if off.abs() > 0.01 {
            ": more than 1% apart, pkg/ was not built from this target/ wasm: run `cargo xtask build`"
        } else {
            ""
        }
    );

    println!("\nlargest functions (bytes after inlining)");
    println!("{:>9}  {:<20} function", "bytes", "crate / kind");
    let mut functions: Vec<&(String, u64, Group)> =
        items.iter().filter(|(_, _, g)| g.is_code()).collect();
    functions.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (name, size, group) in functions.into_iter().take(TOP_FUNCTIONS) {
        let short = match group {
            Group::Crate(c) => c.clone(),
            Group::Exports => "export".into(),
            Group::WasmBindgen => "wasm-bindgen".into(),
            Group::Builtins => "builtin".into(),
            _ => "wasm-opt".into(),
        };
        println!("{size:>9}  {short:<20} {}", display_name(name));
    }
    Ok(())
}

/// A function's name without its symbol hash (`::h0123…`) and the standard library's crate
/// hashes (`core[c593…]`), cut to [`NAME_WIDTH`].
fn display_name(name: &str) -> String {
    let mut s = match name.rsplit_once("::h") {
        Some((path, hash)) if hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()) => {
            path.to_string()
        }
        _ => name.to_string(),
    };
    while let Some(open) = s.find('[') {
        let Some(len) = s[open..].find(']') else {
            break;
        };
        let inner = &s[open + 1..open + len];
        if inner.len() == 16 && inner.chars().all(|c| c.is_ascii_hexdigit()) {
            s.replace_range(open..=open + len, "");
        } else {
            break;
        }
    }
    if s.chars().count() > NAME_WIDTH {
        s = s.chars().take(NAME_WIDTH - 1).collect::<String>() + "…";
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crates_of_rust_paths() {
        let cases = [
            ("nps_widget::embed::widget::Widget::show::h565d4e28592cbb25", "nps_widget"),
            ("core[c5930c85a12de822]::str::count::do_count_chars", "core"),
            ("<T as reactive_graph::traits::Read>::try_read::ha752f8e035e1409b", "reactive_graph"),
            (
                "<nps_widget::browser::storage::LocalQueueStore as nps_core::queue::QueueStore>::load::h1",
                "nps_widget",
            ),
            ("<indexmap::inner::Core<K,V> as core::clone::Clone>::clone::h5", "indexmap"),
            ("<core[c5930c85a12de822]::fmt::Formatter>::pad_integral", "core"),
            ("<alloc::string::String as serde::de::Deserialize>::deserialize", "serde"),
            ("<&T as core::fmt::Debug>::fmt::h1", "core"),
            (
                "core::ptr::drop_in_place<leptos::mount::UnmountHandle<tachys::html::X>>::h1",
                "leptos",
            ),
            ("core::ptr::drop_in_place<alloc::vec::Vec<u8>>::h1", "core"),
            (
                "reactive_graph::signal::subscriber_traits::<impl reactive_graph::graph::source::Source for std::sync::RwLock<X>>::remove_subscriber::h1",
                "reactive_graph",
            ),
            ("alloc::sync::Arc<T,A>::drop_slow::hde6b9fd98654638a", "alloc"),
            // A standard library built with the crate names no crate for a primitive's methods.
            ("<str>::split_once::<char>", "core"),
            ("<[u8]>::starts_with", "core"),
            ("<char>::is_whitespace", "core"),
        ];
        for (name, krate) in cases {
            assert_eq!(crate_of(name).as_deref(), Some(krate), "{name}");
        }
        assert_eq!(crate_of("memcmp"), None);
    }

    #[test]
    fn groups_of_twiggy_items() {
        let exports = vec!["record".to_string(), "pending".to_string()];
        let cases = [
            ("\"function names\" subsection", Group::Names),
            ("data segment \".rodata.1\"", Group::Data),
            ("record externref shim", Group::Exports),
            ("pending", Group::Exports),
            (
                "Ref(String) -> Externref externref shim",
                Group::WasmBindgen,
            ),
            ("__wbindgen_malloc", Group::WasmBindgen),
            ("import a::aa", Group::Module),
            ("type[51]: (i32, i32) -> i32", Group::Module),
            ("code[774]", Group::Unnamed),
            ("memcmp", Group::Builtins),
            (
                "compiler_builtins[2deae651bf59177f]::mem::memcmp",
                Group::Builtins,
            ),
            (
                "nps_core::options::parse::parse_options::h3",
                Group::Crate("nps_core".into()),
            ),
        ];
        for (name, group) in cases {
            assert_eq!(group_of(name, &exports), group, "{name}");
        }
    }

    #[test]
    fn csv_with_quotes() {
        assert_eq!(
            csv_fields(r#""data segment "".rodata""",3038,1.27,,"#),
            ["data segment \".rodata\"", "3038", "1.27", "", ""]
        );
        assert_eq!(
            csv_fields(r#""type[51]: (i32, i32) -> i32",11,0.0,,"#)[..2],
            ["type[51]: (i32, i32) -> i32", "11"]
        );
    }

    #[test]
    fn names_lose_their_hashes() {
        assert_eq!(
            display_name("core[c5930c85a12de822]::str::count::do_count_chars"),
            "core::str::count::do_count_chars"
        );
        assert_eq!(
            display_name("nps_widget::embed::widget::Widget::show::h565d4e28592cbb25"),
            "nps_widget::embed::widget::Widget::show"
        );
    }
}
