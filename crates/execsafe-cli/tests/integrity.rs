//! v0.2 integrity through the CLI: exec in place, no credentials readable by the child,
//! no same-uid rewrite of the copy, no procfs, nothing left behind after signals and
//! resource limits — as root and as uid 65534.
#![cfg(target_os = "linux")]
use execsafe_test_support::attack;
mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use common::{
    NobodyExe, Scratch, digest, execsafe, is_root, nobody_tmp, run, stderr, stdout, sys_bin,
};

const MARKER: &str = "marker-credential-7731";

/// `execsafe` as root (`None`) or as uid 65534 (`Some`), with TMPDIR set.
fn cli(nobody: Option<&NobodyExe>, tmp: &Path) -> Command {
    let mut c = nobody.map_or_else(execsafe, NobodyExe::command);
    c.env("TMPDIR", tmp);
    c
}

/// Both identities where this process is root; only its own otherwise.
fn identities() -> Vec<Option<NobodyExe>> {
    if is_root() {
        vec![None, Some(NobodyExe::new())]
    } else {
        vec![None]
    }
}

/// A private TMPDIR owned by whoever runs (`who`).
fn tmp_for(who: Option<&NobodyExe>, tag: &str) -> Scratch {
    if who.is_some() {
        nobody_tmp(tag)
    } else {
        let t = Scratch::new(tag);
        std::fs::set_permissions(&t.0, std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .unwrap();
        t
    }
}

fn empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().next().is_none()
}

