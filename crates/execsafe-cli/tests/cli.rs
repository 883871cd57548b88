//! End-to-end tests of the built `execsafe` binary.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod common;

use common::{EXE, Scratch, ZERO, digest, execsafe, run, stderr, sys_bin};

#[test]
fn digest_matches_sha256sum() {
    let s = Scratch::new("digest");
    let a = s.file("a", b"abc", 0o644);
    let b = s.file("b", &vec![9u8; 300_000], 0o644);
    let ours = run(execsafe().arg("digest").arg(&a).arg(&b));
    let theirs = run(Command::new("sha256sum").arg(&a).arg(&b));
    assert!(ours.status.success() && theirs.status.success());
    let ours = String::from_utf8(ours.stdout).unwrap();
    let theirs = String::from_utf8(theirs.stdout).unwrap();
    let want: String = theirs
        .lines()
        .fold(String::new(), |acc, l| acc + "sha256:" + l + "\n");
    assert_eq!(ours, want);
}

#[test]
fn run_with_the_right_digest_prints_the_restricted_env() {
    let env = PathBuf::from("/usr/bin/env");
    let out = run(execsafe()
        .args(["run", "--digest", &digest(&env), "--"])
        .arg(&env)
        .env("AWS_SECRET_ACCESS_KEY", "AKIA-secret")
        .env("LD_PRELOAD", "/nonexistent/evil.so")
        .env("HTTPS_PROXY", "http://bob:hunter2@proxy:3128")
        .env("HOME", "/home/test"));
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines().any(|l| l == "HTTPS_PROXY=http://proxy:3128"),
        "{text}"
    );
    assert!(text.lines().any(|l| l == "HOME=/home/test"), "{text}");
    assert!(
        text.lines()
            .any(|l| l == "PATH=/usr/bin:/bin:/usr/sbin:/sbin"),
        "{text}"
    );
    for bad in ["AWS_SECRET", "LD_PRELOAD", "hunter2", "CARGO"] {
        assert!(!text.contains(bad), "{bad} leaked:\n{text}");
    }
}

