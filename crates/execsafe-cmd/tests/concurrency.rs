//! 8 threads × 100 verified spawns per backend: no ETXTBSY, no failure.
mod common;

use common::hammer;
use execsafe_cmd::{ExecBackend, etxtbsy_retries};

#[test]
fn temp_dir_backend_under_concurrency() {
    let before = etxtbsy_retries();
    hammer(ExecBackend::TempDir);
    // Every fork in this test binary goes through the library's fork lock, so the kernel
    // never saw a copy still open for writing (without the lock: ~17% of 800 failed).
    // (This file holds no test that forks outside the library; see foreign_forks.rs.)
    assert_eq!(
        etxtbsy_retries() - before,
        0,
        "ETXTBSY happened (and was retried)"
    );
}

#[test]
fn memfd_backend_under_concurrency() {
    let before = etxtbsy_retries();
    hammer(ExecBackend::Memfd);
    assert_eq!(
        etxtbsy_retries() - before,
        0,
        "memfd copies never hit ETXTBSY"
    );
}