#[test]
fn exec_in_place_keeps_the_pid_supervising_does_not() {
    let d = sys_bin("dash");
    let pin = digest(&d);
    for (backend, same) in [("memfd", true), ("tempdir", false)] {
        let child = execsafe()
            .args(["run", "--backend", backend, "--digest", &pin, "--"])
            .arg(&d)
            .args(["-c", "echo $$"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id().to_string();
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            stdout(&out).trim() == pid,
            same,
            "{backend}: {} vs {pid}",
            stdout(&out)
        );
    }
}

#[test]
fn children_cannot_read_the_credentials_execsafe_holds() {
    if !is_root() {
        eprintln!("skipped: needs root to run execsafe as uid 65534 (root reads any environ)");
        return;
    }
    let nobody = NobodyExe::new();
    let tmp = nobody_tmp("environ");
    let s = Scratch::new("environ-bins");
    // Supervised: a script (temp-dir copy) whose parent is execsafe.
    let peek = s.write_exec(
        "peek.sh",
        b"#!/bin/sh\necho \"ppid=$PPID\"\ntr '\\0' '\\n' < /proc/$PPID/environ 2>&1\ntr '\\0' '\\n' < /proc/self/environ\n",
    );
    // Exec in place: python, which *is* the former execsafe process.
    let py = std::fs::canonicalize("/usr/bin/python3").unwrap();
    let py_code = "import os\nfor p in ('/proc/self/environ', f'/proc/{os.getppid()}/environ'):\n    try: print(open(p,'rb').read().replace(b'\\0', b'\\n').decode())\n    except OSError as e: print(p, e)\n";
    for (prog, args) in [(&peek, vec![]), (&py, vec!["-c", py_code])] {
        let out = run(cli(Some(&nobody), &tmp.0)
            .args(["run", "--digest", &digest(prog), "--"])
            .arg(prog)
            .args(&args)
            .env("AWS_SECRET_ACCESS_KEY", MARKER)
            .env("HTTPS_PROXY", format!("http://u:{MARKER}@proxy:1")));
        assert!(out.status.success(), "{}", stderr(&out));
        let text = stdout(&out);
        println!("--- {} ---\n{text}", prog.display());
        assert!(
            !text.contains(MARKER),
            "credential readable by the child:\n{text}"
        );
        assert!(
            text.contains("PATH=/usr/bin:/bin:/usr/sbin:/sbin"),
            "{text}"
        );
    }
    assert!(empty(&tmp.0));
}

#[test]
fn same_uid_attacker_cannot_rewrite_the_cli_copy() {
    const TEST: &str = "same_uid_attacker_cannot_rewrite_the_cli_copy";
    if attack::role().as_deref() == Some("memfd") {
        return attack::memfd_rewriter();
    }
    if !is_root() {
        eprintln!("skipped: needs root to run victim and attacker as uid 65534");
        return;
    }
    let nobody = NobodyExe::new();
    let tmp = nobody_tmp("cli-memfd");
    let s = Scratch::new("cli-memfd-bins");
    let big = attack::big_true(&s.0, 64);
    let fals = s.copy_sys("false", "false");
    let pin = digest(&big);
    let attacker = attack::spawn_attacker(
        TEST,
        "memfd",
        Some(65534),
        &[("EXECSAFE_PAYLOAD", fals.into_os_string())],
    );
    let (mut attacker_ran, mut blocked) = (0, 0);
    for _ in 0..20 {
        let out = run(cli(Some(&nobody), &tmp.0)
            .args(["run", "--digest", &pin, "--"])
            .arg(&big));
        // 0: `true` ran. 126 with "busy": the attacker held the sealed memfd open for
        // writing, so the kernel refused to execute it (a denial of service). Anything
        // else is bytes that were not pinned (`false`: 1; a half-overwritten ELF may crash).
        match out.status.code() {
            Some(0) => {}
            Some(126) if stderr(&out).contains("busy") => blocked += 1,
            _ => attacker_ran += 1,
        }
    }
    let report = attacker.finish();
    println!(
        "20 CLI runs: attacker's bytes ran {attacker_ran} times, exec blocked (ETXTBSY) {blocked}; {report}"
    );
    assert_eq!(attack::field(&report, "writes"), 0, "{report}");
    assert_eq!(attacker_ran, 0);
}

#[test]
fn without_procfs_auto_runs_and_memfd_names_procfs() {
    if !is_root() {
        eprintln!("skipped: a private mount namespace needs root");
        return;
    }
    let t = sys_bin("true");
    let pin = digest(&t);
    let script = format!(
        r#"mount -t tmpfs none /proc || exit 90
"$0" run --digest {pin} -- {t} || exit 91
"$0" run --backend memfd --digest {pin} -- {t}; echo "memfd-exit=$?""#,
        t = t.display()
    );
    let out = run(Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", &script])
        .arg(common::EXE));
    let (o, e) = (stdout(&out), stderr(&out));
    assert!(out.status.success(), "{o}{e}");
    assert!(o.contains("memfd-exit=125"), "{o}{e}");
    assert!(e.contains("procfs"), "{e}");
}

#[test]
fn sigterm_while_verifying_leaves_nothing() {
    let s = Scratch::new("sigterm-verify");
    let big = attack::big_true(&s.0, 300);
    let pin = digest(&big);
    for who in identities() {
        let tmp = tmp_for(who.as_ref(), "sigterm");
        let mut child = cli(who.as_ref(), &tmp.0)
            .args(["run", "--backend", "tempdir", "--digest", &pin, "--"])
            .arg(&big)
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(
            !empty(&tmp.0) || child.try_wait().unwrap().is_none(),
            "not verifying at 0.1 s"
        );
        rustix::process::kill_process(
            rustix::process::Pid::from_child(&child),
            rustix::process::Signal::TERM,
        )
        .unwrap();
        let st = child.wait().unwrap();
        assert_eq!(st.code(), Some(143), "{st:?}");
        assert!(
            empty(&tmp.0),
            "left: {:?}",
            std::fs::read_dir(&tmp.0).unwrap().collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_file_size_limit_is_a_clean_error() {
    let s = Scratch::new("fsize");
    let big = attack::big_true(&s.0, 4);
    let pin = digest(&big);
    for who in identities() {
        for backend in ["tempdir", "memfd"] {
            let tmp = tmp_for(who.as_ref(), "fsize");
            let mut c = Command::new("prlimit");
            c.arg("--fsize=1048576").arg("--");
            let inner = cli(who.as_ref(), &tmp.0);
            c.arg(inner.get_program())
                .args(inner.get_args())
                .env("TMPDIR", &tmp.0)
                .env_remove("XDG_RUNTIME_DIR");
            let out = run(c
                .args(["run", "--backend", backend, "--digest", &pin, "--"])
                .arg(&big));
            assert_eq!(out.status.code(), Some(125), "{backend}: {out:?}");
            assert!(stderr(&out).contains("RLIMIT_FSIZE"), "{}", stderr(&out));
            assert!(empty(&tmp.0), "{backend}: copy left behind");
        }
    }
}

#[test]
fn at_the_fd_limit_nothing_is_left() {
    let t = sys_bin("true");
    let pin = digest(&t);
    for who in identities() {
        let tmp = tmp_for(who.as_ref(), "nofile");
        let mut lowest = None;
        for n in 3..=32 {
            let inner = cli(who.as_ref(), &tmp.0);
            let out = run(Command::new("prlimit")
                .arg(format!("--nofile={n}"))
                .arg("--")
                .arg(inner.get_program())
                .args(inner.get_args())
                .env("TMPDIR", &tmp.0)
                .args(["run", "--backend", "tempdir", "--digest", &pin, "--"])
                .arg(&t));
            assert!(
                empty(&tmp.0),
                "left behind at --nofile={n}: {}",
                stderr(&out)
            );
            if out.status.success() && lowest.is_none() {
                lowest = Some(n);
            }
        }
        println!(
            "lowest --nofile that runs: {lowest:?} (nobody: {})",
            who.is_some()
        );
        assert!(lowest.is_some());
    }
}

#[test]
fn a_sigkilled_supervisor_s_copy_is_removed_by_the_next_run() {
    let s = Scratch::new("sigkill-bins");
    let sleeper = s.write_exec("sleeper.sh", b"#!/bin/sh\necho $$\nexec sleep 30\n");
    let (pin_s, t) = (digest(&sleeper), sys_bin("true"));
    let pin_t = digest(&t);
    for who in identities() {
        let tmp = tmp_for(who.as_ref(), "sigkill");
        let mut sup = cli(who.as_ref(), &tmp.0)
            .args(["run", "--backend", "tempdir", "--digest", &pin_s, "--"])
            .arg(&sleeper)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(sup.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let script_pid: i32 = line.trim().parse().unwrap();
        sup.kill().unwrap(); // SIGKILL: no cleanup runs
        sup.wait().unwrap();
        let _ = rustix::process::kill_process(
            rustix::process::Pid::from_raw(script_pid).unwrap(),
            rustix::process::Signal::KILL,
        );
        assert!(!empty(&tmp.0), "the killed supervisor left its sealed copy");
        let out = run(cli(who.as_ref(), &tmp.0)
            .args(["run", "--backend", "tempdir", "--digest", &pin_t, "--"])
            .arg(&t));
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            empty(&tmp.0),
            "stale copy not reaped (nobody: {})",
            who.is_some()
        );
    }
}

#[test]
fn no_thread_for_the_hasher_falls_back_to_the_serial_copy() {
    if !is_root() {
        eprintln!(
            "skipped: RLIMIT_NPROC is only enforced for a non-root uid (needs root to switch)"
        );
        return;
    }
    let nobody = NobodyExe::new();
    let s = Scratch::new("nproc");
    let big = attack::big_true(&s.0, 4); // > one 256 KiB buffer: the two-thread pipeline
    let pin = digest(&big);
    // One process, no thread: `std::thread::Builder::spawn_scoped` fails with EAGAIN.
    // RLIMIT_NPROC counts every process of the uid, and other tests run as 65534 at the
    // same time: this one runs as a uid of its own.
    let mut inner = Command::new("setpriv");
    inner
        .args(["--reuid=61234", "--regid=61234", "--clear-groups", "--"])
        .arg(&nobody.exe);
    let out = run(Command::new("prlimit")
        .arg("--nproc=1")
        .arg("--")
        .arg(inner.get_program())
        .args(inner.get_args())
        .args(["run", "--digest", &pin, "--"])
        .arg(&big));
    assert!(out.status.success(), "{out:?}: {}", stderr(&out));
    // And the limit really bites: a thread-hungry program fails under it.
    let probe = run(Command::new("prlimit")
        .arg("--nproc=1")
        .arg("--")
        .arg(inner.get_program())
        .args(inner.get_args())
        .args(["run", "--backend", "tempdir", "--digest", &pin, "--"])
        .arg(&big));
    assert!(
        !probe.status.success(),
        "RLIMIT_NPROC=1 did not stop a fork: {probe:?}"
    );
}
