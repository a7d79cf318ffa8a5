//! Running commands, with the failure as a value that names what failed.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::Command;

/// A step failed; the message says what and, where we know it, how to fix it.
#[derive(Debug)]
pub struct Failed(pub String);

/// The repository root (xtask lives in `<root>/xtask`).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// A command that runs in the repository root unless told otherwise.
pub fn cmd(program: impl AsRef<OsStr>) -> Command {
    let mut c = Command::new(program);
    c.current_dir(root());
    c
}

fn describe(c: &Command) -> String {
    let mut s = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Run a command with inherited output; a non-zero exit is a `Failed` naming the command.
pub fn run(c: &mut Command) -> Result<(), Failed> {
    let what = describe(c);
    println!("$ {what}");
    let status = c
        .status()
        .map_err(|e| Failed(format!("cannot start `{what}`: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Failed(format!("`{what}` exited with {status}")))
    }
}

/// Run a command and capture its stdout (stderr passes through).
pub fn output(c: &mut Command) -> Result<String, Failed> {
    let what = describe(c);
    let out = c
        .output()
        .map_err(|e| Failed(format!("cannot start `{what}`: {e}")))?;
    if !out.status.success() {
        return Err(Failed(format!("`{what}` exited with {}", out.status)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
