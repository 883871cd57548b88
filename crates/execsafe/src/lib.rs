//! execsafe — run pinned binaries safely (facade; re-exports only).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use execsafe_digest as digest;
#[doc(inline)]
pub use execsafe_digest::*;
pub use execsafe_env as env;
#[doc(inline)]
pub use execsafe_env::*;
#[cfg(unix)]
pub use execsafe_fs as fs;
#[cfg(unix)]
#[doc(inline)]
pub use execsafe_fs::*;
