//! Private temp dirs: created 0700 by `mkdirat`, checked by `fstat`, removed on `Drop`.

use std::fs::File;
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use rustix::fs::{AtFlags, FlockOperation, Mode, OFlags};
use rustix::io::Errno;

use crate::base_dir::{BaseDir, choose_base};
use crate::error::FsError;
use crate::reap::reap_stale;
use crate::remove::remove_contents;

/// Attempts at a fresh random name before giving up.
const NAME_ATTEMPTS: u32 = 64;

/// A private directory (mode 0700, owned by the euid), held by an fd.
///
/// Files are created inside it with [`SecureTempDir::create_file`] (`openat` on the
/// held fd), so nothing is re-resolved through the path. The whole tree is removed on
/// `Drop` or [`SecureTempDir::cleanup`], after restoring `u+w` — also after
/// [`SecureTempDir::seal`], also for non-root users, also at the fd limit (the entries
/// it created are unlinked by name through the held fds; no new fd is needed).
///
/// While it lives, the directory fd holds an exclusive `flock`: a directory of this kind
/// whose lock can be taken belongs to a dead process, and the next one created in the
/// same base with the same prefix removes it (a SIGKILL leaves nothing for long).
#[derive(Debug)]
#[must_use = "dropping a SecureTempDir removes the directory"]
pub struct SecureTempDir {
    path: PathBuf,
    name: PathBuf,
    base: OwnedFd,
    dir: OwnedFd,
    created: Mutex<Vec<String>>,
    removed: bool,
}

/// Creates a private temp dir named `<prefix><random>` in the base directory.
///
/// Base: `XDG_RUNTIME_DIR` when it is a directory owned by the euid with mode 0700, else
/// `TMPDIR`, else `/tmp`. The base is resolved once (symlinks followed, then never
/// again) and [`SecureTempDir::path`] is the *resolved* path. A base that is not absolute,
/// or with any directory from `/` to it owned by another non-root user or
/// group/world-writable without the sticky bit, is refused: nobody else can redirect the
/// path afterwards.
///
/// Syscalls: the base walk (`realpath`, then per component `openat(O_PATH|O_DIRECTORY|
/// O_NOFOLLOW)` + `fstat`); stale-dir reaping (see `reap`); `mkdirat(base, name, 0700)`
/// (retried with a new name on `EEXIST`); `openat(base, name, O_DIRECTORY|O_NOFOLLOW|
/// O_CLOEXEC)`; `flock(LOCK_EX)`; `fstat` (owner == euid); `fchmod(0700)` (so a
/// restrictive umask cannot leave it unusable; the umask is never changed).
///
/// # Errors
///
/// [`FsError::UnsafeBase`], [`FsError::UnsafeAncestor`], [`FsError::NotPrivate`], or
/// [`FsError::Io`]. A `prefix` containing `/` or NUL is refused as `Io` with
/// `InvalidInput`.
///
/// ```
/// let dir = execsafe_fs::secure_temp_dir("doc-example-")?;
/// let path = dir.path().to_path_buf();
/// assert!(path.is_dir());
/// drop(dir);
/// assert!(!path.exists());
/// # Ok::<(), execsafe_fs::FsError>(())
/// ```
#[doc(alias = "mkdirat")]
#[doc(alias = "mkdtemp")]
pub fn secure_temp_dir(prefix: &str) -> Result<SecureTempDir, FsError> {
    SecureTempDir::create_in(choose_base()?, prefix)
}

impl SecureTempDir {
    /// Like [`secure_temp_dir`] but in an explicit base directory, which is checked the
    /// same way.
    ///
    /// # Errors
    ///
    /// As [`secure_temp_dir`].
    pub fn new_in(base: impl AsRef<Path>, prefix: &str) -> Result<Self, FsError> {
        Self::create_in(crate::base_dir::check_base(base.as_ref())?, prefix)
    }

