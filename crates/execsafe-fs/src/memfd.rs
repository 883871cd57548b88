//! Sealed executable memfds (Linux).

use std::fs::File;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

use rustix::fs::{CWD, MemfdFlags, Mode, OFlags, SealFlags};
use rustix::io::Errno;

use crate::dumpable::NotDumpable;
use crate::error::FsError;

/// The seals a [`SealedMemfd`] must carry: no more seals, no shrink, no grow, no write.
const REQUIRED_SEALS: SealFlags = SealFlags::SEAL
    .union(SealFlags::SHRINK)
    .union(SealFlags::GROW)
    .union(SealFlags::WRITE);

/// An anonymous, executable, still-writable memory file. Write the bytes, then
/// [`ExecMemfd::seal`] it. Nothing is ever on disk.
///
/// **For as long as an `ExecMemfd` exists the process is not dumpable**
/// (`PR_SET_DUMPABLE` 0, reference-counted across threads, the previous value restored
/// when the last one is sealed or dropped): no other process of the same user can open
/// `/proc/<pid>/fd/N` and write into the copy before it is sealed. Root and
/// `CAP_SYS_PTRACE` holders are out of scope.
#[derive(Debug)]
#[must_use = "an unsealed memfd keeps the process non-dumpable; seal() or drop it"]
pub struct ExecMemfd {
    file: File,
    // Declared after `file`: the process stays non-dumpable until the writable fd is closed.
    _not_dumpable: NotDumpable,
}

impl ExecMemfd {
    /// Creates the memfd.
    ///
    /// Syscalls: `prctl(PR_SET_DUMPABLE, 0)` (see the type's docs);
    /// `memfd_create(name, MFD_CLOEXEC|MFD_ALLOW_SEALING|MFD_EXEC)`, on `EINVAL` (kernels
    /// before 6.3 do not know `MFD_EXEC`) again without `MFD_EXEC`; `fstat` checks that the
    /// file has execute bits (with `vm.memfd_noexec=1` the kernel may silently create it
    /// non-executable); `stat("/proc/self/fd/N")` must give the memfd's `(dev, ino)`, or
    /// the memfd could not be executed by path.
    ///
    /// # Errors
    ///
    /// [`FsError::MemfdExecDenied`] when the kernel refuses executable memfds (`EACCES`,
    /// `EPERM`, or a file without execute bits); [`FsError::ProcUnavailable`] when
    /// `/proc/self/fd/N` does not name it (no procfs); [`FsError::Io`] otherwise.
    #[doc(alias = "memfd_create")]
    pub fn create(name: &str) -> Result<Self, FsError> {
        // Before the fd exists: nobody else may open it while it is writable.
        let not_dumpable = NotDumpable::enter()
            .map_err(|e| FsError::io("prctl(PR_SET_DUMPABLE, 0) before creating memfd", name, e))?;
        let base = MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING;
        let fd = match rustix::fs::memfd_create(name, base | MemfdFlags::EXEC) {
            Err(Errno::INVAL) => rustix::fs::memfd_create(name, base),
            other => other,
        };
        let fd = match fd {
            Ok(fd) => fd,
            Err(Errno::ACCESS | Errno::PERM) => {
                return Err(FsError::MemfdExecDenied { name: name.into() });
            }
            Err(e) => return Err(FsError::io("memfd_create", name, e)),
        };
        let st = rustix::fs::fstat(&fd).map_err(|e| FsError::io("fstat of memfd", name, e))?;
        if crate::stat::mode(&st) & 0o100 == 0 {
            return Err(FsError::MemfdExecDenied { name: name.into() });
        }
        crate::proc_fd::check_proc_names(fd.as_fd())?;
        Ok(Self {
            file: File::from(fd),
            _not_dumpable: not_dumpable,
        })
    }

    /// The writable file, to copy the bytes into.
    pub fn file(&mut self) -> &mut File {
        &mut self.file
    }

