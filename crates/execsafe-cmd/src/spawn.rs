//! Spawning with a bounded `ETXTBSY` retry.

use std::io;
use std::process::{Child, Command};
use std::time::Duration;

/// Spawn attempts before an `ETXTBSY` is returned to the caller.
const TRIES: u32 = 8;
/// First back-off; doubled after each `ETXTBSY` (0.5 ms … 64 ms, ~128 ms in total).
const FIRST_BACKOFF: Duration = Duration::from_micros(500);

/// `cmd.spawn()`, retried on `ETXTBSY`.
///
/// A temp-dir copy was just written through an fd; another thread of this process that
/// forks at that moment holds a duplicate of that fd until its own `execve`, and the
/// kernel refuses to execute a file open for writing. The window is short, so a few
/// retries clear it (see the concurrency tests). Memfd copies never hit it.
pub(crate) fn spawn_retrying(cmd: &mut Command) -> io::Result<Child> {
    let mut backoff = FIRST_BACKOFF;
    let mut tries = 1;
    loop {
        match cmd.spawn() {
            Err(e) if e.kind() == io::ErrorKind::ExecutableFileBusy && tries < TRIES => {
                std::thread::sleep(backoff);
                backoff *= 2;
                tries += 1;
            }
            other => return other,
        }
    }
}
