//! `nps`: the reference receiver (`nps serve`) and the scoring CLI (`nps score`) of nps-widget.
//!
//! ```text
//! nps serve [--addr 127.0.0.1:8080] [--db nps.sqlite | --db postgres://user@host/db] [--static DIR]
//!           [--allow-origin ORIGIN]... [--allow-any-origin]
//!           [--read-token TOKEN | env NPS_READ_TOKEN] [--rate-limit N/min]
//! nps score FILE [--by touchpoint|day|week|month] [--json]
//! ```
//!
//! Exit codes: 0 success; 1 `serve` could not start (port in use, database not writable or not
//! reachable…); 2 usage error or `score` input error (missing file, no `score` column, empty file…).

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use nps_server::cli::{Cli, Command};
use nps_server::{score, serve};

fn main() -> ExitCode {
    // Usage errors: clap prints them (naming the flag) and exits with 2.
    match Cli::parse().command {
        Command::Version => {
            println!("nps {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Command::Serve(a) => {
            nps_server::init_tracing();
            match serve::run(&a) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("nps serve: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Score(a) => match score::run(&a) {
            Ok(out) => {
                if let Some(notice) = out.stderr {
                    eprintln!("nps score: {notice}");
                }
                let mut stdout = std::io::stdout().lock();
                // A closed pipe (`nps score big.csv | head`) is not an error worth reporting.
                let _ = stdout.write_all(out.stdout.as_bytes());
                let _ = stdout.flush();
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("nps score: {e}");
                ExitCode::from(2)
            }
        },
    }
}
