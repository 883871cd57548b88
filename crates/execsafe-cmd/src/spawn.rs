//! Spawning with a bounded `ETXTBSY` retry.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Spawn attempts before an `ETXTBSY` is returned to the caller: the first and 7 retries.
const TRIES: u32 = 8;
/// First back-off; doubled after each `ETXTBSY` (0.5, 1, … 32 ms: ~63.5 ms in total).
const FIRST_BACKOFF: Duration = Duration::from_micros(500);

static RETRIES: AtomicU64 = AtomicU64::new(0);

/// How many times, in this process so far, a spawn of a [`RestrictedCommand`] was
/// retried because the kernel answered `ETXTBSY` (a diagnostic: with the fork lock it
/// stays 0 unless other code in the process forks while a temp-dir copy is written).
///
/// [`RestrictedCommand`]: crate::RestrictedCommand
pub fn etxtbsy_retries() -> u64 {
    RETRIES.load(Ordering::Relaxed)
}

/// `spawn()` (a std or tokio `Command::spawn`) under the shared fork lock, retried on
/// `ETXTBSY`.
///
/// A temp-dir copy is written through an fd; a thread of this process that forks at that
/// moment holds a duplicate of that fd until its own `execve`, and the kernel refuses to
/// execute a file open for writing. The fork lock keeps this library's own spawns out of
/// that window; the bounded retry covers forks made elsewhere in the process. Memfd
/// copies never hit it.
pub(crate) fn spawn_retrying<T>(mut spawn: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    let mut backoff = FIRST_BACKOFF;
    let mut tries = 1;
    loop {
        let spawned = {
            let _shared = crate::fork_lock::spawning();
            spawn()
        };
        match spawned {
            Err(e) if e.kind() == io::ErrorKind::ExecutableFileBusy && tries < TRIES => {
                RETRIES.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(backoff);
                backoff *= 2;
                tries += 1;
            }
            other => return other,
        }
    }
}