#[test]
fn wrong_digest_exits_125_and_runs_nothing() {
    let s = Scratch::new("wrong");
    let marker = s.0.join("ran");
    let script = s.file(
        "tool",
        format!("#!/bin/sh\ntouch {}\n", marker.display()).as_bytes(),
        0o755,
    );
    let out = run(execsafe()
        .args(["run", "--digest", ZERO, "--"])
        .arg(&script));
    assert_eq!(out.status.code(), Some(125));
    assert!(
        stderr(&out).starts_with("execsafe: ") && stderr(&out).contains("digest mismatch"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        stderr(&out).lines().count(),
        1,
        "one line: {}",
        stderr(&out)
    );
    assert!(!marker.exists());
    // Control: with the right digest the marker is created.
    let ok = run(execsafe()
        .args(["run", "--digest", &digest(&script), "--"])
        .arg(&script));
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(marker.exists());
}

#[test]
fn malformed_digest_and_bad_arguments_exit_125() {
    for args in [
        vec!["run", "--digest", "sha256:XYZ", "--", "/usr/bin/true"],
        vec!["run", "--", "/usr/bin/true"],
        vec![
            "run",
            "--digest",
            ZERO,
            "--env",
            "NOEQUALS",
            "--",
            "/usr/bin/true",
        ],
        vec![
            "run",
            "--digest",
            ZERO,
            "--secret",
            "LD_PRELOAD",
            "--",
            "/usr/bin/true",
        ],
        vec![
            "run",
            "--digest",
            ZERO,
            "--backend",
            "nope",
            "--",
            "/usr/bin/true",
        ],
    ] {
        let out = run(execsafe().args(&args));
        assert_eq!(out.status.code(), Some(125), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn symlinked_program_exits_125_naming_the_symlink() {
    let s = Scratch::new("symlink");
    let link = s.0.join("link");
    std::os::unix::fs::symlink("/usr/bin/true", &link).unwrap();
    let out = run(execsafe()
        .args(["run", "--digest", &digest(Path::new("/usr/bin/true")), "--"])
        .arg(&link));
    assert_eq!(out.status.code(), Some(125));
    assert!(stderr(&out).contains("symlink"), "{}", stderr(&out));
}

#[test]
fn exit_codes_are_passed_through() {
    let d = sys_bin("dash");
    let pin = digest(&d);
    let status = |backend: &str, script: &str| {
        run(execsafe()
            .args(["run", "--backend", backend, "--digest", &pin, "--"])
            .arg(&d)
            .args(["-c", script]))
        .status
    };
    // Supervised (temp-dir copy): exit codes passed through, a signal as 128+N.
    assert_eq!(status("tempdir", "exit 7").code(), Some(7));
    assert_eq!(status("tempdir", "exit 0").code(), Some(0));
    assert_eq!(status("tempdir", "kill -9 $$").code(), Some(137));
    assert_eq!(status("tempdir", "kill -15 $$").code(), Some(143));
    // Exec in place (memfd): execsafe *is* the program, so its status is the program's,
    // a death by signal included (v0.1 reported 128+N as an exit code here too).
    assert_eq!(status("memfd", "exit 7").code(), Some(7));
    assert_eq!(status("memfd", "exit 0").code(), Some(0));
    assert_eq!(status("memfd", "kill -9 $$").signal(), Some(9));
    assert_eq!(status("memfd", "kill -15 $$").signal(), Some(15));
}

#[test]
fn missing_program_exits_127_and_unexecutable_126() {
    let out = run(execsafe().args(["run", "--digest", ZERO, "--", "/nonexistent/prog"]));
    assert_eq!(out.status.code(), Some(127), "{}", stderr(&out));
    let out = run(execsafe().args(["run", "--no-verify", "--", "no-such-program-anywhere"]));
    assert_eq!(out.status.code(), Some(127), "{}", stderr(&out));
    let s = Scratch::new("noexec-file");
    let f = s.file("data", b"not a program", 0o644);
    let out = run(execsafe().args(["run", "--no-verify", "--"]).arg(&f));
    assert_eq!(out.status.code(), Some(126), "{}", stderr(&out));
}

#[test]
fn secret_is_passed_and_env_redacts_it() {
    let env = PathBuf::from("/usr/bin/env");
    let out = run(execsafe()
        .args([
            "run",
            "--digest",
            &digest(&env),
            "--secret",
            "MY_TOKEN",
            "--env",
            "MODE=ci",
            "--",
        ])
        .arg(&env)
        .env("MY_TOKEN", "tok-s3cret"));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().any(|l| l == "MY_TOKEN=tok-s3cret"), "{text}");
    assert!(text.lines().any(|l| l == "MODE=ci"), "{text}");

    let out = run(execsafe()
        .args(["env", "--secret", "MY_TOKEN"])
        .env("MY_TOKEN", "tok-s3cret"));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().any(|l| l == "MY_TOKEN=<redacted>"), "{text}");
    assert!(!text.contains("tok-s3cret"));
    let out = run(execsafe()
        .args(["env", "--secret", "MY_TOKEN", "--show-secrets"])
        .env("MY_TOKEN", "tok-s3cret"));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .any(|l| l == "MY_TOKEN=tok-s3cret")
    );
}

#[test]
fn env_redacts_kept_proxy_credentials() {
    let out = run(execsafe()
        .args(["env", "--keep-proxy-credentials"])
        .env("HTTPS_PROXY", "http://bob:hunter2@proxy:3128"));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines().any(|l| l == "HTTPS_PROXY=<redacted>"),
        "{text}"
    );
    let out = run(execsafe()
        .args(["env"])
        .env("HTTPS_PROXY", "http://bob:hunter2@proxy:3128"));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines().any(|l| l == "HTTPS_PROXY=http://proxy:3128"),
        "{text}"
    );
}

#[test]
fn verbose_names_backend_digest_and_keys_never_values() {
    let env = PathBuf::from("/usr/bin/env");
    let pin = digest(&env);
    let out = run(execsafe()
        .args(["run", "-v", "--digest", &pin, "--secret", "MY_TOKEN", "--"])
        .arg(&env)
        .env("MY_TOKEN", "tok-s3cret"));
    let err = stderr(&out);
    // /usr/bin/env is root's, 0755: it runs in place, and -v says why.
    assert!(
        err.contains("backend in-place")
            && err.contains("in place: owned by root")
            && err.contains(&pin)
            && err.contains("MY_TOKEN"),
        "{err}"
    );
    assert!(!err.contains("tok-s3cret"), "{err}");
}

#[test]
fn help_has_an_example_for_every_subcommand() {
    for sub in ["digest", "run", "env"] {
        let out = run(execsafe().args([sub, "--help"]));
        assert!(out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Example"),
            "{sub}"
        );
    }
}

