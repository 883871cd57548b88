//! Forks the library does not control can still inherit a temp-dir copy's write fd; the
//! bounded `ETXTBSY` retry absorbs them. A file of its own: its fork loop would disturb
//! the zero-retry assertion of `concurrency.rs` if they shared a process.
mod common;

use std::sync::atomic::{AtomicBool, Ordering};

use execsafe_cmd::{ExecBackend, etxtbsy_retries};

#[test]
fn foreign_forks_are_absorbed_by_the_retry() {
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                let _ = std::process::Command::new(common::sys_bin("true")).status();
            }
        });
        common::hammer(ExecBackend::TempDir);
        stop.store(true, Ordering::Relaxed);
    });
    println!("{} ETXTBSY retries absorbed", etxtbsy_retries());
}
