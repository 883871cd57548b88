//! Verifying a binary into a copy that cannot change.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use execsafe_digest::{Digest, copy_and_hash, parse_digest};
use execsafe_fs::{FsError, InPlace, NotInPlace, SecureTempDir, secure_temp_dir};

use crate::backend::ExecBackend;
use crate::error::Error;
use crate::name::copy_name;

/// Prefix of the private temp dirs holding verified copies.
pub(crate) const TEMP_PREFIX: &str = "execsafe-exec-";

/// A handle on a verified, sealed copy of a binary, ready to execute.
///
/// Cheap to clone: every clone names the **same** sealed copy, which is removed (temp dir)
/// or closed (memfd) when the last handle is dropped. [`RestrictedCommand`] and
/// [`VerifiedChild`] hold one, so a copy lives as long as something can still run it.
///
/// [`Self::original_path`] is the path of the call that produced this handle (a
/// [`VerifiedCache`] hit hands out the cached copy under the caller's path, so `argv[0]`
/// dispatch keeps working).
///
/// [`RestrictedCommand`]: crate::RestrictedCommand
/// [`VerifiedChild`]: crate::VerifiedChild
/// [`VerifiedCache`]: crate::VerifiedCache
#[derive(Clone, Debug)]
#[must_use = "dropping the last handle removes the verified copy"]
pub struct VerifiedBinary {
    copy: Arc<SealedCopy>,
    original_path: PathBuf,
}

/// The copy itself; dropped with the last handle.
#[derive(Debug)]
struct SealedCopy {
    exec_path: PathBuf,
    digest: Digest,
    size: u64,
    interpreter: Option<PathBuf>,
    script: bool,
    holder: Holder,
    /// Why the file was copied instead of run in place (`Auto` only).
    not_in_place: Option<NotInPlace>,
}

#[derive(Debug)]
pub(crate) enum Holder {
    /// The original file, opened and hashed: the fd that runs.
    #[cfg_attr(
        not(any(target_os = "linux", target_os = "android")),
        allow(dead_code, reason = "in place executes /proc/self/fd/N: Linux only")
    )]
    InPlace {
        file: File,
        basis: InPlace,
    },
    #[cfg(any(target_os = "linux", target_os = "android"))]
    Memfd(execsafe_fs::SealedMemfd),
    TempDir(SecureTempDir),
}

/// Where a verified file was put, and how it is executed.
pub(crate) struct Placed {
    pub(crate) holder: Holder,
    pub(crate) exec_path: PathBuf,
    pub(crate) not_in_place: Option<NotInPlace>,
}

impl VerifiedBinary {
    /// What to execute: `/proc/self/fd/N` (in place: N is the fd of the original file that
    /// was hashed; memfd: N is the sealed copy), a script's resolved path (in place, every
    /// directory to it root-owned), or `<private dir>/<name>` (temp dir, the base resolved
    /// once and checked so that no other user can redirect it).
    pub fn exec_path(&self) -> &Path {
        &self.copy.exec_path
    }

    /// The path the caller asked to verify (for this handle).
    pub fn original_path(&self) -> &Path {
        &self.original_path
    }

    /// The verified digest (equal to the pin).
    pub fn digest(&self) -> &Digest {
        &self.copy.digest
    }

    /// The size of the verified copy in bytes.
    pub fn size(&self) -> u64 {
        self.copy.size
    }

    /// The backend actually used: [`ExecBackend::InPlace`], [`ExecBackend::Memfd`] or
    /// [`ExecBackend::TempDir`].
    pub fn backend(&self) -> ExecBackend {
        match self.copy.holder {
            Holder::InPlace { .. } => ExecBackend::InPlace,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Holder::Memfd(_) => ExecBackend::Memfd,
            Holder::TempDir(_) => ExecBackend::TempDir,
        }
    }

    /// Whether the verified bytes start with `#!`: the interpreter opens the copy by path
    /// *after* `execve`, so the copy must outlive the spawn.
    pub fn is_script(&self) -> bool {
        self.copy.script
    }

    /// The interpreter named on a script's `#!` line (for error messages).
    pub fn interpreter(&self) -> Option<&Path> {
        self.copy.interpreter.as_deref()
    }

    /// Why only root can change the bytes, when the file runs in place.
    pub fn in_place_basis(&self) -> Option<InPlace> {
        match self.copy.holder {
            Holder::InPlace { basis, .. } => Some(basis),
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Holder::Memfd(_) => None,
            Holder::TempDir(_) => None,
        }
    }

    /// Why the file was copied instead of run in place, when [`ExecBackend::Auto`] chose
    /// a copy.
    pub fn not_in_place(&self) -> Option<&NotInPlace> {
        self.copy.not_in_place.as_ref()
    }