    /// Seals the memfd and reopens it read-only.
    ///
    /// Syscalls: `fcntl(F_ADD_SEALS, F_SEAL_EXEC)` where the kernel has it (6.3+; `EINVAL`
    /// is ignored) so its mode can no longer change; `fcntl(F_ADD_SEALS,
    /// F_SEAL_SEAL|F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_WRITE)`; `fcntl(F_GET_SEALS)` and a
    /// check that all four are present; then
    /// `openat(AT_FDCWD, "/proc/self/fd/N", O_RDONLY|O_CLOEXEC)`. The writable fd is
    /// closed.
    ///
    /// # Errors
    ///
    /// [`FsError::SealsMissing`] when the read-back lacks a required seal; [`FsError::Io`].
    #[doc(alias = "F_ADD_SEALS")]
    pub fn seal(self) -> Result<SealedMemfd, FsError> {
        let Self {
            file,
            _not_dumpable: not_dumpable,
        } = self;
        let fd = OwnedFd::from(file);
        let here = crate::proc_fd::proc_fd_path(fd.as_fd());
        match rustix::fs::fcntl_add_seals(&fd, SealFlags::EXEC) {
            Ok(()) | Err(Errno::INVAL) => {}
            Err(e) => return Err(FsError::io("fcntl(F_ADD_SEALS, F_SEAL_EXEC) on", &here, e)),
        }
        rustix::fs::fcntl_add_seals(&fd, REQUIRED_SEALS)
            .map_err(|e| FsError::io("fcntl(F_ADD_SEALS) on", &here, e))?;
        check_seals(fd.as_fd(), &here)?;
        let ro = rustix::fs::openat(CWD, &here, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())
            .map_err(|e| FsError::io("reopening read-only", &here, e))?;
        check_seals(ro.as_fd(), &here)?;
        drop(fd);
        drop(not_dumpable); // sealed: writers are refused from now on, whoever opens it
        let path = crate::proc_fd::proc_fd_path(ro.as_fd());
        Ok(SealedMemfd { fd: ro, path })
    }
}

fn check_seals(fd: BorrowedFd<'_>, path: &Path) -> Result<(), FsError> {
    let seals = rustix::fs::fcntl_get_seals(fd)
        .map_err(|e| FsError::io("fcntl(F_GET_SEALS) on", path, e))?;
    let missing = REQUIRED_SEALS - seals;
    if missing.is_empty() {
        Ok(())
    } else {
        Err(FsError::SealsMissing {
            path: path.into(),
            missing: format!("{missing:?}"),
        })
    }
}

/// A sealed, read-only, executable memfd: its content can never change again.
///
/// Execute it through [`SealedMemfd::exec_path`] (`/proc/self/fd/N`) from this process;
/// the fd is close-on-exec, so the child does not keep it. Closed on `Drop`.
#[derive(Debug)]
pub struct SealedMemfd {
    fd: OwnedFd,
    path: PathBuf,
}

impl SealedMemfd {
    /// `/proc/self/fd/N`: what to pass to `execve` in this process.
    pub fn exec_path(&self) -> &Path {
        &self.path
    }

    /// A read-only `File` on the same memfd (a `dup`, close-on-exec), e.g. to copy it.
    ///
    /// # Errors
    ///
    /// The `fcntl(F_DUPFD_CLOEXEC)` error.
    pub fn try_clone_file(&self) -> std::io::Result<File> {
        Ok(File::from(self.fd.try_clone()?))
    }

    /// Reads the seals back (`fcntl(F_GET_SEALS)`) and reports whether all of
    /// `F_SEAL_SEAL|SHRINK|GROW|WRITE` are present.
    ///
    /// # Errors
    ///
    /// The `fcntl` error.
    pub fn is_fully_sealed(&self) -> std::io::Result<bool> {
        Ok(rustix::fs::fcntl_get_seals(&self.fd)?.contains(REQUIRED_SEALS))
    }
}

impl AsFd for SealedMemfd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}
