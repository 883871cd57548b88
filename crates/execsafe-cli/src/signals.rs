//! Forwarding termination signals to the child while execsafe waits for it.

use std::process::Child;

use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use signal_hook::iterator::{Handle, Signals};

/// While alive, SIGINT/SIGTERM/SIGHUP/SIGQUIT no longer kill execsafe; each is forwarded
/// to the child (`kill(2)`), so the child decides, execsafe waits for it and then removes
/// the verified copy. (Ctrl-C in a terminal reaches the child directly too: it is in the
/// same foreground process group.)
pub(crate) struct Forwarder {
    handle: Handle,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Handlers installed before the child is spawned: a signal that arrives in between is
/// queued, not fatal.
pub(crate) struct Installed(Signals);

/// Installs the handlers. `None` if they cannot be installed (execsafe then keeps the
/// default behaviour).
pub(crate) fn install() -> Option<Installed> {
    Signals::new([SIGINT, SIGTERM, SIGHUP, SIGQUIT])
        .ok()
        .map(Installed)
}

impl Installed {
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
