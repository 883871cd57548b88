//! Verifying a binary into a copy that cannot change.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use execsafe_digest::{Digest, copy_and_hash, parse_digest};
use execsafe_fs::{FsError, SecureTempDir, open_binary_no_follow, secure_temp_dir};

use crate::backend::ExecBackend;
use crate::error::Error;
use crate::name::copy_name;

/// Prefix of the private temp dirs holding verified copies.
const TEMP_PREFIX: &str = "execsafe-exec-";

/// A verified copy of a binary, ready to execute. Removed (temp dir) or closed (memfd) on
/// `Drop` or [`VerifiedBinary::cleanup`].
///
/// Keep it alive until the child has exited: a `#!` script is opened by its interpreter
/// *after* `execve`, by path.
#[derive(Debug)]
pub struct VerifiedBinary {
    exec_path: PathBuf,
    original_path: PathBuf,
    digest: Digest,
    size: u64,
    holder: Holder,
}

#[derive(Debug)]
enum Holder {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    Memfd(execsafe_fs::SealedMemfd),
    TempDir(SecureTempDir),
}

impl VerifiedBinary {
    /// What to execute: `/proc/self/fd/N` (memfd) or `<private dir>/<name>` (temp dir).
    pub fn exec_path(&self) -> &Path {
        &self.exec_path
    }

    /// The path the caller asked to verify.
    pub fn original_path(&self) -> &Path {
        &self.original_path
    }

    /// The verified digest (equal to the pin).
    pub fn digest(&self) -> &Digest {
        &self.digest
    }

    /// The size of the verified copy in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The backend actually used: [`ExecBackend::Memfd`] or [`ExecBackend::TempDir`].
    pub fn backend(&self) -> ExecBackend {
        match self.holder {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Holder::Memfd(_) => ExecBackend::Memfd,
            Holder::TempDir(_) => ExecBackend::TempDir,
        }
    }

    /// Removes the copy now (same as dropping it).
    pub fn cleanup(self) {
        drop(self);
    }
}

/// Verifies `binary_path` against `expected_digest` (`sha256:<64 lowercase hex>`) with
/// the [`ExecBackend::Auto`] backend.
///
/// # Errors
///
/// See [`verified_binary_with_limit`]; additionally [`Error::InvalidDigest`] for a
/// malformed `expected_digest`, returned before the file is even opened.
pub fn verified_binary_fd(
    binary_path: impl AsRef<Path>,
    expected_digest: &str,
) -> Result<VerifiedBinary, Error> {
    let expected = parse_digest(expected_digest).map_err(Error::InvalidDigest)?;
    verified_binary_with(binary_path, &expected, ExecBackend::Auto)
}

/// Verifies `binary_path` against `expected` into the given backend.
///
/// # Errors
///
/// See [`verified_binary_with_limit`].
pub fn verified_binary_with(
    binary_path: impl AsRef<Path>,
    expected: &Digest,
    backend: ExecBackend,
) -> Result<VerifiedBinary, Error> {
    verified_binary_with_limit(binary_path, expected, backend, None)
}

/// Verifies `binary_path` against `expected` into `backend`, refusing files over
/// `max_size` bytes.
///
/// Steps: `open_binary_no_follow` (no symlink, regular files only) → `fstat` size (and the
/// limit) → tee-hash copy of at most `size + 1` bytes into the backend → byte count must
/// equal the size → digest must equal `expected` → seal → return. Nothing remains on any
/// error path: the copy's memfd is closed, its temp dir removed.
///
/// `Auto` copies into a memfd first; if the **verified** bytes start with `#!` it copies
/// the sealed memfd into a temp dir, hashing again. It uses the temp dir directly when the
/// kernel refuses executable memfds.
///
/// # Errors
///
/// [`Error::Open`], [`Error::TooLarge`], [`Error::ChangedDuringCopy`],
/// [`Error::Mismatch`], [`Error::BackendUnavailable`] (explicit `Memfd` off Linux, with
/// memfd exec denied, or for a `#!` script), [`Error::Noexec`], [`Error::Fs`],
/// [`Error::Copy`].
pub fn verified_binary_with_limit(
    binary_path: impl AsRef<Path>,
    expected: &Digest,
    backend: ExecBackend,
    max_size: Option<u64>,
) -> Result<VerifiedBinary, Error> {
    let path = binary_path.as_ref();
    let file = open_binary_no_follow(path).map_err(Error::Open)?;
    let size = file
        .metadata()
        .map_err(|source| Error::Copy {
            path: path.into(),
            source,
        })?
        .len();
    if let Some(max) = max_size.filter(|&max| size > max) {
        return Err(Error::TooLarge {
            path: path.into(),
            size,
            max,
        });
    }
    let source = Source {
        path,
        file: &file,
        size,
        expected,
    };
    let holder = match backend {
        ExecBackend::TempDir => into_temp_dir(&source, &file)?,
        ExecBackend::Memfd => into_memfd_explicit(&source)?,
        ExecBackend::Auto => auto(&source)?,
    };
    let exec_path = match &holder {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        Holder::Memfd(m) => m.exec_path().to_path_buf(),
        Holder::TempDir(d) => d.path().join(copy_name(path)),
    };
    Ok(VerifiedBinary {
        exec_path,
        original_path: path.into(),
        digest: *expected,
        size,
        holder,
    })
}

