//! Where the verified copy lives.

/// The place a verified copy is kept and executed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ExecBackend {
    /// `InPlace` when nobody but root can change the file (see
    /// `execsafe_fs::in_place_check`), else `Memfd` when the kernel allows executable
    /// memfds and procfs is mounted, else `TempDir`.
    #[default]
    Auto,
    /// No copy: the file opened and hashed is executed through that very fd
    /// (`/proc/self/fd/N` of the original; a `#!` script by its resolved path when every
    /// directory to it is root-owned). Only for files that no process but root can change:
    /// root-owned without group/other write, immutable, or fs-verity, on a local
    /// filesystem (Linux). The program runs as installed: `/proc/self/exe`, `$ORIGIN` and
    /// setuid bits are the real file's.
    InPlace,
    /// A sealed anonymous memfd, executed through `/proc/self/fd/N` (Linux). Nothing on
    /// disk, immune to `noexec` mounts and `ETXTBSY`. A `#!` script's child inherits the
    /// sealed fd at the same number (read-only, sealed), so its interpreter opens exactly
    /// the verified bytes; its `$0` is `/proc/self/fd/N`.
    Memfd,
    /// A 0500 file in a sealed 0700 private temp dir (the Go design, fixed).
    TempDir,
}

impl std::fmt::Display for ExecBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Auto => "auto",
            Self::InPlace => "in-place",
            Self::Memfd => "memfd",
            Self::TempDir => "tempdir",
        })
    }
}

impl std::str::FromStr for ExecBackend {
    type Err = String;

    /// `auto`, `in-place`, `memfd` or `tempdir`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(Self::Auto),
            "in-place" => Ok(Self::InPlace),
            "memfd" => Ok(Self::Memfd),
            "tempdir" => Ok(Self::TempDir),
            other => Err(format!(
                "unknown backend {other:?} (auto, in-place, memfd, tempdir)"
            )),
        }
    }
}
