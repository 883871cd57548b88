//! A world-readable scratch directory for tests, removed on drop, and the system
//! programs tests copy into it.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A fresh 0755 directory under the temp dir, named after `tag`; removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> Self {
        static N: AtomicU64 = AtomicU64::new(0);
        let p = std::env::temp_dir().join(format!(
            "execsafe-test-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&p).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        Self(p)
    }

    /// Writes `content` as `name` with `mode`.
    pub fn file(&self, name: &str, content: &[u8], mode: u32) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, content).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        p
    }

    /// Writes `content` as an executable (0755) file.
    pub fn write_exec(&self, name: &str, content: &[u8]) -> PathBuf {
        self.file(name, content, 0o755)
    }

    /// Copies a system program (`true`, `echo`, `env`, `cat`, `false`, `dash`) in, 0755.
    pub fn copy_sys(&self, prog: &str, as_name: &str) -> PathBuf {
        self.write_exec(as_name, &std::fs::read(sys_bin(prog)).unwrap())
    }

    /// Creates a FIFO `name` (mode 0600) with `mknodat`.
    pub fn fifo(&self, name: &str) -> PathBuf {
        let p = self.0.join(name);
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &p,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        p
    }

    /// The entries of the directory.
    pub fn entries(&self) -> Vec<PathBuf> {
        entries(&self.0)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The entries of `dir`.
pub fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

/// A system program as a regular file (not a symlink) in `/usr/bin` or `/bin`.
pub fn sys_bin(prog: &str) -> PathBuf {
    ["/usr/bin", "/bin"]
        .iter()
        .map(|d| Path::new(d).join(prog))
        .find(|p| p.symlink_metadata().is_ok_and(|m| m.is_file()))
        .unwrap_or_else(|| panic!("{prog} not found as a regular file"))
}
