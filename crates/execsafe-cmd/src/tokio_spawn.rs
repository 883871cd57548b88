//! Spawning from tokio (feature `tokio`).

use std::io;

use crate::child::TokioChild;
use crate::command::RestrictedCommand;
use crate::spawn::spawn_retrying;

impl RestrictedCommand {
    /// Like [`Self::spawn`], as a `tokio::process::Child` (wait for it with `.await`).
    /// Must be called within a tokio runtime with the `process` driver.
    ///
    /// The spawn itself is synchronous, as tokio's is; an `ETXTBSY` retry sleeps the
    /// calling thread (at most ~63.5 ms in all, temp-dir copies only).
    ///
    /// # Errors
    ///
    /// The spawn error, with its subject named.
    pub fn spawn_tokio(&self) -> io::Result<TokioChild> {
        self.spawn_tokio_with(|_| {})
    }

    /// Like [`Self::spawn_tokio`], after `configure` has adjusted the command (stdio,
    /// `kill_on_drop`, …). Do not change its program, arguments or environment there.
    ///
    /// # Errors
    ///
    /// The spawn error, with its subject named.
    pub fn spawn_tokio_with(
        &self,
        configure: impl FnOnce(&mut tokio::process::Command),
    ) -> io::Result<TokioChild> {
        let mut cmd =
            tokio::process::Command::from(self.std_command().map_err(|e| self.explain(&e))?);
        configure(&mut cmd);
        let child = spawn_retrying(|| cmd.spawn()).map_err(|e| self.explain(&e))?;
        Ok(TokioChild::new(child, self.copy_for_child()))
    }
}