/// What is being verified.
struct Source<'a> {
    path: &'a Path,
    file: &'a File,
    size: u64,
    expected: &'a Digest,
}

impl Source<'_> {
    /// Tee-hash copies `from` (at most `size + 1` bytes) into `to` and checks count and
    /// digest.
    fn copy_verified(&self, from: impl Read, to: impl std::io::Write) -> Result<(), Error> {
        let (digest, copied) =
            copy_and_hash(from.take(self.size + 1), to).map_err(|source| Error::Copy {
                path: self.path.into(),
                source,
            })?;
        if copied != self.size {
            return Err(Error::ChangedDuringCopy {
                path: self.path.into(),
                expected: self.size,
                copied,
            });
        }
        if digest != *self.expected {
            return Err(Error::Mismatch {
                path: self.path.into(),
                expected: *self.expected,
            });
        }
        Ok(())
    }
}

/// Copies into a fresh private temp dir, file 0500, dir sealed 0500.
fn into_temp_dir(src: &Source<'_>, from: impl Read) -> Result<Holder, Error> {
    let dir = secure_temp_dir(TEMP_PREFIX).map_err(Error::Fs)?;
    if dir.is_noexec().unwrap_or(false) {
        return Err(Error::Noexec {
            dir: dir.path().into(),
        });
    }
    {
        // No spawn of this library may fork while the write fd is open (see fork_lock).
        let _no_fork = crate::fork_lock::writing_copy();
        let mut dst = dir
            .create_file(copy_name(src.path), 0o500)
            .map_err(Error::Fs)?;
        src.copy_verified(from, &mut dst)?;
        drop(dst); // close the writable fd before anyone executes the file
    }
    dir.seal().map_err(|e| {
        Error::Fs(FsError::Io {
            op: "sealing",
            path: dir.path().into(),
            source: e,
        })
    })?;
    Ok(Holder::TempDir(dir))
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux {
    use std::io::Seek;

    use execsafe_fs::{ExecMemfd, FsError, SealedMemfd};

    use super::{Holder, Source, copy_name, into_temp_dir};
    use crate::backend::ExecBackend;
    use crate::error::Error;

    /// Copies into a sealed memfd. `Ok(None)` when the kernel denies executable memfds.
    pub(super) fn into_memfd(src: &Source<'_>) -> Result<Option<SealedMemfd>, Error> {
        let mut memfd = match ExecMemfd::create(&format!("execsafe:{}", copy_name(src.path))) {
            Ok(m) => m,
            Err(FsError::MemfdExecDenied) => return Ok(None),
            Err(e) => return Err(Error::Fs(e)),
        };
        src.copy_verified(src.file, memfd.file())?;
        memfd.seal().map(Some).map_err(Error::Fs)
    }

    pub(super) fn into_memfd_explicit(src: &Source<'_>) -> Result<Holder, Error> {
        let unavailable = |reason: &str| Error::BackendUnavailable {
            backend: ExecBackend::Memfd,
            reason: reason.into(),
        };
        let Some(sealed) = into_memfd(src)? else {
            return Err(unavailable(
                "the kernel denies executable memfds (vm.memfd_noexec)",
            ));
        };
        if starts_with_shebang(&sealed)? {
            return Err(unavailable(
                "a #! script cannot run from a close-on-exec memfd; use tempdir or auto",
            ));
        }
        Ok(Holder::Memfd(sealed))
    }

    pub(super) fn auto(src: &Source<'_>) -> Result<Holder, Error> {
        let Some(sealed) = into_memfd(src)? else {
            return into_temp_dir(src, src.file);
        };
        if !starts_with_shebang(&sealed)? {
            return Ok(Holder::Memfd(sealed));
        }
        // A script: copy the *verified, sealed* bytes into a temp dir, hashing again.
        let mut from = sealed.try_clone_file().map_err(|e| copy_err(src, e))?;
        from.rewind().map_err(|e| copy_err(src, e))?;
        into_temp_dir(src, from)
    }

    fn starts_with_shebang(sealed: &SealedMemfd) -> Result<bool, Error> {
        let io_err = |source| {
            Error::Fs(FsError::Io {
                op: "reading",
                path: sealed.exec_path().into(),
                source,
            })
        };
        let mut head = [0u8; 2];
        let file = sealed.try_clone_file().map_err(io_err)?;
        let n = std::os::unix::fs::FileExt::read_at(&file, &mut head, 0).map_err(io_err)?;
        Ok(n == 2 && &head == b"#!")
    }

    fn copy_err(src: &Source<'_>, source: std::io::Error) -> Error {
        Error::Copy {
            path: src.path.into(),
            source,
        }
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
use linux::{auto, into_memfd_explicit};

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn into_memfd_explicit(_: &Source<'_>) -> Result<Holder, Error> {
    Err(Error::BackendUnavailable {
        backend: ExecBackend::Memfd,
        reason: "memfd is Linux-only".into(),
    })
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn auto(src: &Source<'_>) -> Result<Holder, Error> {
    into_temp_dir(src, src.file)
}
