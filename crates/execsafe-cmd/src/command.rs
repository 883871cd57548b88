//! `RestrictedCommand`: a program, its arguments and exactly the environment it gets.

use std::ffi::{OsStr, OsString};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;

use command_fds::{CommandFdExt, FdMapping};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};

use execsafe_env::EnvPair;

use crate::backend::ExecBackend;
use crate::bound::BoundCommand;
use crate::child::VerifiedChild;
use crate::child_env::build_child_env;
use crate::error::Error;
use crate::options::CommandOptions;
use crate::spawn::spawn_retrying;
use crate::verified::{VerifiedBinary, parse_pin, verified_binary_with_limit};

/// A command to run with a restricted environment, optionally from a verified copy.
///
/// The child's environment is exactly [`RestrictedCommand::env`]: every spawn starts from
/// `env_clear()`. Precedence, later wins: restricted base (allowlist + `PATH`, proxy
/// credentials stripped unless disabled) → `additional_env` → secrets. Duplicates are
/// collapsed, last value wins.
///
/// A verified command holds a [`VerifiedBinary`] handle, so the copy lives at least as
/// long as the command, and a [`VerifiedChild`] of a `#!` script holds one too (its
/// interpreter opens the copy after `execve`). [`Self::cleanup`] consumes the command:
/// nothing can spawn its old path afterwards — this does not compile:
///
/// ```compile_fail
/// # use execsafe_cmd::{CommandOptions, RestrictedCommand};
/// let cmd = RestrictedCommand::new("/bin/true", [] as [&str; 0], &CommandOptions::default()).unwrap();
/// cmd.cleanup();
/// cmd.spawn(); // error[E0382]: borrow of moved value: `cmd`
/// ```
///
/// `Debug` shows the environment's keys, never its values.
///
/// The host's own environment is another matter: any process of the same user — a child
/// included — can read `/proc/<host pid>/environ` while the host is dumpable. A host that
/// holds credentials a child must not see should make itself non-dumpable
/// (`prctl(PR_SET_DUMPABLE, 0)`; the `execsafe` CLI does) or not hold them in its
/// environment.
pub struct RestrictedCommand {
    program: PathBuf,
    arg0: OsString,
    args: Vec<OsString>,
    env: Vec<EnvPair>,
    dir: Option<PathBuf>,
    verified: Option<VerifiedBinary>,
}

impl std::fmt::Debug for RestrictedCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: Vec<_> = self.env.iter().map(|(k, _)| k).collect();
        f.debug_struct("RestrictedCommand")
            .field("program", &self.program)
            .field("arg0", &self.arg0)
            .field("args", &self.args)
            .field("env_keys", &keys)
            .field("dir", &self.dir)
            .field("verified", &self.verified)
            .finish()
    }
}

