//! Where the verified copy lives.

/// The place a verified copy is kept and executed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ExecBackend {
    /// `Memfd` for binaries on Linux when the kernel allows executable memfds; `TempDir`
    /// for `#!` scripts (decided from the *verified* bytes) and everywhere else.
    #[default]
    Auto,
    /// A sealed anonymous memfd, executed through `/proc/self/fd/N` (Linux). Nothing on
    /// disk, immune to `noexec` mounts and `ETXTBSY`. Cannot run `#!` scripts: the
    /// close-on-exec fd is gone before the interpreter opens it.
    Memfd,
    /// A 0500 file in a sealed 0700 private temp dir (the Go design, fixed).
    TempDir,
}

impl std::fmt::Display for ExecBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Auto => "auto",
            Self::Memfd => "memfd",
            Self::TempDir => "tempdir",
        })
    }
}

impl std::str::FromStr for ExecBackend {
    type Err = String;

    /// `auto`, `memfd` or `tempdir`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(Self::Auto),
            "memfd" => Ok(Self::Memfd),
            "tempdir" => Ok(Self::TempDir),
            other => Err(format!("unknown backend {other:?} (auto, memfd, tempdir)")),
        }
    }
}