    fn create_in(base: BaseDir, prefix: &str) -> Result<Self, FsError> {
        if prefix.contains('/') || prefix.contains('\0') {
            return Err(FsError::io(
                "creating temp dir with prefix",
                prefix,
                io::Error::from(io::ErrorKind::InvalidInput),
            ));
        }
        reap_stale(base.fd.as_fd(), prefix);
        for _ in 0..NAME_ATTEMPTS {
            let name = PathBuf::from(format!("{prefix}{:016x}", random_u64()));
            let path = base.path.join(&name);
            match rustix::fs::mkdirat(&base.fd, &name, crate::stat::to_mode(0o700)) {
                Ok(()) => {}
                Err(Errno::EXIST) => continue,
                Err(e) => return Err(FsError::io("creating temp dir in", &base.path, e)),
            }
            let opened = rustix::fs::openat(
                &base.fd,
                &name,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            );
            let dir = match opened {
                Ok(fd) => fd,
                Err(e) => {
                    let _ = rustix::fs::unlinkat(&base.fd, &name, AtFlags::REMOVEDIR);
                    return Err(FsError::io("opening new temp dir", path, e));
                }
            };
            // From here on, Drop removes it.
            let this = Self {
                path,
                name,
                base: base.fd,
                dir,
                created: Mutex::new(Vec::new()),
                removed: false,
            };
            // Blocking: a reaper that holds it (briefly) sees the dir empty and lets go.
            rustix::fs::flock(&this.dir, FlockOperation::LockExclusive)
                .map_err(|e| FsError::io("flock of new temp dir", &this.path, e))?;
            this.check_private()?;
            return Ok(this);
        }
        Err(FsError::io(
            "creating temp dir in",
            &base.path,
            io::Error::from(io::ErrorKind::AlreadyExists),
        ))
    }

    /// `fstat` the held fd: owned by the euid; then `fchmod(0700)`.
    fn check_private(&self) -> Result<(), FsError> {
        let st =
            rustix::fs::fstat(&self.dir).map_err(|e| FsError::io("fstat of", &self.path, e))?;
        if st.st_uid != rustix::process::geteuid().as_raw() {
            return Err(FsError::NotPrivate {
                path: self.path.clone(),
                reason: "not owned by the effective user",
            });
        }
        rustix::fs::fchmod(&self.dir, crate::stat::to_mode(0o700))
            .map_err(|e| FsError::io("chmod 0700 of", &self.path, e))?;
        let st =
            rustix::fs::fstat(&self.dir).map_err(|e| FsError::io("fstat of", &self.path, e))?;
        if crate::stat::mode(&st) & 0o7777 != 0o700 {
            return Err(FsError::NotPrivate {
                path: self.path.clone(),
                reason: "mode is not 0700 after fchmod",
            });
        }
        Ok(())
    }

