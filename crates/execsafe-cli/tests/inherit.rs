//! The child inherits no descriptor it was not handed. execsafe is started with a secret
//! file on fd 7 and a pipe on fd 9, neither close-on-exec (as a shell or a CI runner
//! leaves them); the program checks each fd with the shell (`<&N`, no procfs needed).
//! v0.2 passed both on, on the exec-in-place path and the supervised path alike.
#![cfg(target_os = "linux")]
mod common;

use std::io::Write;
use std::os::fd::OwnedFd;
use std::path::Path;
use std::process::{Command, Output};

use command_fds::{CommandFdExt, FdMapping};
use common::{Scratch, digest, execsafe, is_root, run, stderr, stdout};

const SECRET: &str = "fd-secret-7f3a9c";
/// Prints, for fds 7 and 9, `N:open:<first line>` or `N:closed`.
const PROBE: &str = r#"for n in 7 9; do if l=$(eval "head -n1 <&$n" 2>/dev/null); then echo "$n:open:$l"; else echo "$n:closed"; fi; done"#;

/// fd 7: the secret file; fd 9: the read end of a pipe holding a line.
fn extra_fds(s: &Scratch) -> Vec<FdMapping> {
    let secret = s.file("secret.txt", format!("{SECRET}\n").as_bytes(), 0o600);
    let (r, mut w) = std::io::pipe().unwrap();
    w.write_all(b"through-the-pipe\n").unwrap();
    drop(w);
    vec![
        FdMapping {
            parent_fd: OwnedFd::from(std::fs::File::open(secret).unwrap()),
            child_fd: 7,
        },
        FdMapping {
            parent_fd: OwnedFd::from(r),
            child_fd: 9,
        },
    ]
}

fn probe(s: &Scratch, extra: &[&str], program: &Path, args: &[&str]) -> Output {
    let pin = digest(program);
    let mut c = execsafe();
    c.args(["run", "-v"])
        .args(extra)
        .args(["--digest", &pin, "--"])
        .arg(program)
        .args(args);
    c.fd_mappings(extra_fds(s)).unwrap();
    run(&mut c)
}

fn dash() -> std::path::PathBuf {
    std::fs::canonicalize("/bin/sh").unwrap()
}

/// (label, extra args, program, program args, expected backend).
type Case = (
    &'static str,
    Vec<&'static str>,
    std::path::PathBuf,
    Vec<&'static str>,
    &'static str,
);

fn cases(s: &Scratch) -> Vec<Case> {
    let script = s.write_exec("probe.sh", format!("#!/bin/sh\n{PROBE}\n").as_bytes());
    if is_root() {
        std::os::unix::fs::chown(&script, Some(65534), Some(65534)).unwrap(); // not in place
    }
    let in_place = if is_root() { "in-place" } else { "memfd" };
    vec![
        (
            "ELF (exec in place)",
            vec![],
            dash(),
            vec!["-c", PROBE],
            in_place,
        ),
        (
            "script from its sealed memfd",
            vec![],
            script,
            vec![],
            "memfd",
        ),
        (
            "ELF from a temp dir (supervised)",
            vec!["--backend", "tempdir"],
            dash(),
            vec!["-c", PROBE],
            "tempdir",
        ),
    ]
}

#[test]
fn inherited_descriptors_do_not_reach_the_program() {
    let s = Scratch::new("inherit");
    for (label, extra, program, args, backend) in cases(&s) {
        let o = probe(&s, &extra, &program, &args);
        let out = stdout(&o);
        println!("{label}: {}", out.trim().replace('\n', ", "));
        assert!(o.status.success(), "{label}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("backend {backend}")),
            "{label}: {}",
            stderr(&o)
        );
        assert!(
            !out.contains(SECRET),
            "{label}: the secret reached the child: {out}"
        );
        assert_eq!(
            out.lines().collect::<Vec<_>>(),
            ["7:closed", "9:closed"],
            "{label}"
        );
    }
}

#[test]
fn keep_fd_passes_exactly_that_descriptor() {
    let s = Scratch::new("keep-fd");
    for (label, mut extra, program, args, _) in cases(&s) {
        extra.extend(["--keep-fd", "9"]);
        let o = probe(&s, &extra, &program, &args);
        let out = stdout(&o);
        assert!(o.status.success(), "{label}: {}", stderr(&o));
        assert_eq!(
            out.lines().collect::<Vec<_>>(),
            ["7:closed", "9:open:through-the-pipe"],
            "{label}"
        );
    }
}

#[test]
fn a_kept_fd_that_is_not_open_is_refused_naming_it() {
    let t = common::sys_bin("true");
    let pin = digest(&t);
    let o = run(execsafe()
        .args(["run", "--keep-fd", "42", "--digest", &pin, "--"])
        .arg(&t));
    assert_eq!(o.status.code(), Some(125));
    assert!(
        stderr(&o).contains("--keep-fd 42") && stderr(&o).contains("not open"),
        "{}",
        stderr(&o)
    );
}

/// Without procfs the descriptors are still closed (`close_range(CLOSE_RANGE_CLOEXEC)`
/// needs no procfs) and `--keep-fd` still checks openness (`fcntl(F_GETFD)` per fd).
#[test]
fn without_procfs_descriptors_are_still_closed() {
    if !is_root() {
        eprintln!("skipped: a private mount namespace needs root");
        return;
    }
    let sh = dash();
    let pin = digest(&sh);
    let script = format!(
        r#"mount -t tmpfs none /proc || exit 90
"$0" run --digest {pin} -- {sh} -c '{PROBE}'
"$0" run --keep-fd 9 --digest {pin} -- {sh} -c '{PROBE}'
"$0" run --keep-fd 42 --digest {pin} -- {sh} -c true; echo "missing-exit=$?""#,
        sh = sh.display()
    );
    let s = Scratch::new("inherit-noproc");
    let mut c = Command::new("unshare");
    c.args(["--mount", "--propagation", "private", "sh", "-c", &script])
        .arg(common::EXE);
    c.fd_mappings(extra_fds(&s)).unwrap();
    let o = run(&mut c);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}{}", stderr(&o));
    assert!(!out.contains(SECRET), "{out}");
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            "7:closed",
            "9:closed",
            "7:closed",
            "9:open:through-the-pipe",
            "missing-exit=125"
        ],
        "{}",
        stderr(&o)
    );
}
