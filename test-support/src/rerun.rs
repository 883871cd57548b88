//! Re-running one test of the current test binary in a child process with its own
//! environment (for process-wide state: `TMPDIR`, the umask).

use std::ffi::OsStr;
use std::process::Command;

const CHILD: &str = "EXECSAFE_TEST_RERUN_CHILD";

/// Whether this process is such a child.
pub fn in_child() -> bool {
    std::env::var_os(CHILD).is_some()
}

/// Runs test `test` again in a child with `envs` set and `remove` unset; asserts that it
/// ran and passed; returns its combined output.
pub fn rerun(test: &str, envs: &[(&str, &OsStr)], remove: &[&str]) -> String {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(CHILD, "1");
    for k in remove {
        c.env_remove(k);
    }
    for (k, v) in envs {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    let combined = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "child {test} failed:\n{combined}");
    assert!(
        combined.contains("1 passed"),
        "child {test} did not run:\n{combined}"
    );
    combined
}
