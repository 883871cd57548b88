//! Attackers as real second processes: the current test binary re-run in an attacker
//! role (`EXECSAFE_ATTACK_ROLE`), as another uid (65534, through `setpriv`) or as the
//! same uid, racing the real window with a polling loop until told to stop.
//!

use std::ffi::OsString;
use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{FileExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const ROLE: &str = "EXECSAFE_ATTACK_ROLE";
const STOP: &str = "EXECSAFE_ATTACK_STOP";
const READY: &str = "EXECSAFE-ATTACKER-READY";

/// The role this process was started in, if it is an attacker.
pub fn role() -> Option<String> {
    std::env::var(ROLE).ok()
}

/// A running attacker; [`Attacker::finish`] stops it and returns what it printed.
pub struct Attacker {
    child: Child,
    stop: PathBuf,
    out: BufReader<std::process::ChildStdout>,
}

/// Starts `test` of this binary again in `role`, as `uid` (via setpriv) or as this
/// process's uid, with `envs`; returns once it printed `ready`.
pub fn spawn_attacker(
    test: &str,
    role: &str,
    uid: Option<u32>,
    envs: &[(&str, OsString)],
) -> Attacker {
    let (dir, exe) = crate::unprivileged::copy_of_self("attacker");
    let stop = dir.join("stop");
    let mut cmd = match uid {
        Some(uid) => {
            let mut c = Command::new("setpriv");
            c.arg(format!("--reuid={uid}"))
                .arg(format!("--regid={uid}"))
                .args(["--clear-groups", "--"])
                .arg(&exe);
            c
        }
        None => Command::new(&exe),
    };
    cmd.args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(ROLE, role)
        .env(STOP, &stop)
        .current_dir(&dir)
        .stdout(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "attacker died before ready"
        );
        // libtest prints `test NAME ... ` without a newline before the test's output.
        if line.contains(READY) {
            break;
        }
    }
    Attacker { child, stop, out }
}

impl Attacker {
    /// Stops the attacker and returns its report line (`key=value ...`).
    pub fn finish(mut self) -> String {
        std::fs::write(&self.stop, b"stop").unwrap();
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut self.out, &mut rest).unwrap();
        assert!(
            self.child.wait().unwrap().success(),
            "attacker failed:\n{rest}"
        );
        let _ = std::fs::remove_dir_all(self.stop.parent().unwrap());
        rest.lines()
            .find(|l| l.starts_with("attacker:"))
            .unwrap_or_else(|| panic!("no report from the attacker:\n{rest}"))
            .to_owned()
    }
}

impl Drop for Attacker {
    /// A victim that panics still stops its attacker (no orphan holding the test's pipes)
    /// and removes the attacker's directory.
    fn drop(&mut self) {
        let _ = std::fs::write(&self.stop, b"stop");
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(dir) = self.stop.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A report value, e.g. `field(report, "writes")`.
pub fn field(report: &str, key: &str) -> u64 {
    report
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{key} not in {report}"))
}

/// Told to stop, or past the 120 s deadline (a victim that panicked never says stop).
fn stopped() -> bool {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_secs()
        > 120
        || Path::new(&std::env::var_os(STOP).unwrap()).exists()
}

fn ready() {
    println!("{READY}");
    std::io::stdout().flush().unwrap();
}

/// Attacker role `memfd`: scans `/proc/*/fd` of every process it may look into (same uid,
/// dumpable) for an `execsafe` memfd, opens it `O_WRONLY` and `pwrite`s the bytes of
/// `$EXECSAFE_PAYLOAD` at offset 0 until the write fails (the seal). Reports how many fds
/// it opened and how many writes succeeded.
pub fn memfd_rewriter() {
    let payload = std::fs::read(std::env::var_os("EXECSAFE_PAYLOAD").unwrap()).unwrap();
    let me = std::process::id().to_string();
    let (mut scans, mut opened, mut writes) = (0u64, 0u64, 0u64);
    ready();
    while !stopped() {
        scans += 1;
        let Ok(procs) = std::fs::read_dir("/proc") else {
            continue;
        };
        for p in procs.flatten() {
            let name = p.file_name();
            let name = name.to_string_lossy();
            if name == me || !name.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let Ok(fds) = std::fs::read_dir(p.path().join("fd")) else {
                continue; // not ours, or not dumpable (root-owned /proc/<pid>)
            };
            for fd in fds.flatten() {
                let is_copy = std::fs::read_link(fd.path())
                    .is_ok_and(|t| t.to_string_lossy().contains("memfd:execsafe"));
                if !is_copy {
                    continue;
                }
                let Ok(f) = OpenOptions::new().write(true).open(fd.path()) else {
                    continue;
                };
                opened += 1;
                while f.write_at(&payload, 0).is_ok() {
                    writes += 1;
                }
            }
        }
    }
    println!("attacker: scans={scans} opened={opened} writes={writes}");
}

/// Attacker role `tmpdir`: `$EXECSAFE_PUB` is a sticky world-writable dir holding the
/// attacker's symlink `link` → `real` (a root-owned dir the victim uses as TMPDIR through
/// the link). For every new `execsafe-exec-*` dir in `real` it builds a look-alike
/// `evil/<same dir>/<$EXECSAFE_NAME>` (a script printing `evil`), re-points `link` at
/// `evil` (symlink + rename), waits for the victim's dir to go, and points `link` back.
pub fn tmpdir_swapper() {
    let public = PathBuf::from(std::env::var_os("EXECSAFE_PUB").unwrap());
    let name = std::env::var("EXECSAFE_NAME").unwrap();
    let (real, evil, link, tmp) = (
        public.join("real"),
        public.join("evil"),
        public.join("link"),
        public.join("link.new"),
    );
    let point = |to: &Path| {
        let _ = std::fs::remove_file(&tmp);
        std::os::unix::fs::symlink(to, &tmp).unwrap();
        std::fs::rename(&tmp, &link).unwrap();
    };
    point(&real);
    let mut seen = std::collections::HashSet::new();
    let (mut scans, mut swaps) = (0u64, 0u64);
    ready();
    while !stopped() {
        scans += 1;
        let Ok(entries) = std::fs::read_dir(&real) else {
            continue;
        };
        for e in entries.flatten() {
            let dir = e.file_name();
            if !dir.to_string_lossy().starts_with("execsafe-exec-") || !seen.insert(dir.clone()) {
                continue;
            }
            let fake = evil.join(&dir);
            std::fs::create_dir_all(&fake).unwrap();
            let f = fake.join(&name);
            std::fs::write(&f, b"#!/bin/sh\necho evil\n").unwrap();
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o755)).unwrap();
            point(&evil);
            swaps += 1;
            let t = std::time::Instant::now();
            while real.join(&dir).exists() && t.elapsed().as_secs() < 10 {
                std::thread::yield_now();
            }
            point(&real);
        }
    }
    println!("attacker: scans={scans} swaps={swaps}");
}

