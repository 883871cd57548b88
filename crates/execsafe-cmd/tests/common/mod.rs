//! Helpers for the execsafe-cmd integration tests.
#![allow(
    dead_code,
    unused_imports,
    unreachable_pub,
    missing_docs,
    reason = "each test binary uses a subset"
)]

use std::path::Path;

use execsafe_cmd::{CommandOptions, ExecBackend, RestrictedCommand};

use execsafe_test_support::scratch;
pub use scratch::{Scratch, entries, sys_bin};

pub fn digest_of(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    execsafe_digest::hash_reader(&bytes[..])
        .unwrap()
        .0
        .to_string()
}

/// Number of open fds of this process.
pub fn fd_count() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

const THREADS: usize = 8;
const PER_THREAD: usize = 100;

/// 8 threads × 100 verified spawns of `true` with `backend`; asserts zero failures.
pub fn hammer(backend: ExecBackend) {
    let scratch = Scratch::new("conc");
    let t = scratch.copy_sys("true", "true");
    let pin = digest_of(&t);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                scope.spawn(|| {
                    let o = CommandOptions {
                        backend,
                        ..CommandOptions::default()
                    };
                    let mut errs = Vec::new();
                    for _ in 0..PER_THREAD {
                        let r = RestrictedCommand::new_verified(&t, &pin, [] as [&str; 0], &o)
                            .map_err(|e| format!("verify: {e:?}"))
                            .and_then(|c| {
                                assert_eq!(c.verified().unwrap().backend(), backend);
                                c.status()
                                    .map_err(|e| format!("spawn: {e} ({:?})", e.raw_os_error()))
                            });
                        match r {
                            Ok(st) if st.success() => {}
                            Ok(st) => errs.push(format!("exit {st}")),
                            Err(e) => errs.push(e),
                        }
                    }
                    errs
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{backend:?}: {} failures, e.g. {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    println!(
        "{backend:?}: {} verified spawns, 0 failures",
        THREADS * PER_THREAD
    );
}
