//! 8 threads × 100 verified spawns per backend: no ETXTBSY, no failure.
mod common;

use common::{Scratch, digest_of};
use execsafe_cmd::{CommandOptions, ExecBackend, RestrictedCommand};

const THREADS: usize = 8;
const PER_THREAD: usize = 100;

fn hammer(backend: ExecBackend) {
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

#[test]
fn temp_dir_backend_under_concurrency() {
    hammer(ExecBackend::TempDir);
}

#[test]
fn memfd_backend_under_concurrency() {
    hammer(ExecBackend::Memfd);
}
