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

/// What `Auto` picks for the fixture at `path`: in place when it is root-owned without
/// group/other write (a local filesystem, and for a script root-owned directories, are
/// assumed: the scratch dir is the writer's, under the sticky `/tmp`), else a memfd copy.
pub fn auto_for(path: &Path) -> ExecBackend {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).unwrap();
    if m.uid() == 0 && m.mode() & 0o022 == 0 {
        ExecBackend::InPlace
    } else {
        ExecBackend::Memfd
    }
}

/// Makes a fixture group-writable (0775), so that `Auto` copies it instead of running it
/// in place (for tests of the copy backends).
pub fn make_copied(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o775)).unwrap();
}

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