impl RestrictedCommand {
    /// A command running `binary_path` as is (no verification), with the environment built
    /// from this process's (`std::env::vars_os()`).
    ///
    /// # Errors
    ///
    /// Those of [`build_child_env`] and [`Error::WorkDir`].
    pub fn new<A, S>(
        binary_path: impl AsRef<Path>,
        args: A,
        opts: &CommandOptions,
    ) -> Result<Self, Error>
    where
        A: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Self::with_environ(binary_path, args, opts, std::env::vars_os())
    }

    /// Like [`Self::new`], with the base environment given explicitly.
    ///
    /// # Errors
    ///
    /// As [`Self::new`].
    pub fn with_environ<A, S, E, K, V>(
        binary_path: impl AsRef<Path>,
        args: A,
        opts: &CommandOptions,
        environ: E,
    ) -> Result<Self, Error>
    where
        A: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
        E: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        let env = build_child_env(opts, environ)?;
        if let Some(dir) = &opts.work_dir {
            check_work_dir(dir)?;
        }
        let path = binary_path.as_ref();
        Ok(Self {
            program: path.into(),
            arg0: path.into(),
            args: args.into_iter().map(|a| a.as_ref().to_owned()).collect(),
            env,
            dir: opts.work_dir.clone(),
            verified: None,
        })
    }

    /// A command running a **verified copy** of `binary_path`, pinned by
    /// `expected_digest`, with the environment built from this process's.
    ///
    /// Order: the digest is parsed, the options validated, then the binary verified into
    /// `opts.backend` (see `verified_binary_with_limit`). The child's `argv[0]` is the
    /// original path, so multi-call binaries keep working.
    ///
    /// # Errors
    ///
    /// Those of [`Self::new`] and of the verification.
    pub fn new_verified<A, S>(
        binary_path: impl AsRef<Path>,
        expected_digest: &str,
        args: A,
        opts: &CommandOptions,
    ) -> Result<Self, Error>
    where
        A: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Self::new_verified_with_environ(
            binary_path,
            expected_digest,
            args,
            opts,
            std::env::vars_os(),
        )
    }

    /// Like [`Self::new_verified`], with the base environment given explicitly.
    ///
    /// # Errors
    ///
    /// As [`Self::new_verified`].
    pub fn new_verified_with_environ<A, S, E, K, V>(
        binary_path: impl AsRef<Path>,
        expected_digest: &str,
        args: A,
        opts: &CommandOptions,
        environ: E,
    ) -> Result<Self, Error>
    where
        A: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
        E: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        let path = binary_path.as_ref();
        let expected = parse_pin(path, expected_digest)?;
        let cmd = Self::with_environ(path, args, opts, environ)?;
        let verified = verified_binary_with_limit(path, &expected, opts.backend, opts.max_size)?;
        Ok(cmd.running(verified))
    }

    /// A command running an already verified copy (from [`crate::verified_binary_with`]
    /// or a [`crate::VerifiedCache`]), with the environment built from this process's.
    /// `argv[0]` is the handle's [`VerifiedBinary::original_path`]; `opts.backend` and
    /// `opts.max_size` do not apply.
    ///
    /// # Errors
    ///
    /// As [`Self::new`].
    pub fn from_verified<A, S>(
        verified: VerifiedBinary,
        args: A,
        opts: &CommandOptions,
    ) -> Result<Self, Error>
    where
        A: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Self::from_verified_with_environ(verified, args, opts, std::env::vars_os())
    }

    /// Like [`Self::from_verified`], with the base environment given explicitly.
    ///
    /// # Errors
    ///
    /// As [`Self::new`].
    pub fn from_verified_with_environ<A, S, E, K, V>(
        verified: VerifiedBinary,
        args: A,
        opts: &CommandOptions,
        environ: E,
    ) -> Result<Self, Error>
    where
        A: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
        E: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        let cmd = Self::with_environ(verified.original_path(), args, opts, environ)?;
        Ok(cmd.running(verified))
    }

    fn running(mut self, verified: VerifiedBinary) -> Self {
        verified.exec_path().clone_into(&mut self.program);
        verified
            .original_path()
            .as_os_str()
            .clone_into(&mut self.arg0);
        self.verified = Some(verified);
        self
    }

    /// What will be executed: the verified copy, or the path given.
    pub fn path(&self) -> &Path {
        &self.program
    }

    /// The arguments after `argv[0]`.
    pub fn args(&self) -> &[OsString] {
        &self.args
    }

    /// The complete child environment, de-duplicated, last wins.
    pub fn env(&self) -> &[EnvPair] {
        &self.env
    }

    /// The working directory, if set.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The verified copy, for the verified constructors.
    pub fn verified(&self) -> Option<&VerifiedBinary> {
        self.verified.as_ref()
    }

    /// A `std::process::Command` with `env_clear()`, then exactly [`Self::env`], the
    /// arguments, `current_dir` if set, and `argv[0]` = the original path, **borrowing
    /// this command** so it cannot outlive the verified copy it names. Configure stdio or
    /// anything else through `DerefMut`; its own `spawn` and `status` go through the fork
    /// lock and the `ETXTBSY` retry. A `BoundCommand` cannot outlive its command — this
    /// does not compile:
    ///
    /// ```compile_fail
    /// # use execsafe_cmd::{CommandOptions, RestrictedCommand};
    /// let bound = {
    ///     let cmd = RestrictedCommand::new("/bin/true", [] as [&str; 0], &CommandOptions::default()).unwrap();
    ///     cmd.command() // error[E0597]: `cmd` does not live long enough
    /// };
    /// ```
    ///
    /// For a `#!` script in a memfd the `Command` also passes the sealed memfd to the
    /// child at its number (see [`ExecBackend::Memfd`]); if that `dup` fails (`EMFILE`)
    /// the returned command's own `spawn`/`status` report it.
    pub fn command(&self) -> BoundCommand<'_> {
        match self.std_command() {
            Ok(cmd) => BoundCommand::new(cmd, self, None),
            Err(e) => {
                let mut bare = Command::new(&self.program);
                bare.env_clear();
                BoundCommand::new(bare, self, Some(e))
            }
        }
    }

    /// The `Command`: `env_clear()` then exactly [`Self::env`], the arguments, `argv[0]`,
    /// `current_dir`; for a memfd script, the sealed fd mapped to the same number in the
    /// child (command-fds: `dup` here, `dup2` onto N — which clears close-on-exec on N —
    /// in the child between `fork` and `execve`).
    pub(crate) fn std_command(&self) -> io::Result<Command> {
        let mut cmd = Command::new(&self.program);
        cmd.arg0(&self.arg0)
            .args(&self.args)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        if let Some(dir) = &self.dir {
            cmd.current_dir(dir);
        }
        if let Some(fd) = self.verified.as_ref().and_then(VerifiedBinary::inherit_fd) {
            let mapping = FdMapping {
                parent_fd: fd.try_clone_to_owned()?,
                child_fd: fd.as_raw_fd(),
            };
            cmd.fd_mappings(vec![mapping])
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        }
        Ok(cmd)
    }

    /// Spawns the command: under the fork lock, retrying up to 7 times (0.5 ms doubling,
    /// ~63.5 ms in all) on `ETXTBSY`, which a temp-dir copy can hit while another thread
    /// forks. Errors name what is missing: the program, a script's interpreter, the
    /// working directory; an `EACCES` from a temp-dir copy is reported as a possible
    /// `noexec` mount.
    ///
    /// # Errors
    ///
    /// The spawn error.
    pub fn spawn(&self) -> io::Result<VerifiedChild> {
        self.spawn_with(|_| {})
    }

    /// Like [`Self::spawn`], after `configure` has adjusted the `Command` (stdio, process
    /// group, …). Do not change its program, arguments or environment there.
    ///
    /// # Errors
    ///
    /// The spawn error.
    pub fn spawn_with(&self, configure: impl FnOnce(&mut Command)) -> io::Result<VerifiedChild> {
        let mut cmd = self.std_command().map_err(|e| self.explain(&e))?;
        configure(&mut cmd);
        self.spawn_command(&mut cmd)
    }

    pub(crate) fn spawn_command(&self, cmd: &mut Command) -> io::Result<VerifiedChild> {
        let child = spawn_retrying(|| cmd.spawn()).map_err(|e| self.explain(&e))?;
        Ok(VerifiedChild::new(child, self.copy_for_child()))
    }

    /// The handle a child must keep: a script's copy is opened by its interpreter after
    /// `execve`; an ELF binary is loaded by the time the spawn returns.
    pub(crate) fn copy_for_child(&self) -> Option<VerifiedBinary> {
        self.verified.as_ref().filter(|v| v.is_script()).cloned()
    }

    /// Spawns and waits.
    ///
    /// # Errors
    ///
    /// The spawn or wait error.
    pub fn status(&self) -> io::Result<ExitStatus> {
        self.spawn()?.wait()
    }

    /// Spawns with stdin null and stdout/stderr captured, and waits.
    ///
    /// # Errors
    ///
    /// The spawn or wait error.
    pub fn output(&self) -> io::Result<Output> {
        self.spawn_with(|cmd| {
            cmd.stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
        })?
        .wait_with_output()
    }

    /// Whether [`Self::exec_in_place`] may be used: nothing would be left to clean up (no
    /// copy, the file itself, or a memfd copy, which the kernel — and for a script, the
    /// interpreter's inherited fd — holds once it is executing).
    pub fn can_exec_in_place(&self) -> bool {
        self.verified
            .as_ref()
            .is_none_or(|v| v.backend() != ExecBackend::TempDir)
    }

    /// Replaces the current process with the command (`execve`: same PID, the program's
    /// own signals and exit status, like `env(1)`). Returns only on failure.
    ///
    /// Refused (`Unsupported`) when [`Self::can_exec_in_place`] is false: a temp-dir
    /// copy would be left behind with nobody to remove it. `ETXTBSY` is retried as in
    /// [`Self::spawn`]. A memfd copy or an in-place file is executed through
    /// `/proc/self/fd/N`; the kernel opens it before close-on-exec fds are closed. For a
    /// memfd script, close-on-exec is cleared on N right before `execve` (the
    /// interpreter opens `/proc/self/fd/N` after it), and set again if `execve` fails.
    #[doc(alias = "execve")]
    pub fn exec_in_place(&self) -> io::Error {
        if !self.can_exec_in_place() {
            return io::Error::new(
                io::ErrorKind::Unsupported,
                format!(
                    "{}: a temp-dir copy cannot be executed in place (nobody would remove it)",
                    self.arg0.to_string_lossy()
                ),
            );
        }
        let mut cmd = match self.std_command() {
            Ok(cmd) => cmd,
            Err(e) => return self.explain(&e),
        };
        // The same bounded ETXTBSY retry as `spawn` (a process that holds the file open
        // for writing makes execve fail); `exec` returns only on failure.
        let Err(e) = spawn_retrying(|| Err::<std::convert::Infallible, _>(cmd.exec()));
        if let Some(fd) = self.verified.as_ref().and_then(VerifiedBinary::inherit_fd) {
            // fcntl(F_SETFD, FD_CLOEXEC): later children of this process must not get it.
            let _ = rustix::io::fcntl_setfd(fd, rustix::io::FdFlags::CLOEXEC);
        }
        self.explain(&e)
    }

    /// Drops the command and its handle on the verified copy (the copy goes with the last
    /// handle). Consumes `self`: nothing can spawn the old path afterwards.
    pub fn cleanup(self) {
        drop(self);
    }

    /// A spawn error with its subject named.
    pub(crate) fn explain(&self, e: &io::Error) -> io::Error {
        let kind = e.kind();
        let temp_dir = self
            .verified
            .as_ref()
            .is_some_and(|v| v.backend() == ExecBackend::TempDir);
        let shown = self.arg0.to_string_lossy();
        let message = match kind {
            io::ErrorKind::NotFound => {
                if let Some(dir) = self.dir.as_ref().filter(|d| !d.is_dir()) {
                    format!("working directory {} does not exist", dir.display())
                } else if let Some(interp) = self.verified.as_ref().and_then(|v| v.interpreter()) {
                    format!(
                        "{shown}: interpreter {} not found (named on its #! line)",
                        interp.display()
                    )
                } else {
                    format!("{shown}: {e}")
                }
            }
            io::ErrorKind::PermissionDenied if temp_dir => format!(
                "{shown}: {e} (is the temp dir mounted noexec? set TMPDIR or use the memfd backend)"
            ),
            _ => format!("{shown}: {e}"),
        };
        io::Error::new(kind, message)
    }
}

/// `stat(dir)`: must exist and be a directory.
fn check_work_dir(dir: &Path) -> Result<(), Error> {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(Error::WorkDir {
            dir: dir.into(),
            source: io::Error::from(io::ErrorKind::NotADirectory),
        }),
        Err(source) => Err(Error::WorkDir {
            dir: dir.into(),
            source,
        }),
    }
}
