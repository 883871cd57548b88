//! Children that keep what they run alive.

use std::io;
use std::ops::{Deref, DerefMut};
use std::process::{Child, Output};

use crate::verified::VerifiedBinary;

/// A spawned child of a [`RestrictedCommand`](crate::RestrictedCommand). Derefs to
/// `std::process::Child`.
///
/// For a `#!` script it holds a handle on the verified copy until it is dropped (or
/// [`Self::wait_with_output`] returns): the interpreter opens the copy by path *after*
/// `execve`, so `RestrictedCommand::new_verified(script, …)?.spawn()?` works even though
/// the command is a temporary. An ELF binary has been loaded by the kernel by the time
/// the spawn returns, so its copy need not outlive the command (a temp-dir copy is then
/// removed as soon as the command goes).
#[derive(Debug)]
pub struct VerifiedChild {
    child: Child,
    copy: Option<VerifiedBinary>,
}

impl VerifiedChild {
    pub(crate) fn new(child: Child, copy: Option<VerifiedBinary>) -> Self {
        Self { child, copy }
    }

    /// The verified copy this child keeps alive, if it needs one.
    pub fn copy(&self) -> Option<&VerifiedBinary> {
        self.copy.as_ref()
    }

    /// `Child::wait_with_output`, then the handle is released.
    ///
    /// # Errors
    ///
    /// The wait error.
    pub fn wait_with_output(self) -> io::Result<Output> {
        let Self { child, copy } = self;
        let out = child.wait_with_output();
        drop(copy);
        out
    }
}

impl Deref for VerifiedChild {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.child
    }
}

impl DerefMut for VerifiedChild {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.child
    }
}

/// A child spawned with `spawn_tokio`; derefs to `tokio::process::Child` and keeps a
/// script's verified copy alive like [`VerifiedChild`].
#[cfg(feature = "tokio")]
#[derive(Debug)]
pub struct TokioChild {
    child: tokio::process::Child,
    copy: Option<VerifiedBinary>,
}

#[cfg(feature = "tokio")]
impl TokioChild {
    pub(crate) fn new(child: tokio::process::Child, copy: Option<VerifiedBinary>) -> Self {
        Self { child, copy }
    }

    /// The verified copy this child keeps alive, if it needs one.
    pub fn copy(&self) -> Option<&VerifiedBinary> {
        self.copy.as_ref()
    }

    /// `tokio::process::Child::wait_with_output`, then the handle is released.
    ///
    /// # Errors
    ///
    /// The wait error.
    pub async fn wait_with_output(self) -> io::Result<Output> {
        let Self { child, copy } = self;
        let out = child.wait_with_output().await;
        drop(copy);
        out
    }
}

#[cfg(feature = "tokio")]
impl Deref for TokioChild {
    type Target = tokio::process::Child;
    fn deref(&self) -> &tokio::process::Child {
        &self.child
    }
}

#[cfg(feature = "tokio")]
impl DerefMut for TokioChild {
    fn deref_mut(&mut self) -> &mut tokio::process::Child {
        &mut self.child
    }
}
