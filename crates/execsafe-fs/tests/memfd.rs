//! Sealed memfds: seals read back, writes refused, and a sealed copy of /bin/true runs.
#![cfg(target_os = "linux")]

use std::io::Write;
use std::os::unix::fs::MetadataExt;

use execsafe_fs::{ExecMemfd, open_binary_no_follow};

#[test]
fn seals_are_read_back_and_writes_fail_with_eperm() {
    let mut m = ExecMemfd::create("execsafe-test").unwrap();
    m.file().write_all(b"\x7fELF not really").unwrap();
    let sealed = m.seal().unwrap();
    assert!(sealed.is_fully_sealed().unwrap());
    // Opening for write may succeed, but no byte can be written, and the size is fixed.
    match std::fs::OpenOptions::new()
        .write(true)
        .open(sealed.exec_path())
    {
        Ok(mut w) => {
            let err = w.write_all(b"X").unwrap_err();
            assert_eq!(
                err.raw_os_error(),
                Some(rustix::io::Errno::PERM.raw_os_error()),
                "{err}"
            );
            let err = w.set_len(1).unwrap_err();
            assert_eq!(
                err.raw_os_error(),
                Some(rustix::io::Errno::PERM.raw_os_error()),
                "{err}"
            );
        }
        Err(e) => assert_eq!(
            e.raw_os_error(),
            Some(rustix::io::Errno::PERM.raw_os_error()),
            "{e}"
        ),
    }
    // The read-only fd cannot be written either.
    let mut ro = sealed.try_clone_file().unwrap();
    assert!(ro.write_all(b"X").is_err());
    assert_eq!(
        std::fs::read(sealed.exec_path()).unwrap(),
        b"\x7fELF not really"
    );
}

#[test]
fn sealed_copy_of_true_runs_via_proc_self_fd() {
    let src = open_binary_no_follow("/bin/true")
        .or_else(|_| open_binary_no_follow("/usr/bin/true"))
        .unwrap();
    let mut m = ExecMemfd::create("true").unwrap();
    std::io::copy(&mut &src, m.file()).unwrap();
    let sealed = m.seal().unwrap();
    let path = sealed.exec_path();
    assert!(path.starts_with("/proc/self/fd/"));
    assert!(std::fs::metadata(path).unwrap().mode() & 0o111 != 0);
    let status = std::process::Command::new(path).status().unwrap();
    assert!(status.success());
    let out = std::process::Command::new("/bin/false").status().unwrap();
    assert!(
        !out.success(),
        "sanity: a failing program is seen as failing"
    );
}

#[test]
fn memfd_is_closed_on_drop() {
    // Count only fds on this test's memfds: the other tests of this binary run in parallel
    // threads under `cargo test` and open fds of their own meanwhile.
    let ours = || {
        std::fs::read_dir("/proc/self/fd")
            .unwrap()
            .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
            .filter(|target| {
                target
                    .to_string_lossy()
                    .starts_with("/memfd:closed-on-drop")
            })
            .count()
    };
    let mut live = Vec::new();
    for _ in 0..5 {
        let mut m = ExecMemfd::create("closed-on-drop").unwrap();
        m.file().write_all(b"x").unwrap();
        live.push(m.seal().unwrap());
    }
    assert_eq!(ours(), 5, "the probe sees live memfds");
    drop(live);
    for _ in 0..50 {
        let mut m = ExecMemfd::create("closed-on-drop").unwrap();
        m.file().write_all(b"x").unwrap();
        drop(m.seal().unwrap());
    }
    assert_eq!(ours(), 0, "memfd fds left open");
}
