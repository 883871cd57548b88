//! `harden_process`: after it, a same-uid process cannot read the host's
//! `/proc/<pid>/environ` or list its fds, and an inherited fd reaches no child unless
//! kept. The host runs as uid 65534 (as root, `/proc` permissions would not apply to the
//! reader); each reader is a real second process (`cat`, `ls`) of that uid.
#![cfg(target_os = "linux")]
use std::os::fd::AsRawFd;
use std::process::{Command, Stdio};

use execsafe_fs::harden_process;
use execsafe_test_support::unprivileged;

const TRIES: usize = 100;
const MARKER: &str = "EXECSAFE_HOST_CREDENTIAL=hunter2-8c1f";

/// How many of `TRIES` same-uid reads of this process's environ and fd list succeed (and
/// for environ, show the marker).
fn same_uid_reads() -> (usize, usize) {
    let pid = std::process::id();
    let (mut environ, mut fds) = (0, 0);
    for _ in 0..TRIES {
        let out = Command::new("cat")
            .arg(format!("/proc/{pid}/environ"))
            .stderr(Stdio::null())
            .output()
            .unwrap();
        if out.status.success() && String::from_utf8_lossy(&out.stdout).contains(MARKER) {
            environ += 1;
        }
        let out = Command::new("ls")
            .arg(format!("/proc/{pid}/fd"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        if out.success() {
            fds += 1;
        }
    }
    (environ, fds)
}

const HOST: &str = "a_hardened_host_is_closed_to_its_own_uid";

#[test]
fn a_hardened_host_is_closed_to_its_own_uid() {
    if unprivileged::is_nobody_child() || !rustix::process::geteuid().is_root() {
        let before = same_uid_reads();
        harden_process(&[]).unwrap();
        let after = same_uid_reads();
        println!(
            "same-uid reads of /proc/<host>/environ: {}/{TRIES} before, {}/{TRIES} after; of fd/: {}/{TRIES} before, {}/{TRIES} after",
            before.0, after.0, before.1, after.1
        );
        assert_eq!(
            before,
            (TRIES, TRIES),
            "the reader could not read a dumpable host"
        );
        assert_eq!(after, (0, 0), "a same-uid process read the hardened host");
        return;
    }
    // The marker must be in the host's *initial* environment (what /proc shows).
    assert!(unprivileged::as_nobody(
        HOST,
        &[(
            MARKER.split('=').next().unwrap(),
            MARKER.split('=').nth(1).unwrap().into()
        )]
    ));
}

/// Clears close-on-exec on `file`'s fd, as a shell leaves a redirection.
fn inheritable(file: &std::fs::File) {
    rustix::io::fcntl_setfd(file, rustix::io::FdFlags::empty()).unwrap();
}

fn child_sees(fd: i32) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("true <&{fd}"))
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success()
}

const CLOEXEC: &str = "inherited_fds_are_close_on_exec_unless_kept";

#[test]
fn inherited_fds_are_close_on_exec_unless_kept() {
    if !unprivileged::is_nobody_child() && rustix::process::geteuid().is_root() {
        // harden_process is for the whole process: run it in a process of its own.
        assert!(unprivileged::as_nobody(CLOEXEC, &[]));
        return;
    }
    let (a, b) = (
        std::fs::File::open("/").unwrap(),
        std::fs::File::open("/").unwrap(),
    );
    inheritable(&a);
    inheritable(&b);
    let (fa, fb) = (a.as_raw_fd(), b.as_raw_fd());
    assert!(
        child_sees(fa) && child_sees(fb),
        "the fixture is not inheritable"
    );
    harden_process(&[fb, 1, 99_999]).unwrap();
    assert!(
        !child_sees(fa),
        "fd {fa} reached a child after harden_process"
    );
    assert!(child_sees(fb), "kept fd {fb} did not reach the child");
    assert!(
        execsafe_fs::open_fds(3).contains(&fa),
        "harden_process closed a fd (it must only mark it)"
    );
}