    /// The directory's path (for executing a file in it, or for a child to read).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The held directory fd.
    pub fn dir_fd(&self) -> BorrowedFd<'_> {
        self.dir.as_fd()
    }

    /// Creates a new file `name` inside the directory with exactly `mode`.
    ///
    /// Syscalls: `openat(dir, name, O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, mode)`,
    /// then `fchmod(mode)` (the umask may have removed bits). `name` must be one plain
    /// component (no `/`, not `.` or `..`).
    ///
    /// # Errors
    ///
    /// [`FsError::Io`]; `EEXIST` if `name` exists (nothing is ever overwritten).
    pub fn create_file(&self, name: &str, mode: u32) -> Result<File, FsError> {
        let target = self.path.join(name);
        if name.is_empty()
            || name == "."
            || name == ".."
            || name.contains('/')
            || name.contains('\0')
        {
            return Err(FsError::io(
                "creating file",
                target,
                io::Error::from(io::ErrorKind::InvalidInput),
            ));
        }
        let fd = rustix::fs::openat(
            &self.dir,
            name,
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            crate::stat::to_mode(mode),
        )
        .map_err(|e| FsError::io("creating file", &target, e))?;
        self.created
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(name.to_owned());
        rustix::fs::fchmod(&fd, crate::stat::to_mode(mode))
            .map_err(|e| FsError::io("chmod of", &target, e))?;
        Ok(File::from(fd))
    }

    /// Opens the file `name` inside the directory read-only (e.g. to read back a copy).
    ///
    /// Syscall: `openat(dir, name, O_RDONLY|O_NOFOLLOW|O_CLOEXEC)`.
    ///
    /// # Errors
    ///
    /// [`FsError::Io`].
    pub fn open_file(&self, name: &str) -> Result<File, FsError> {
        let target = self.path.join(name);
        if name.contains('/') {
            return Err(FsError::io(
                "opening file",
                target,
                io::Error::from(io::ErrorKind::InvalidInput),
            ));
        }
        rustix::fs::openat(
            &self.dir,
            name,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map(File::from)
        .map_err(|e| FsError::io("opening", target, e))
    }

    /// Whether the directory's filesystem is mounted `noexec`. Syscall: `fstatvfs(dir)`,
    /// flag `ST_NOEXEC` (Linux and Android; elsewhere this returns `Ok(false)` and a
    /// `noexec` mount shows up as `EACCES` at spawn, which `execsafe-cmd` reports as such).
    ///
    /// # Errors
    ///
    /// The `fstatvfs` error.
    pub fn is_noexec(&self) -> io::Result<bool> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            let st = rustix::fs::fstatvfs(&self.dir)?;
            Ok(st.f_flag.contains(rustix::fs::StatVfsMountFlags::NOEXEC))
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        Ok(false)
    }

    /// Makes the directory read-only for its owner (0500): no entry can be added, removed
    /// or renamed by a non-root process. Syscall: `fchmod(dir, 0500)`.
    ///
    /// # Errors
    ///
    /// The `fchmod` error.
    pub fn seal(&self) -> io::Result<()> {
        rustix::fs::fchmod(&self.dir, crate::stat::to_mode(0o500))?;
        Ok(())
    }

    /// Removes the directory and everything in it, reporting failure.
    ///
    /// Syscalls: `fchmod(dir, 0700)`; `unlinkat(dir, name, 0)` for each file made by
    /// [`Self::create_file`]; `unlinkat(base, name, AT_REMOVEDIR)`. Only if that finds the
    /// directory not empty (someone else put entries in it): `remove_contents`
    /// (`getdents64`, recursive `unlinkat`) and `unlinkat(AT_REMOVEDIR)` again. The usual
    /// path opens no fd, so it works at `RLIMIT_NOFILE`.
    ///
    /// # Errors
    ///
    /// The first syscall error; the `Drop` that follows tries once more, silently.
    pub fn cleanup(mut self) -> io::Result<()> {
        self.remove()
    }

    fn remove(&mut self) -> io::Result<()> {
        if self.removed {
            return Ok(());
        }
        rustix::fs::fchmod(&self.dir, crate::stat::to_mode(0o700))?;
        let created = std::mem::take(
            self.created
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner),
        );
        for name in &created {
            match rustix::fs::unlinkat(&self.dir, name.as_str(), AtFlags::empty()) {
                Ok(()) | Err(Errno::NOENT) => {}
                Err(e) => return Err(e.into()),
            }
        }
        match rustix::fs::unlinkat(&self.base, &self.name, AtFlags::REMOVEDIR) {
            Ok(()) | Err(Errno::NOENT) => {}
            Err(Errno::NOTEMPTY | Errno::EXIST) => {
                remove_contents(self.dir.as_fd(), 0)?;
                match rustix::fs::unlinkat(&self.base, &self.name, AtFlags::REMOVEDIR) {
                    Ok(()) | Err(Errno::NOENT) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            Err(e) => return Err(e.into()),
        }
        self.removed = true;
        Ok(())
    }
}

impl Drop for SecureTempDir {
    fn drop(&mut self) {
        // Errors cannot be reported from Drop; `cleanup()` reports them.
        let _ = self.remove();
    }
}

/// A name suffix nobody can predict: std's per-process random `SipHash` keys over the pid,
/// a counter and the clock.
fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::hash::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(t.as_nanos());
    }
    h.finish()
}
