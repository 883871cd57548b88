//! The error type of this crate.

use std::io;
use std::path::PathBuf;

use rustix::fs::FileType;

/// The kind of a filesystem object, for errors about the wrong kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// A regular file.
    Regular,
    /// A directory.
    Directory,
    /// A symbolic link.
    Symlink,
    /// A named pipe.
    Fifo,
    /// A Unix-domain socket.
    Socket,
    /// A character device (`/dev/zero`, `/dev/null`, a tty).
    CharDevice,
    /// A block device.
    BlockDevice,
    /// Anything else.
    Unknown,
}

impl FileKind {
    pub(crate) fn from_mode(mode: u32) -> Self {
        match FileType::from_raw_mode(crate::stat::raw_mode(mode)) {
            FileType::RegularFile => Self::Regular,
            FileType::Directory => Self::Directory,
            FileType::Symlink => Self::Symlink,
            FileType::Fifo => Self::Fifo,
            FileType::Socket => Self::Socket,
            FileType::CharacterDevice => Self::CharDevice,
            FileType::BlockDevice => Self::BlockDevice,
            FileType::Unknown => Self::Unknown,
        }
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Regular => "regular file",
            Self::Directory => "directory",
            Self::Symlink => "symlink",
            Self::Fifo => "FIFO",
            Self::Socket => "socket",
            Self::CharDevice => "character device",
            Self::BlockDevice => "block device",
            Self::Unknown => "unknown file type",
        })
    }
}

/// Why a filesystem step was refused or failed. Every variant names the path involved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FsError {
    /// The last component of the path is a symbolic link (`ELOOP` under `O_NOFOLLOW`).
    #[error("refusing to open symlink: {path}")]
    Symlink {
        /// The path given.
        path: PathBuf,
    },
    /// The path names something other than a regular file.
    #[error("refusing to open {kind}: {path} (regular files only)")]
    NotRegular {
        /// The path given.
        path: PathBuf,
        /// What it is.
        kind: FileKind,
    },
    /// Nothing exists at the path (`ENOENT`).
    #[error("no such file: {path}")]
    NotFound {
        /// The path given.
        path: PathBuf,
    },
    /// A base directory for temp dirs is not safe to create private entries in.
    #[error("unsafe temp base directory {path}: {reason}")]
    UnsafeBase {
        /// The base directory.
        path: PathBuf,
        /// Why it is refused.
        reason: &'static str,
    },
    /// A directory or file that should be private is not (owner or mode).
    #[error("not private: {path}: {reason}")]
    NotPrivate {
        /// The object checked.
        path: PathBuf,
        /// What is wrong.
        reason: &'static str,
    },
    /// An ancestor of the resolved base directory could let another user swap the path
    /// (owned by someone else, or group/world-writable without the sticky bit).
    #[error("unsafe temp base directory {base}: its ancestor {ancestor} is {reason}")]
    UnsafeAncestor {
        /// The base directory, as resolved.
        base: PathBuf,
        /// The offending ancestor (or the base itself).
        ancestor: PathBuf,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The kernel refuses executable memfds (`vm.memfd_noexec=2`, or a security module).
    /// Callers may fall back to a temp dir, explicitly.
    #[error("executable memfd {name} denied by the kernel (vm.memfd_noexec or a security policy)")]
    MemfdExecDenied {
        /// The memfd's name.
        name: String,
    },
    /// `/proc/self/fd/N` does not name the memfd: procfs is not mounted (a container, a
    /// chroot) or something else is mounted there, so the memfd cannot be executed.
    #[error("procfs unavailable: {path} does not name the memfd (is /proc mounted?)")]
    ProcUnavailable {
        /// The `/proc/self/fd/N` path that was checked.
        path: PathBuf,
    },
    /// A memfd did not report every seal it must carry.
    #[error("memfd {path} lacks seals after sealing: {missing}")]
    SealsMissing {
        /// The memfd's `/proc/self/fd/N` path.
        path: PathBuf,
        /// The names of the missing seals.
        missing: String,
    },
    /// The configuration could not be serialised.
    #[error("serialising config for {path}")]
    Json {
        /// The file that was to be written.
        path: PathBuf,
        /// The serde error.
        #[source]
        source: serde_json::Error,
    },
    /// A syscall failed.
    #[error("{op} {path}")]
    Io {
        /// The operation, e.g. `"opening"`.
        op: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
}

impl FsError {
    pub(crate) fn io(
        op: &'static str,
        path: impl Into<PathBuf>,
        err: impl Into<io::Error>,
    ) -> Self {
        Self::Io {
            op,
            path: path.into(),
            source: err.into(),
        }
    }
}
