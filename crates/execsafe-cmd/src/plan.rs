//! What `ExecBackend::Auto` would do with a file, without hashing it (`execsafe doctor`).

use std::path::Path;

use execsafe_fs::{InPlace, NotInPlace};

use crate::backend::ExecBackend;
use crate::error::Error;

/// The backend [`ExecBackend::Auto`] would pick for a file, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AutoPlan {
    /// `InPlace`, `Memfd` or `TempDir`.
    pub backend: ExecBackend,
    /// Why only root can change it, when in place.
    pub in_place: Option<InPlace>,
    /// Why it would be copied, when not in place.
    pub not_in_place: Option<NotInPlace>,
    /// Why a copy would go to a temp dir instead of a memfd.
    pub no_memfd: Option<&'static str>,
    /// Whether it starts with `#!`.
    pub script: bool,
}

/// What [`ExecBackend::Auto`] would pick for `path` on this host, from the same checks
/// the verification makes (the in-place rule on the opened fd, a script's directories,
/// procfs, executable memfds), without hashing the file.
///
/// Syscalls: those of `open_binary_no_follow`, `in_place_check`, `check_script_path` and
/// `proc_self_fd`; a `pread` of the first 256 bytes; for a copy, an empty `ExecMemfd`
/// created and dropped (`memfd_create`).
///
/// # Errors
///
/// [`Error::Open`] when the file cannot be opened safely (a symlink, not a regular file,
/// missing); [`Error::Copy`] when its first bytes cannot be read.
pub fn auto_plan(path: impl AsRef<Path>) -> Result<AutoPlan, Error> {
    let path = path.as_ref();
    let file = execsafe_fs::open_binary_no_follow(path).map_err(Error::Open)?;
    let script = crate::verified::head(&file)
        .map_err(|source| Error::Copy {
            path: path.into(),
            source,
        })?
        .starts_with(b"#!");
    let mut plan = AutoPlan {
        backend: ExecBackend::InPlace,
        in_place: None,
        not_in_place: None,
        no_memfd: None,
        script,
    };
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        match crate::in_place::in_place_target(&file, path) {
            Ok((basis, _)) => {
                plan.in_place = Some(basis);
                return Ok(plan);
            }
            Err(reason) => plan.not_in_place = Some(reason),
        }
        match execsafe_fs::ExecMemfd::create("execsafe:plan") {
            Ok(m) => {
                drop(m);
                plan.backend = ExecBackend::Memfd;
                return Ok(plan);
            }
            Err(execsafe_fs::FsError::MemfdExecDenied { .. }) => {
                plan.no_memfd = Some("the kernel denies executable memfds (vm.memfd_noexec)");
            }
            Err(execsafe_fs::FsError::ProcUnavailable { .. }) => {
                plan.no_memfd = Some("procfs is not mounted");
            }
            Err(_) => plan.no_memfd = Some("memfd_create failed"),
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        plan.not_in_place = Some(NotInPlace::Unsupported);
        plan.no_memfd = Some("memfd is Linux-only");
    }
    plan.backend = ExecBackend::TempDir;
    Ok(plan)
}
