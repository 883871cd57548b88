//! Keeping `/proc/<pid>/fd` of this process closed to other processes of the same user
//! while a memfd is still writable (Linux).
//!
//! A writable memfd can be opened by anyone who may open `/proc/<pid>/fd/N`, which for a
//! dumpable process includes every process of the same uid (an earlier untrusted child
//! still running in the background, say). Yama's `ptrace_scope` does not govern these
//! opens. A process that is not dumpable has its `/proc/<pid>` entries owned by root and
//! fails `ptrace_may_access` for everyone without `CAP_SYS_PTRACE`, so for as long as
//! any memfd of ours is writable, the process is made non-dumpable.
//!
//! The attribute is process-wide, so the guard is reference-counted: the first guard
//! records the previous value and sets `SUID_DUMP_DISABLE`, the last one to go restores
//! what was there (threads that verify at once overlap their windows correctly). A
//! process that already was non-dumpable stays so.

use std::sync::{Mutex, MutexGuard, PoisonError};

use rustix::process::{DumpableBehavior, dumpable_behavior, set_dumpable_behavior};

struct State {
    holders: usize,
    previous: Option<DumpableBehavior>,
}

static STATE: Mutex<State> = Mutex::new(State {
    holders: 0,
    previous: None,
});

/// Makes the process non-dumpable for the rest of its life: a guard dropped later
/// restores nothing (a live guard's recorded value becomes "not dumpable"; a later guard
/// records "not dumpable" itself). Syscall: `prctl(PR_SET_DUMPABLE, SUID_DUMP_DISABLE)`.
pub(crate) fn never_dumpable() -> rustix::io::Result<()> {
    let mut st = state();
    set_dumpable_behavior(DumpableBehavior::NotDumpable)?;
    st.previous = st.previous.map(|_| DumpableBehavior::NotDumpable);
    Ok(())
}

fn state() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// While alive, this process is not dumpable.
#[derive(Debug)]
#[must_use = "the process is dumpable again as soon as the guard is dropped"]
pub(crate) struct NotDumpable(());

impl NotDumpable {
    /// Syscalls: `prctl(PR_GET_DUMPABLE)` then `prctl(PR_SET_DUMPABLE, SUID_DUMP_DISABLE)`
    /// (first holder only).
    pub(crate) fn enter() -> rustix::io::Result<Self> {
        let mut st = state();
        if st.holders == 0 {
            let previous = dumpable_behavior()?;
            if previous != DumpableBehavior::NotDumpable {
                set_dumpable_behavior(DumpableBehavior::NotDumpable)?;
            }
            st.previous = Some(previous);
        }
        st.holders += 1;
        Ok(Self(()))
    }
}

impl Drop for NotDumpable {
    /// Syscall (last holder only, when the process was dumpable before):
    /// `prctl(PR_SET_DUMPABLE, previous)`.
    fn drop(&mut self) {
        let mut st = state();
        st.holders -= 1;
        if st.holders == 0
            && let Some(previous) = st.previous.take()
            && previous != DumpableBehavior::NotDumpable
        {
            // Cannot fail for a value PR_GET_DUMPABLE returned; nothing to report from Drop.
            let _ = set_dumpable_behavior(previous);
        }
    }
}
