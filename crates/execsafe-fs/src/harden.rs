//! Hardening the host process before it runs untrusted children.

use std::io;
use std::os::fd::RawFd;

/// The first call of a host that runs untrusted children: what `std::process::Command`
/// cannot do without `unsafe`, done once for the whole process.
///
/// 1. **Non-dumpable for the rest of the process's life** (`prctl(PR_SET_DUMPABLE,
///    SUID_DUMP_DISABLE)`; the memfd guard never restores dumpability afterwards): its
///    `/proc/<pid>/environ`, `mem`, `maps` and `fd/` become root's, and no process of the
///    same uid can `ptrace` it — with Yama absent or `ptrace_scope=0`, the only thing
///    that stands between an earlier untrusted child and this process's credentials.
/// 2. **Close-on-exec on every inherited fd ≥ 3 not in `keep_fds`** (sudo's default): a
///    secret file or a pipe that a shell or CI runner left open is not passed to any
///    child. Through `close_fds::set_fds_cloexec_threadsafe`: `close_range(3, ~0,
///    CLOSE_RANGE_CLOEXEC)` between the kept fds on Linux ≥ 5.11 (no procfs needed),
///    else a walk of `/proc/self/fd` (or `/dev/fd`), else every possible fd up to
///    `RLIMIT_NOFILE`, each with `fcntl(F_SETFD, FD_CLOEXEC)`.
///
/// Fds opened later by this process are its own business: std opens everything
/// close-on-exec. Kept fds that are not open are ignored (the `execsafe` CLI refuses them
/// before calling this).
///
/// What the library cannot do for a host that does not call this: a child of the same
/// uid can read the host's `/proc/<pid>/environ` (its credentials) and attach to it with
/// `ptrace` where Yama allows, and every fd the host inherited without close-on-exec
/// reaches every child it spawns.
///
/// Off Linux only step 2 applies (there is no `/proc/<pid>/environ` to close).
///
/// # Errors
///
/// The `prctl` error (Linux).
///
/// ```
/// // First thing in main(), before any thread starts:
/// execsafe_fs::harden_process(&[])?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[doc(alias = "PR_SET_DUMPABLE")]
#[doc(alias = "close_range")]
pub fn harden_process(keep_fds: &[RawFd]) -> io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    crate::dumpable::never_dumpable()?;
    let mut keep: Vec<RawFd> = keep_fds.iter().copied().filter(|&fd| fd >= 3).collect();
    keep.sort_unstable();
    keep.dedup();
    close_fds::set_fds_cloexec_threadsafe(3, &keep);
    Ok(())
}

/// The open fds of this process from `min_fd` on (ascending), e.g. to check that a fd to
/// be kept is open. Through `close_fds::iter_open_fds_threadsafe`: `/proc/self/fd` (or
/// `/dev/fd`) where mounted, else `fcntl(F_GETFD)` on every possible fd up to
/// `RLIMIT_NOFILE`.
pub fn open_fds(min_fd: RawFd) -> Vec<RawFd> {
    close_fds::iter_open_fds_threadsafe(min_fd).collect()
}
