//! Signals while execsafe verifies and while it waits for a child.

use std::process::Child;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGXFSZ};
use signal_hook::iterator::{Handle, Signals};

/// While alive, SIGINT/SIGTERM/SIGHUP/SIGQUIT no longer kill execsafe; each is forwarded
/// to the child (`kill(2)`), so the child decides, execsafe waits for it and then removes
/// the verified copy. (Ctrl-C in a terminal reaches the child directly too: it is in the
/// same foreground process group.)
pub(crate) struct Forwarder {
    handle: Handle,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Handlers installed **before verification starts**: a signal that arrives while the
/// copy is made is queued, not fatal, so the copy is always removed; [`Self::pending`]
/// tells `run` to stop instead of spawning.
pub(crate) struct Installed(Signals);

/// Installs the handlers. `None` if they cannot be installed (execsafe then keeps the
/// default behaviour). Also catches SIGXFSZ, so that a copy over `RLIMIT_FSIZE` fails
/// with `EFBIG` (a typed error, copy removed) instead of killing execsafe mid-copy. Caught
/// signals return to their default disposition in the program at `execve`.
pub(crate) fn install() -> Option<Installed> {
    let _ = signal_hook::flag::register(SIGXFSZ, Arc::new(AtomicBool::new(false)));
    Signals::new([SIGINT, SIGTERM, SIGHUP, SIGQUIT])
        .ok()
        .map(Installed)
}

impl Installed {
    /// The first termination signal received so far, if any.
    pub(crate) fn pending(&mut self) -> Option<i32> {
        self.0.pending().next()
    }

    /// Starts forwarding (queued signals first) to `child`.
    pub(crate) fn forward_to(self, child: &Child) -> Forwarder {
        let mut signals = self.0;
        let handle = signals.handle();
        let pid = rustix::process::Pid::from_child(child);
        let thread = std::thread::spawn(move || {
            for raw in signals.forever() {
                if let Some(sig) = rustix::process::Signal::from_named_raw(raw) {
                    // The child may have exited already; nothing to do then.
                    let _ = rustix::process::kill_process(pid, sig);
                }
            }
        });
        Forwarder {
            handle,
            thread: Some(thread),
        }
    }
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        self.handle.close();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
