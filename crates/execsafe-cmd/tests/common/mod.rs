//! Helpers for the execsafe-cmd integration tests.
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use execsafe_cmd::{CommandOptions, ExecBackend, RestrictedCommand};

/// A world-readable scratch directory, removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> Self {
        static N: AtomicU64 = AtomicU64::new(0);
        let p = std::env::temp_dir().join(format!(
            "execsafe-cmd-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&p).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        Self(p)
    }

    /// Copies a system program (`true`, `echo`, `env`, `cat`, `false`) in, mode 0755.
    pub fn copy_sys(&self, prog: &str, as_name: &str) -> PathBuf {
        let dst = self.0.join(as_name);
        std::fs::copy(sys_bin(prog), &dst).unwrap();
        std::fs::set_permissions(&dst, std::fs::Permissions::from_mode(0o755)).unwrap();
        dst
    }

    /// Writes `content` as an executable file.
    pub fn write_exec(&self, name: &str, content: &[u8]) -> PathBuf {
        let dst = self.0.join(name);
        std::fs::write(&dst, content).unwrap();
        std::fs::set_permissions(&dst, std::fs::Permissions::from_mode(0o755)).unwrap();
        dst
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn sys_bin(prog: &str) -> PathBuf {
    ["/usr/bin", "/bin"]
        .iter()
        .map(|d| Path::new(d).join(prog))
        .find(|p| p.symlink_metadata().is_ok_and(|m| m.is_file()))
        .unwrap_or_else(|| panic!("{prog} not found"))
}

pub fn digest_of(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    execsafe_digest::hash_reader(&bytes[..])
        .unwrap()
        .0
        .to_string()
}

/// Number of open fds of this process.
pub fn fd_count() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// Entries of a directory.
pub fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

const THREADS: usize = 8;
const PER_THREAD: usize = 100;

/// 8 threads × 100 verified spawns of `true` with `backend`; asserts zero failures.
pub fn hammer(backend: ExecBackend) {
    let scratch = Scratch::new("conc");
    let t = scratch.copy_sys("true", "true");
    let pin = digest_of(&t);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                scope.spawn(|| {
                    let o = CommandOptions {
                        backend,
                        ..CommandOptions::default()
                    };
                    let mut errs = Vec::new();
                    for _ in 0..PER_THREAD {
                        let r = RestrictedCommand::new_verified(&t, &pin, [] as [&str; 0], &o)
                            .map_err(|e| format!("verify: {e:?}"))
                            .and_then(|c| {
                                assert_eq!(c.verified().unwrap().backend(), backend);
                                c.status()
                                    .map_err(|e| format!("spawn: {e} ({:?})", e.raw_os_error()))
                            });
                        match r {
                            Ok(st) if st.success() => {}
                            Ok(st) => errs.push(format!("exit {st}")),
                            Err(e) => errs.push(e),
                        }
                    }
                    errs
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{backend:?}: {} failures, e.g. {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    println!(
        "{backend:?}: {} verified spawns, 0 failures",
        THREADS * PER_THREAD
    );
}