    /// The fd a child must inherit at the same number: a `#!` script in a memfd is
    /// exec'd as `/proc/self/fd/N` and its interpreter opens that path after `execve`.
    pub(crate) fn inherit_fd(&self) -> Option<std::os::fd::BorrowedFd<'_>> {
        match &self.copy.holder {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Holder::Memfd(m) if self.copy.script => Some(std::os::fd::AsFd::as_fd(m)),
            _ => None,
        }
    }

    /// Memory or disk the copy takes: its size, or 0 in place (no copy).
    pub(crate) fn copy_bytes(&self) -> u64 {
        match self.copy.holder {
            Holder::InPlace { .. } => 0,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Holder::Memfd(_) => self.copy.size,
            Holder::TempDir(_) => self.copy.size,
        }
    }

    /// Drops this handle (the copy goes when the last handle does).
    pub fn cleanup(self) {
        drop(self);
    }

    /// The same copy under another original path.
    pub(crate) fn with_original_path(&self, path: &Path) -> Self {
        Self {
            copy: Arc::clone(&self.copy),
            original_path: path.into(),
        }
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
    let path = binary_path.as_ref();
    let expected = parse_pin(path, expected_digest)?;
    verified_binary_with(path, &expected, ExecBackend::Auto)
}

/// `parse_digest`, with the error naming the binary.
pub(crate) fn parse_pin(path: &Path, expected_digest: &str) -> Result<Digest, Error> {
    parse_digest(expected_digest).map_err(|source| Error::InvalidDigest {
        path: path.into(),
        source,
    })
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
/// While a memfd copy is still writable the process is not dumpable, so no other process
/// of the same user can write into it through `/proc/<pid>/fd/N` before the seal: the
/// sealed bytes are the verified bytes.
///
/// `Auto` copies into a memfd first; if the **verified** bytes start with `#!` it copies
/// the sealed memfd into a temp dir, hashing again. It uses the temp dir directly when the
/// kernel refuses executable memfds or `/proc/self/fd/N` does not name the memfd (no
/// procfs).
///
/// # Errors
///
/// [`Error::Open`], [`Error::TooLarge`], [`Error::ChangedDuringCopy`],
/// [`Error::Mismatch`], [`Error::BackendUnavailable`] (explicit `Memfd` off Linux, with
/// memfd exec denied, without procfs, or for a `#!` script), [`Error::Noexec`],
/// [`Error::FileSizeLimit`], [`Error::Fs`], [`Error::Copy`].
pub fn verified_binary_with_limit(
    binary_path: impl AsRef<Path>,
    expected: &Digest,
    backend: ExecBackend,
    max_size: Option<u64>,
) -> Result<VerifiedBinary, Error> {
    let path = binary_path.as_ref();
    let file = execsafe_fs::open_binary_no_follow(path).map_err(Error::Open)?;
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
    let placed = match backend {
        ExecBackend::TempDir => placed_in_temp_dir(&source, &file, None)?,
        ExecBackend::Memfd => into_memfd_explicit(&source)?,
        ExecBackend::InPlace => in_place_explicit(&source)?,
        ExecBackend::Auto => auto(&source)?,
    };
    let head = match &placed.holder {
        Holder::InPlace { file, .. } => head(file),
        #[cfg(any(target_os = "linux", target_os = "android"))]
        Holder::Memfd(m) => m.try_clone_file().and_then(|f| head(&f)),
        Holder::TempDir(d) => head(&d.open_file(copy_name(path)).map_err(Error::Fs)?),
    };
    let head = head.map_err(|e| copy_err(&source, e))?;
    Ok(VerifiedBinary {
        copy: Arc::new(SealedCopy {
            exec_path: placed.exec_path,
            digest: *expected,
            size,
            script: head.starts_with(b"#!"),
            interpreter: interpreter(&head),
            holder: placed.holder,
            not_in_place: placed.not_in_place,
        }),
        original_path: path.into(),
    })
}

/// The first bytes of the verified copy (a `pread` at offset 0).
pub(crate) fn head(file: &File) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0u8; 256];
    let n = std::os::unix::fs::FileExt::read_at(file, &mut buf, 0)?;
    buf.truncate(n);
    Ok(buf)
}

/// The path on a `#!` line: after `#!` and blanks, up to the next blank or newline.
fn interpreter(head: &[u8]) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    let rest = head.strip_prefix(b"#!")?;
    let start = rest.iter().position(|b| !matches!(b, b' ' | b'\t'))?;
    let rest = &rest[start..];
    let end = rest
        .iter()
        .position(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .unwrap_or(rest.len());
    (end > 0).then(|| PathBuf::from(std::ffi::OsStr::from_bytes(&rest[..end])))
}

pub(crate) fn copy_err(src: &Source<'_>, source: std::io::Error) -> Error {
    Error::Copy {
        path: src.path.into(),
        source,
    }
}

/// What is being verified.
pub(crate) struct Source<'a> {
    pub(crate) path: &'a Path,
    pub(crate) file: &'a File,
    pub(crate) size: u64,
    pub(crate) expected: &'a Digest,
}

