//! Removing private temp dirs left behind by processes that died (SIGKILL, a crash).
//!
//! Every live [`SecureTempDir`](crate::SecureTempDir) holds an exclusive `flock` on its
//! own directory fd for its whole life; the kernel drops the lock when the process dies,
//! whatever killed it, and PID reuse cannot fake it. A directory of ours whose lock can be
//! taken therefore belongs to nobody — with one exception: a live creator takes its lock
//! just after `mkdirat`, before it puts anything inside, so an *empty* unlocked directory
//! may be brand new. Those are left alone unless they are older than [`EMPTY_GRACE`].

use std::ffi::CStr;
use std::os::fd::{AsFd, BorrowedFd};
use std::time::{Duration, SystemTime};

use rustix::fs::{AtFlags, Dir, FlockOperation, Mode, OFlags};

use crate::remove::remove_contents;

/// How old an empty, unlocked directory must be before it is taken for abandoned.
const EMPTY_GRACE: Duration = Duration::from_secs(60);

/// Best effort: removes every `<prefix>*` directory in `base` that is owned by the euid
/// and whose `flock` can be taken (see the module docs). Errors are ignored: reaping
/// never makes creating a new directory fail.
///
/// Syscalls: `openat(base, ".")` + `getdents64`; per candidate
/// `openat(base, name, O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC)`, `fstat` (owner),
/// `flock(LOCK_EX|LOCK_NB)`, then `remove_contents` and `unlinkat(base, name,
/// AT_REMOVEDIR)`.
pub(crate) fn reap_stale(base: BorrowedFd<'_>, prefix: &str) {
    let Ok(dir) = Dir::read_from(base) else {
        return;
    };
    let names: Vec<_> = dir
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_owned())
        .filter(|n| n.to_bytes().starts_with(prefix.as_bytes()))
        .collect();
    for name in names {
        reap_one(base, &name);
    }
}

fn reap_one(base: BorrowedFd<'_>, name: &CStr) {
    let Ok(fd) = rustix::fs::openat(
        base,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    ) else {
        return;
    };
    let Ok(st) = rustix::fs::fstat(&fd) else {
        return;
    };
    if st.st_uid != rustix::process::geteuid().as_raw() {
        return;
    }
    if rustix::fs::flock(&fd, FlockOperation::NonBlockingLockExclusive).is_err() {
        return; // alive
    }
    if is_empty(fd.as_fd()) && !older_than(&st, EMPTY_GRACE) {
        return; // possibly a creator between mkdirat and flock
    }
    if remove_contents(fd.as_fd(), 0).is_ok() {
        let _ = rustix::fs::unlinkat(base, name, AtFlags::REMOVEDIR);
    }
}

fn is_empty(dir: BorrowedFd<'_>) -> bool {
    Dir::read_from(dir).is_ok_and(|d| {
        d.filter_map(Result::ok)
            .all(|e| e.file_name() == c"." || e.file_name() == c"..")
    })
}

fn older_than(st: &rustix::fs::Stat, age: Duration) -> bool {
    let mtime = u64::try_from(crate::stat::mtime_secs(st)).unwrap_or(0);
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .is_ok_and(|now| now.as_secs().saturating_sub(mtime) > age.as_secs())
}
