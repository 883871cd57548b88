//! `cargo xtask <ci|fuzz|bench>` — repository chores in Rust, no shell glue.
//!
//! * `ci`: tidy, fmt, clippy (`-D warnings`), tests (nextest when present) and doc
//!   tests, cargo-deny (licenses, bans, sources), fuzz smoke, bench smoke; one summary
//!   line per step and `N passed, M failed` at the end.
//! * `tidy`: the machine-checkable Architecture Invariants (ARCHITECTURE.md).
//! * `fuzz [TARGET] [--time SECONDS]`: cargo-fuzz targets (see `fuzz/`).
//! * `bench [--quick]`: performance figures side by side.
//! * `dist`: the release `execsafe` binary as shipped (static-pie on linux-gnu).
#![forbid(unsafe_code)]

mod bench;
mod ci;
mod cross;
mod dist;
mod fuzz;
mod msrv;
mod tidy;
mod tools;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = args.get(1..).unwrap_or_default();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci::run_ci(rest),
        Some("tidy") => tidy::run_tidy(rest),
        Some("fuzz") => fuzz::run_fuzz(rest),
        Some("bench") => bench::run_bench(rest),
        Some("dist") => dist::run_dist(rest),
        _ => {
            eprintln!(
                "usage: cargo xtask ci [--no-deny] | tidy | fuzz [TARGET] [--time SECONDS] | bench [--quick] | dist"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
