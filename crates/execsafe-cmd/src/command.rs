//! `RestrictedCommand`: a program, its arguments and exactly the environment it gets.

use std::ffi::{OsStr, OsString};
use std::io;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};

use execsafe_digest::parse_digest;
use execsafe_env::{
    EnvPair, append_allowed_secrets, build_restricted_env, build_restricted_env_safe,
    dedup_last_wins, is_valid_env_key, is_valid_env_value, validate_secret_name,
};

use crate::backend::ExecBackend;
use crate::error::Error;
use crate::options::CommandOptions;
use crate::spawn::spawn_retrying;
use crate::verified::{VerifiedBinary, verified_binary_with_limit};

/// A command to run with a restricted environment, optionally from a verified copy.
///
/// The child's environment is exactly [`RestrictedCommand::env`]: [`Self::command`] calls
/// `env_clear()` first. Precedence, later wins: restricted base (allowlist + `PATH`, proxy
/// credentials stripped unless disabled) → `additional_env` → secrets. Duplicates are
/// collapsed, last value wins.
///
/// A verified copy is removed by [`Self::cleanup`] or on `Drop`; keep the command alive
/// until the child has exited ([`Self::status`] and [`Self::output`] do).
///
/// `Debug` shows the environment's keys, never its values.
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
    /// [`Error::InvalidEnvKey`], [`Error::InvalidEnvValue`], [`Error::InvalidSecretName`].
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
        let expected = parse_digest(expected_digest).map_err(Error::InvalidDigest)?;
        let mut cmd = Self::with_environ(binary_path.as_ref(), args, opts, environ)?;
        let verified =
            verified_binary_with_limit(binary_path, &expected, opts.backend, opts.max_size)?;
        verified.exec_path().clone_into(&mut cmd.program);
        cmd.verified = Some(verified);
        Ok(cmd)
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

    /// The verified copy, for the verified constructors (until [`Self::cleanup`]).
    pub fn verified(&self) -> Option<&VerifiedBinary> {
        self.verified.as_ref()
    }

    /// A `std::process::Command`: `env_clear()`, then exactly [`Self::env`], the
    /// arguments, `current_dir` if set, and `argv[0]` = the original path.
    ///
    /// The returned `Command` names the verified copy by path (`/proc/self/fd/N` for a
    /// memfd): spawn it **while this `RestrictedCommand` is alive**. After it is dropped
    /// the copy is gone and, for a memfd, fd `N` may name another file. [`Self::spawn`],
    /// [`Self::status`] and [`Self::output`] cannot be misused that way.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.arg0(&self.arg0)
            .args(&self.args)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        if let Some(dir) = &self.dir {
            cmd.current_dir(dir);
        }
        cmd
    }

    /// Spawns [`Self::command`], retrying up to 8 times (0.5 ms doubling) on `ETXTBSY`,
    /// which a temp-dir copy can hit while another thread forks. An `EACCES` from a
    /// temp-dir copy is reported as a possible `noexec` mount.
    ///
    /// # Errors
    ///
    /// The spawn error.
    pub fn spawn(&self) -> io::Result<Child> {
        self.spawn_with(&mut self.command())
    }

    fn spawn_with(&self, cmd: &mut Command) -> io::Result<Child> {
        spawn_retrying(cmd).map_err(|e| {
            let temp_dir = self
                .verified
                .as_ref()
                .is_some_and(|v| v.backend() == ExecBackend::TempDir);
            if temp_dir && e.kind() == io::ErrorKind::PermissionDenied {
                io::Error::new(
                    e.kind(),
                    format!(
                        "{e} (is the temp dir mounted noexec? set TMPDIR or use the memfd backend)"
                    ),
                )
            } else {
                e
            }
        })
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
        let mut cmd = self.command();
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        self.spawn_with(&mut cmd)?.wait_with_output()
    }

    /// Removes the verified copy now. Idempotent; `Drop` does it too. Spawning afterwards
    /// fails (the program is gone).
    pub fn cleanup(&mut self) {
        self.verified = None;
    }
}

/// The environment a [`RestrictedCommand`] built from `opts` and `environ` gives its
/// child, without a program: base → `additional_env` → secrets, de-duplicated last-wins
/// at the first position. Useful to show or log it (the CLI's `execsafe env`).
///
/// # Errors
///
/// [`Error::InvalidEnvKey`], [`Error::InvalidEnvValue`], [`Error::InvalidSecretName`].
pub fn build_child_env<E, K, V>(opts: &CommandOptions, environ: E) -> Result<Vec<EnvPair>, Error>
where
    E: IntoIterator<Item = (K, V)>,
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    for (k, v) in &opts.additional_env {
        if !is_valid_env_key(k) {
            return Err(Error::InvalidEnvKey {
                key: k.to_string_lossy().into_owned(),
            });
        }
        if !is_valid_env_value(v) {
            return Err(Error::InvalidEnvValue {
                key: k.to_string_lossy().into_owned(),
            });
        }
    }
    for name in &opts.secrets {
        validate_secret_name(name).map_err(Error::InvalidSecretName)?;
    }
    let environ: Vec<EnvPair> = environ
        .into_iter()
        .map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned()))
        .collect();
    let mut all = if opts.strip_proxy_credentials {
        build_restricted_env_safe(environ.iter().map(|(k, v)| (k, v)), opts.inherit_path)
    } else {
        build_restricted_env(environ.iter().map(|(k, v)| (k, v)), opts.inherit_path)
    };
    all.extend(opts.additional_env.iter().cloned());
    // Secrets come from the base environment: the last occurrence, as a child would see
    // it; unset, empty and NUL-containing values are not passed.
    append_allowed_secrets(&mut all, &opts.secrets, |name| {
        environ
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .filter(|v| is_valid_env_value(v))
    });
    Ok(dedup_last_wins(all))
}