/// 200 runs (success and failure, both backends) under a private TMPDIR leave it empty.
fn two_hundred_runs(exe: &Path, tmp: &Path, wrap: impl Fn(&Path) -> Command) {
    let s = Scratch::new("bins200");
    let script = s.file("s.sh", b"#!/bin/sh\nexit 3\n", 0o755);
    let truep = s.file("true", &std::fs::read("/usr/bin/true").unwrap(), 0o755);
    let (pin_s, pin_t) = (digest(&script), digest(&truep));
    for i in 0..200 {
        let mut c = wrap(exe);
        c.env("TMPDIR", tmp)
            .env_remove("XDG_RUNTIME_DIR")
            .arg("run");
        let want = match i % 4 {
            0 => {
                c.args(["--backend", "tempdir", "--digest", &pin_t, "--"])
                    .arg(&truep);
                0
            }
            1 => {
                c.args(["--digest", &pin_s, "--"]).arg(&script);
                3
            }
            2 => {
                c.args(["--backend", "tempdir", "--digest", ZERO, "--"])
                    .arg(&truep);
                125
            }
            _ => {
                c.args(["--digest", &pin_t, "--"]).arg(&truep);
                0
            }
        };
        let out = c.output().unwrap();
        assert_eq!(out.status.code(), Some(want), "run {i}: {}", stderr(&out));
    }
    let left: Vec<_> = std::fs::read_dir(tmp).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn nothing_left_after_200_runs() {
    let tmp = Scratch::new("tmp200");
    std::fs::set_permissions(&tmp.0, std::fs::Permissions::from_mode(0o700)).unwrap();
    two_hundred_runs(Path::new(EXE), &tmp.0, |exe| Command::new(exe));
}

#[test]
fn nothing_left_after_200_runs_as_unprivileged_user() {
    if !rustix::process::geteuid().is_root() {
        eprintln!("not root: nothing_left_after_200_runs already ran unprivileged");
        return;
    }
    let tmp = Scratch::new("tmp200-nobody");
    std::fs::set_permissions(&tmp.0, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::os::unix::fs::chown(&tmp.0, Some(65534), Some(65534)).unwrap();
    // The build dir may not be reachable by uid 65534: copy the binary out.
    let bin = Scratch::new("nobody-bin");
    let exe = bin.file("execsafe", &std::fs::read(EXE).unwrap(), 0o755);
    two_hundred_runs(&exe, &tmp.0, |exe| {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(exe);
        c
    });
}

#[test]
fn sigterm_and_sigint_reach_the_child_and_the_copy_is_removed() {
    let d = sys_bin("dash");
    let pin = digest(&d);
    for (sig, code) in [
        (rustix::process::Signal::TERM, 42),
        (rustix::process::Signal::INT, 43),
    ] {
        let tmp = Scratch::new("sig");
        let script = format!(
            "trap 'exit {code}' {}; echo ready; while :; do sleep 0.05; done",
            if code == 42 { "TERM" } else { "INT" }
        );
        let mut child = execsafe()
            .args(["run", "--backend", "tempdir", "--digest", &pin, "--"])
            .arg(&d)
            .args(["-c", &script])
            .env("TMPDIR", &tmp.0)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        // Watchdog: a hung child must fail the test, not hang CI. It kills only if the
        // test has not reported back within 60 s (so never a recycled pid).
        let (done, watchdog) = std::sync::mpsc::channel::<()>();
        let pid = rustix::process::Pid::from_child(&child);
        let dog = std::thread::spawn(move || {
            if watchdog
                .recv_timeout(std::time::Duration::from_secs(60))
                .is_err()
            {
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
            }
        });
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line, "ready\n");
        // v0.2: an ELF copy is unlinked as soon as the child has exec'd it (v0.1 kept it
        // until the child exited); the running child is unaffected.
        // (execsafe removes it right after `spawn` returns; the child may print first.)
        let t = std::time::Instant::now();
        while !tmp.entries().is_empty() && t.elapsed().as_secs() < 10 {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(
            tmp.entries().is_empty(),
            "ELF copy still on disk while the child runs: {:?}",
            tmp.entries()
        );
        rustix::process::kill_process(rustix::process::Pid::from_child(&child), sig).unwrap();
        let status = child.wait().unwrap();
        done.send(()).unwrap();
        dog.join().unwrap();
        assert_eq!(status.code(), Some(code), "{sig:?}");
        assert!(tmp.entries().is_empty(), "copy left behind after {sig:?}");
    }
}
