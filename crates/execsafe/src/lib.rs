//! Run pinned binaries safely: **the bytes that run are the bytes whose SHA-256 you
//! pinned, and the child sees no credential you did not hand it.**
//!
//! A complete example — verify, run, clean up:
//!
//! ```
//! use execsafe::{CommandOptions, RestrictedCommand, hash_reader};
//! # let path = if std::path::Path::new("/usr/bin/env").exists() { "/usr/bin/env" } else { "/bin/env" };
//! // The pin normally comes from a lockfile; here we compute it for the demo.
//! let pin = hash_reader(std::fs::File::open(path)?)?.0.to_string();
//!
//! let opts = CommandOptions { secrets: vec!["GITHUB_TOKEN".into()], ..Default::default() };
//! let parent_env = [("HOME", "/home/ci"), ("GITHUB_TOKEN", "ghs_x"), ("LD_PRELOAD", "/evil.so")];
//! let cmd = RestrictedCommand::new_verified_with_environ(path, &pin, [] as [&str; 0], &opts, parent_env)?;
//! let out = cmd.output()?;                       // runs the verified copy, env_clear()ed
//! let text = String::from_utf8_lossy(&out.stdout);
//! assert!(text.contains("GITHUB_TOKEN=ghs_x") && !text.contains("LD_PRELOAD"));
//! drop(cmd);                                     // the verified copy is removed
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! This crate is a facade: it contains no code besides `pub use`. Each layer is a crate
//! of its own that can be audited and depended on alone:
//!
//! * [`env`](mod@env) (`execsafe-env`): allowlisted environment, safe `PATH`, proxy credential
//!   stripping, secret names. Pure.
//! * [`digest`] (`execsafe-digest`): strict `sha256:<hex>` digests, the tee-hash copier.
//! * [`fs`] (`execsafe-fs`, Unix): no-follow opens, private temp dirs, sealed memfds.
//! * [`cmd`] (`execsafe-cmd`, Unix): verified binaries and `RestrictedCommand`.
//!
//! Every public item of the four is also re-exported here at the root.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

#[cfg(unix)]
pub use execsafe_cmd as cmd;
pub use execsafe_digest as digest;
pub use execsafe_env as env;
#[cfg(unix)]
pub use execsafe_fs as fs;

#[cfg(unix)]
#[doc(inline)]
pub use execsafe_cmd::*;
#[doc(inline)]
pub use execsafe_digest::*;
#[doc(inline)]
pub use execsafe_env::*;
#[cfg(unix)]
#[doc(inline)]
pub use execsafe_fs::*;
