//! `BoundCommand`: a `std::process::Command` that cannot outlive the command it came from.

use std::fmt;
use std::io;
use std::ops::{Deref, DerefMut};
use std::process::{Command, ExitStatus};

use crate::child::VerifiedChild;
use crate::command::RestrictedCommand;

/// What [`RestrictedCommand::command`] returns: the `Command` it would spawn, borrowing
/// the `RestrictedCommand` so that the verified copy it names (`/proc/self/fd/N` for a
/// memfd) is alive for as long as this exists.
///
/// Derefs to `Command` for configuration. [`Self::spawn`] and [`Self::status`] shadow
/// `Command`'s: they take the fork lock, retry on `ETXTBSY` and return a
/// [`VerifiedChild`]. (`Command::output` through `Deref` skips the retry; prefer
/// `spawn()` + [`VerifiedChild::wait_with_output`].)
///
/// `Debug` shows the program, arguments and environment **keys**; std's `Command` Debug
/// would print every value.
pub struct BoundCommand<'a> {
    cmd: Command,
    owner: &'a RestrictedCommand,
    /// Setting the command up failed (a script memfd's `dup`): `spawn` reports it.
    setup: Option<io::Error>,
}

impl<'a> BoundCommand<'a> {
    pub(crate) fn new(
        cmd: Command,
        owner: &'a RestrictedCommand,
        setup: Option<io::Error>,
    ) -> Self {
        Self { cmd, owner, setup }
    }

    /// Spawns it through the owner's fork lock and `ETXTBSY` retry.
    ///
    /// # Errors
    ///
    /// The spawn error, with its subject named.
    pub fn spawn(&mut self) -> io::Result<VerifiedChild> {
        if let Some(e) = self.setup.take() {
            return Err(self.owner.explain(&e));
        }
        self.owner.spawn_command(&mut self.cmd)
    }

    /// Spawns it and waits.
    ///
    /// # Errors
    ///
    /// The spawn or wait error.
    pub fn status(&mut self) -> io::Result<ExitStatus> {
        self.spawn()?.wait()
    }
}

impl Deref for BoundCommand<'_> {
    type Target = Command;
    fn deref(&self) -> &Command {
        &self.cmd
    }
}

impl DerefMut for BoundCommand<'_> {
    fn deref_mut(&mut self) -> &mut Command {
        &mut self.cmd
    }
}

impl fmt::Debug for BoundCommand<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<_> = self.cmd.get_envs().map(|(k, _)| k).collect();
        f.debug_struct("BoundCommand")
            .field("program", &self.cmd.get_program())
            .field("args", &self.cmd.get_args().collect::<Vec<_>>())
            .field("env_keys", &keys)
            .field("dir", &self.cmd.get_current_dir())
            .finish_non_exhaustive()
    }
}