/// `/bin/true` followed by `mib` MiB of zeros (an ELF runs with trailing bytes), 0755.
pub fn big_true(dir: &Path, mib: usize) -> PathBuf {
    let mut bytes = std::fs::read(crate::scratch::sys_bin("true")).unwrap();
    bytes.resize(bytes.len() + mib * 1024 * 1024, 0);
    let p = dir.join("big");
    std::fs::write(&p, &bytes).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

/// Attacker role `path-swap`: `$EXECSAFE_DIR` is a directory this (same-uid) attacker
/// owns, holding `big` (a root-owned binary the victim verifies) and `evil` (the
/// attacker's own binary). Whenever the parent process (the victim) holds `big` open —
/// seen in `/proc/<ppid>/fd` — it renames `big` away and `evil` into its place; once the
/// victim has let go of the original it swaps back.
pub fn path_swapper() {
    let dir = PathBuf::from(std::env::var_os("EXECSAFE_DIR").unwrap());
    let (big, evil, stash) = (dir.join("big"), dir.join("evil"), dir.join("stash"));
    let victim_fds = PathBuf::from(format!("/proc/{}/fd", std::os::unix::process::parent_id()));
    let holds = |target: &Path| {
        std::fs::read_dir(&victim_fds).is_ok_and(|fds| {
            fds.flatten()
                .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|t| t == target))
        })
    };
    let (mut scans, mut swaps) = (0u64, 0u64);
    ready();
    while !stopped() {
        scans += 1;
        if !holds(&big) {
            continue;
        }
        std::fs::rename(&big, &stash).unwrap();
        std::fs::rename(&evil, &big).unwrap();
        swaps += 1;
        // The victim's fd now shows the original as `stash`; wait for it to close it.
        let t = std::time::Instant::now();
        while holds(&stash) && t.elapsed().as_secs() < 30 && !stopped() {
            std::thread::yield_now();
        }
        std::fs::rename(&big, &evil).unwrap();
        std::fs::rename(&stash, &big).unwrap();
    }
    println!("attacker: scans={scans} swaps={swaps}");
}

/// Attacker role `script-tail`: rewrites `$EXECSAFE_TAIL` at offset `$EXECSAFE_OFFSET` of
/// every copy of the script `$EXECSAFE_NAME` it can reach as the same uid: a temp-dir
/// copy under `$TMPDIR` (`chmod u+w` — the file is its own — then `pwrite`) and a memfd
/// copy in any `/proc/*/fd` (`open(O_WRONLY)`, `pwrite`). Reports successful writes.
pub fn script_tail_rewriter() {
    let name = std::env::var("EXECSAFE_NAME").unwrap();
    let tail = std::env::var("EXECSAFE_TAIL").unwrap().into_bytes();
    let offset: u64 = std::env::var("EXECSAFE_OFFSET").unwrap().parse().unwrap();
    let base = std::env::temp_dir();
    let memfd_name = format!("memfd:execsafe:{name}");
    let me = std::process::id().to_string();
    let (mut scans, mut opened, mut writes) = (0u64, 0u64, 0u64);
    let mut write_to = |p: &Path| {
        let Ok(f) = OpenOptions::new().write(true).open(p) else {
            return;
        };
        opened += 1;
        if f.write_at(&tail, offset).is_ok() {
            writes += 1;
        }
    };
    ready();
    while !stopped() {
        scans += 1;
        for e in std::fs::read_dir(&base).into_iter().flatten().flatten() {
            if !e
                .file_name()
                .to_string_lossy()
                .starts_with("execsafe-exec-")
            {
                continue;
            }
            let copy = e.path().join(&name);
            if std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o700)).is_ok() {
                write_to(&copy);
            }
        }
        for p in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let pid = p.file_name();
            let pid = pid.to_string_lossy();
            if pid == me || !pid.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            for fd in std::fs::read_dir(p.path().join("fd"))
                .into_iter()
                .flatten()
                .flatten()
            {
                if std::fs::read_link(fd.path())
                    .is_ok_and(|t| t.to_string_lossy().contains(&memfd_name))
                {
                    write_to(&fd.path());
                }
            }
        }
    }
    println!("attacker: scans={scans} opened={opened} writes={writes}");
}