impl Source<'_> {
    /// Tee-hash copies `from` (at most `size + 1` bytes) into `to` and checks count and
    /// digest.
    pub(crate) fn copy_verified(
        &self,
        from: impl Read,
        to: impl std::io::Write,
    ) -> Result<(), Error> {
        let (digest, copied) = copy_and_hash(from.take(self.size + 1), to).map_err(|source| {
            if source.raw_os_error() == Some(rustix::io::Errno::FBIG.raw_os_error()) {
                Error::FileSizeLimit {
                    path: self.path.into(),
                }
            } else {
                copy_err(self, source)
            }
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

/// Copies into a temp dir (see [`into_temp_dir`]) and says how to run it.
fn placed_in_temp_dir(
    src: &Source<'_>,
    from: impl Read,
    not_in_place: Option<NotInPlace>,
) -> Result<Placed, Error> {
    let dir = into_temp_dir(src, from)?;
    Ok(Placed {
        exec_path: dir.path().join(copy_name(src.path)),
        holder: Holder::TempDir(dir),
        not_in_place,
    })
}

/// Copies into a fresh private temp dir, file 0500, dir sealed 0500.
fn into_temp_dir(src: &Source<'_>, from: impl Read) -> Result<SecureTempDir, Error> {
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
    Ok(dir)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux {
    use std::io::Seek;

    use execsafe_fs::{ExecMemfd, FsError, NotInPlace, SealedMemfd};

    use super::{Holder, Placed, Source, copy_err, copy_name, placed_in_temp_dir};
    use crate::backend::ExecBackend;
    use crate::error::Error;
    use crate::in_place::try_in_place;

    /// Copies into a sealed memfd. `Ok(Err(reason))` when memfds cannot be executed here.
    fn into_memfd(src: &Source<'_>) -> Result<Result<SealedMemfd, &'static str>, Error> {
        let mut memfd = match ExecMemfd::create(&format!("execsafe:{}", copy_name(src.path))) {
            Ok(m) => m,
            Err(FsError::MemfdExecDenied { .. }) => {
                return Ok(Err("the kernel denies executable memfds (vm.memfd_noexec)"));
            }
            Err(FsError::ProcUnavailable { .. }) => {
                return Ok(Err(
                    "procfs is not mounted: /proc/self/fd/N does not name the memfd",
                ));
            }
            Err(e) => return Err(Error::Fs(e)),
        };
        let mut from = src.file;
        from.rewind().map_err(|e| copy_err(src, e))?;
        src.copy_verified(from, memfd.file())?;
        memfd.seal().map(Ok).map_err(Error::Fs)
    }

    fn placed(sealed: SealedMemfd, not_in_place: Option<NotInPlace>) -> Placed {
        Placed {
            exec_path: sealed.exec_path().to_path_buf(),
            holder: Holder::Memfd(sealed),
            not_in_place,
        }
    }

    pub(super) fn into_memfd_explicit(src: &Source<'_>) -> Result<Placed, Error> {
        let sealed = into_memfd(src)?.map_err(|reason| Error::BackendUnavailable {
            path: src.path.into(),
            backend: ExecBackend::Memfd,
            reason: reason.into(),
        })?;
        Ok(placed(sealed, None))
    }

    pub(super) fn in_place_explicit(src: &Source<'_>) -> Result<Placed, Error> {
        try_in_place(src)?.map_err(|reason| Error::BackendUnavailable {
            path: src.path.into(),
            backend: ExecBackend::InPlace,
            reason: reason.to_string(),
        })
    }

    /// In place → memfd → temp dir.
    pub(super) fn auto(src: &Source<'_>) -> Result<Placed, Error> {
        let not_in_place = match try_in_place(src)? {
            Ok(placed) => return Ok(placed),
            Err(reason) => reason,
        };
        if let Ok(sealed) = into_memfd(src)? {
            return Ok(placed(sealed, Some(not_in_place)));
        }
        let mut from = src.file;
        from.rewind().map_err(|e| copy_err(src, e))?;
        placed_in_temp_dir(src, from, Some(not_in_place))
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
use linux::{auto, in_place_explicit, into_memfd_explicit};

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn into_memfd_explicit(src: &Source<'_>) -> Result<Placed, Error> {
    Err(Error::BackendUnavailable {
        path: src.path.into(),
        backend: ExecBackend::Memfd,
        reason: "memfd is Linux-only".into(),
    })
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn in_place_explicit(src: &Source<'_>) -> Result<Placed, Error> {
    Err(Error::BackendUnavailable {
        path: src.path.into(),
        backend: ExecBackend::InPlace,
        reason: NotInPlace::Unsupported.to_string(),
    })
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn auto(src: &Source<'_>) -> Result<Placed, Error> {
    placed_in_temp_dir(src, src.file, Some(NotInPlace::Unsupported))
}
