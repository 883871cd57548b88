//! Allowlisted child environments.
//!
//! # Threat model
//!
//! A parent process (a CI runner, an agent, a plug-in host) holds credentials in its
//! environment: cloud keys, tokens, proxy passwords. A child it runs must see only what it
//! needs. This crate builds that environment from the parent's, and nothing else:
//!
//! * **Allowlist, not denylist.** Only the 26 names of [`ALLOWED_ENV_VARS`] pass
//!   [`filter_env`], matched exactly (on Unix `Home` and `HOME` are different variables).
//! * **A fixed `PATH`.** [`safe_path`] is a constant; it never reads the environment.
//!   [`build_restricted_env`] always ends with exactly one `PATH`.
//! * **Proxy URLs without credentials.** Every `*_PROXY` variable (any case, except
//!   `NO_PROXY`) has its `userinfo@` removed; a value that cannot be stripped with certainty
//!   is dropped, never passed through ([`strip_url_credentials`] fails closed).
//! * **Secrets by name only.** [`validate_secret_name`] refuses names that control the
//!   dynamic linker or the runtime (`LD_`, `DYLD_`, `EPACK_`, `_`) and anything outside
//!   `[A-Za-z0-9_]`.
//! * **Nothing that loads code.** [`CODE_LOADING_VARS`] lists what the dynamic loader,
//!   glibc, shells and language runtimes read as code or code paths (`LD_AUDIT`,
//!   `BASH_ENV`, `PYTHONPATH`, `NODE_OPTIONS`, …), with [`is_code_loading_var`] to test a
//!   name; `execsafe-cmd` refuses them in secrets and extra variables.
//!
//! What it does **not** do: it does not execute anything, touch files, or decide which
//! secrets a child deserves — the caller names them. Values are never inspected except
//! proxy URLs, and no error or `Debug` output of this crate contains a value.
//!
//! It is pure code: no I/O, no `unsafe`, no global state.
//!
//! # Example
//!
//! ```
//! use execsafe_env::{build_restricted_env_safe, safe_path};
//! use std::ffi::OsString;
//!
//! let parent = [
//!     ("HOME", "/home/ci"),
//!     ("AWS_SECRET_ACCESS_KEY", "hunter2"),
//!     ("LD_PRELOAD", "/tmp/evil.so"),
//!     ("HTTPS_PROXY", "http://bob:s3cret@proxy.corp:3128"),
//!     ("PATH", "/home/ci/bin:/usr/bin"),
//! ];
//! let env = build_restricted_env_safe(parent, false);
//! let want: Vec<(OsString, OsString)> = [
//!     ("HOME", "/home/ci"),
//!     ("HTTPS_PROXY", "http://proxy.corp:3128"),
//!     ("PATH", safe_path()),
//! ]
//! .iter()
//! .map(|(k, v)| (k.into(), v.into()))
//! .collect();
//! assert_eq!(env, want);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod allowlist;
mod code_loading;
mod entry;
mod filter;
mod proxy;
mod restricted;
mod secrets;

pub use allowlist::{ALLOWED_ENV_VARS, DENIED_SECRET_PREFIXES, safe_path};
pub use code_loading::{
    CODE_LOADING_VARS, CodeLoader, CodeLoadingVar, code_loading_var, is_code_loading_var,
};
pub use entry::{EnvPair, dedup_last_wins, is_valid_env_key, is_valid_env_value, parse_entry};
pub use filter::filter_env;
pub use proxy::{is_proxy_key, strip_proxy_credentials, strip_url_credentials};
pub use restricted::{build_restricted_env, build_restricted_env_safe};
pub use secrets::{
    SecretNameError, append_allowed_secrets, filter_valid_secrets, validate_secret_name,
    validate_secret_names,
};
