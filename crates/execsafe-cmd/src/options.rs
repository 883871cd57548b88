//! `CommandOptions`: what a restricted command may receive.

use std::fmt;
use std::path::PathBuf;

use execsafe_env::EnvPair;

use crate::backend::ExecBackend;

/// Options of a [`RestrictedCommand`](crate::RestrictedCommand). `Default` is the secure
/// configuration (the Go zero value was not: it kept proxy credentials).
///
/// `Debug` shows `additional_env` keys only, never their values.
#[derive(Clone)]
pub struct CommandOptions {
    /// Pass the caller's `PATH` instead of the safe `PATH`. Default `false`.
    pub inherit_path: bool,
    /// Strip credentials from `*_PROXY` variables. Default `true`.
    pub strip_proxy_credentials: bool,
    /// Variables added after filtering, in order (later wins). Keys must be non-empty
    /// without `=` or NUL, values without NUL, and not a code-loading variable (unless
    /// `dangerously_allow_code_loading_env`). No allowlist applies; `PATH` may be set here.
    pub additional_env: Vec<EnvPair>,
    /// Names of variables to copy from the base environment, validated up front with
    /// `validate_secret_name` (an invalid name is an error); code-loading variables and
    /// `PATH` are refused (unless `dangerously_allow_code_loading_env`). Unset or empty
    /// ones are not passed.
    pub secrets: Vec<String>,
    /// The child's working directory. Default: inherited.
    pub work_dir: Option<PathBuf>,
    /// Where the verified copy lives (verified constructors only). Default `Auto`.
    pub backend: ExecBackend,
    /// Refuse binaries larger than this many bytes (verified constructors only). Default
    /// `None`. An addition to the Go options.
    pub max_size: Option<u64>,
    /// **Trusted callers only.** Let `secrets` and `additional_env` carry variables that
    /// make the child load other code (`LD_PRELOAD`, `BASH_ENV`, `PYTHONPATH`, … — see
    /// `execsafe_env::CODE_LOADING_VARS`) and `PATH` as a secret. Default `false`: such a
    /// name is an [`Error::CodeLoadingVar`](crate::Error::CodeLoadingVar) (or
    /// [`Error::SecretPath`](crate::Error::SecretPath)). With it set, the pin no longer
    /// says everything about what runs.
    pub dangerously_allow_code_loading_env: bool,
}

impl Default for CommandOptions {
    fn default() -> Self {
        Self {
            inherit_path: false,
            strip_proxy_credentials: true,
            additional_env: Vec::new(),
            secrets: Vec::new(),
            work_dir: None,
            backend: ExecBackend::Auto,
            max_size: None,
            dangerously_allow_code_loading_env: false,
        }
    }
}

impl fmt::Debug for CommandOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<_> = self.additional_env.iter().map(|(k, _)| k).collect();
        f.debug_struct("CommandOptions")
            .field("inherit_path", &self.inherit_path)
            .field("strip_proxy_credentials", &self.strip_proxy_credentials)
            .field("additional_env_keys", &keys)
            .field("secrets", &self.secrets)
            .field("work_dir", &self.work_dir)
            .field("backend", &self.backend)
            .field("max_size", &self.max_size)
            .field(
                "dangerously_allow_code_loading_env",
                &self.dangerously_allow_code_loading_env,
            )
            .finish()
    }
}
