//! A `noexec` tmpfs for tests.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Command;

/// A tmpfs mounted with the given options (e.g. `noexec`); unmounted and removed on drop.
pub struct TmpfsMount(pub PathBuf);

impl TmpfsMount {
    /// Mounts a 64 MiB tmpfs with `opts`. `None`, with the reason on stderr, when this
    /// process is not root or the mount is refused (e.g. in an unprivileged container).
    pub fn new(tag: &str, opts: &str) -> Option<Self> {
        if !rustix::process::geteuid().is_root() {
            eprintln!("skipped: mounting a {opts} tmpfs needs root");
            return None;
        }
        let p = std::env::temp_dir().join(format!("execsafe-mnt-{tag}-{}", std::process::id()));
        let _ = std::fs::create_dir(&p);
        let out = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("{opts},size=64m,mode=1777"),
                "tmpfs",
            ])
            .arg(&p)
            .output();
        match out {
            Ok(o) if o.status.success() => {
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o1777)).ok();
                Some(Self(p))
            }
            Ok(o) => {
                eprintln!(
                    "skipped: mount -o {opts} refused: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
                let _ = std::fs::remove_dir(&p);
                None
            }
            Err(e) => {
                eprintln!("skipped: cannot run mount: {e}");
                let _ = std::fs::remove_dir(&p);
                None
            }
        }
    }
}

impl Drop for TmpfsMount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}
