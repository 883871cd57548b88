//! A private temp dir left by a process that died (SIGKILL) is removed by the next one
//! created in the same base with the same prefix; live and brand-new ones are not.
use execsafe_test_support::unprivileged;

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

use execsafe_fs::SecureTempDir;
use unprivileged::{NobodyDir, as_nobody, is_nobody_child};

const TEST: &str = "a_dead_processes_sealed_dir_is_reaped_a_live_one_is_not";

#[test]
fn a_dead_processes_sealed_dir_is_reaped_a_live_one_is_not() {
    if std::env::var_os("EXECSAFE_REAP_HOLDER").is_some() {
        // The process that will be SIGKILLed: a sealed dir with a file, then wait.
        let base = std::env::var_os("EXECSAFE_REAP_BASE").unwrap();
        let d = SecureTempDir::new_in(&base, "reap-").unwrap();
        d.create_file("copy", 0o500).unwrap();
        d.seal().unwrap();
        println!("HOLDING {}", d.path().display());
        std::thread::sleep(std::time::Duration::from_secs(60));
        unreachable!("should have been killed");
    }
    if !is_nobody_child() {
        let base = NobodyDir::mine("reap");
        // As root, then as uid 65534 (who cannot empty a sealed 0500 dir without u+w).
        scenario(&base.0);
        let nobody = NobodyDir::new("reap-nobody");
        if as_nobody(
            TEST,
            &[("EXECSAFE_REAP_BASE", nobody.0.clone().into_os_string())],
        ) {
            assert!(nobody.entries().is_empty(), "{:?}", nobody.entries());
        }
        return;
    }
    let base = std::path::PathBuf::from(std::env::var_os("EXECSAFE_REAP_BASE").unwrap());
    scenario(&base);
}

fn scenario(base: &std::path::Path) {
    // A live dir of this process: locked, so never reaped.
    let alive = SecureTempDir::new_in(base, "reap-").unwrap();
    alive.create_file("copy", 0o500).unwrap();
    alive.seal().unwrap();
    // A dead one: a child holds it, then is SIGKILLed (no Drop runs).
    let mut holder = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", TEST, "--nocapture", "--test-threads=1"])
        .env("EXECSAFE_REAP_HOLDER", "1")
        .env("EXECSAFE_REAP_BASE", base)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut out = std::io::BufReader::new(holder.stdout.take().unwrap());
    while !line.contains("HOLDING") {
        line.clear();
        assert!(std::io::BufRead::read_line(&mut out, &mut line).unwrap() > 0);
    }
    let dead = std::path::PathBuf::from(line.split("HOLDING ").nth(1).unwrap().trim());
    holder.kill().unwrap();
    holder.wait().unwrap();
    assert!(dead.exists(), "the killed process left its dir");
    assert_eq!(
        std::fs::metadata(&dead).unwrap().permissions().mode() & 0o777,
        0o500
    );
    // An empty, unlocked, fresh dir: possibly a creator between mkdirat and flock.
    let fresh = base.join("reap-fresh");
    std::fs::create_dir(&fresh).unwrap();
    // Another prefix is never touched.
    let other = base.join("other-dir");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("f"), b"x").unwrap();

    let next = SecureTempDir::new_in(base, "reap-").unwrap();
    assert!(!dead.exists(), "the dead process's dir was not reaped");
    assert!(alive.path().exists(), "a live dir was reaped");
    assert!(fresh.exists(), "a fresh empty dir was reaped");
    assert!(other.join("f").exists());
    drop((next, alive));
    std::fs::remove_dir(&fresh).unwrap();
    std::fs::remove_dir_all(&other).unwrap();
    assert!(std::fs::read_dir(base).unwrap().next().is_none());
}
