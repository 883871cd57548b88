//! A process-wide lock between "a temp-dir copy is open for writing" and "this library
//! forks a child".
//!
//! A child forked by another thread inherits every fd of the parent until its own
//! `execve` closes the close-on-exec ones; if one of them is the write fd of a temp-dir
//! copy, executing that copy fails with `ETXTBSY` meanwhile (golang/go#22315). Writing a
//! copy takes the lock exclusively; spawning takes it shared. So no spawn of *this
//! library* can hold a copy's write fd; forks elsewhere in the process are covered by
//! the bounded retry in `spawn`. Memfd copies never need it (they are not executed
//! through a writable inode).

use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

static FORK_LOCK: RwLock<()> = RwLock::new(());

/// Held while a temp-dir copy is created, written and closed (exclusive).
pub(crate) fn writing_copy() -> RwLockWriteGuard<'static, ()> {
    FORK_LOCK
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Held while spawning (shared: spawns do not exclude each other).
pub(crate) fn spawning() -> RwLockReadGuard<'static, ()> {
    FORK_LOCK
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
