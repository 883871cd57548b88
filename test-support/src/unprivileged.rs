//! Running a test body as an unprivileged user (uid/gid 65534), shared by the test suites
//! of several crates.
//!
//! Root bypasses file permissions, so permission bugs (a sealed 0500 dir that its owner
//! cannot empty) are invisible to tests run as root, which CI is. [`as_nobody`] re-runs
//! the *current test* in a child process under `setpriv --reuid=65534 --regid=65534
//! --clear-groups`, from a copy of the test binary in a world-readable directory (the
//! build directory may sit where that user cannot reach it).

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The uid and gid the child runs as.
pub const NOBODY: u32 = 65534;
const MARKER: &str = "EXECSAFE_TEST_AS_NOBODY";

/// Whether this process is the unprivileged re-run.
pub fn is_nobody_child() -> bool {
    std::env::var_os(MARKER).is_some()
}

/// A directory that `NOBODY` owns (mode 0700), for use as a private base dir.
/// Removed on drop (as root).
pub struct NobodyDir(pub PathBuf);

impl NobodyDir {
    /// Owned by `NOBODY` when this process is root, else by the current user.
    pub fn new(tag: &str) -> Self {
        let d = Self::mine(tag);
        if rustix::process::geteuid().is_root() {
            std::os::unix::fs::chown(&d.0, Some(NOBODY), Some(NOBODY)).unwrap();
        }
        d
    }

    /// A 0700 directory owned by the current user.
    pub fn mine(tag: &str) -> Self {
        let p = std::env::temp_dir().join(format!(
            "execsafe-{tag}-{}-{}",
            std::process::id(),
            unique()
        ));
        std::fs::create_dir(&p).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o700)).unwrap();
        Self(p)
    }

    pub fn entries(&self) -> Vec<PathBuf> {
        std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect()
    }
}

impl Drop for NobodyDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// The current test binary copied into a fresh 0755 directory (`(dir, exe)`), where any
/// uid can run it: the build dir may sit where uid 65534 cannot reach it. The caller
/// removes `dir`.
pub fn copy_of_self(tag: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "execsafe-{tag}-{}-{}",
        std::process::id(),
        unique()
    ));
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let exe = dir.join("test-binary");
    std::fs::copy(std::env::current_exe().unwrap(), &exe).unwrap();
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    (dir, exe)
}

/// Runs the test named `test_name` of the current test binary again, as uid/gid 65534,
/// with `envs` added, and asserts that it passed. Returns `false` (after saying why on
/// stderr) when this process is not root, in which case the caller should run the body
/// directly: it is already unprivileged.
pub fn as_nobody(test_name: &str, envs: &[(&str, OsString)]) -> bool {
    if !rustix::process::geteuid().is_root() {
        eprintln!("not root: running {test_name} directly, already unprivileged");
        return false;
    }
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
        .into_iter()
        .map(Path::new)
        .find(|p| p.exists())
        .expect("setpriv (util-linux) is required to test as an unprivileged user");
    let (copy_dir, exe) = copy_of_self("nobody-bin");
    let mut cmd = Command::new(setpriv);
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(&exe)
        .args(["--exact", test_name, "--nocapture", "--test-threads=1"])
        .env(MARKER, "1")
        .env_remove("XDG_RUNTIME_DIR")
        .current_dir(&copy_dir);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let _ = std::fs::remove_dir_all(&copy_dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!(
        "--- {test_name} as uid 65534 ---\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{test_name} failed as uid 65534");
    // The child really ran the test (and did not filter it away).
    assert!(
        stdout.contains("1 passed"),
        "{test_name} did not run in the child"
    );
    true
}
