//! Programs that find themselves run through `execsafe run` exactly as they run directly,
//! when their files are root-owned (in place). With `--backend memfd` (what v0.2's `Auto`
//! did) they do not: each check first shows that the copy breaks it, so the comparison can
//! fail.
#![cfg(target_os = "linux")]
mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{Scratch, digest, execsafe, is_root, run, stderr, stdout};

/// The same restricted environment execsafe gives, for the direct run.
fn direct(program: &Path, args: &[&OsStr]) -> Output {
    let mut c = Command::new(program);
    c.args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
    run(&mut c)
}

fn through(program: &Path, args: &[&OsStr], backend: &str) -> Output {
    let pin = digest(program);
    run(execsafe()
        .args(["run", "-v", "--backend", backend, "--digest", &pin, "--"])
        .arg(program)
        .args(args))
}

/// Asserts in place gives the direct run's output and status; returns whether the memfd
/// copy gave the same (for the report).
fn same_as_direct(what: &str, program: &Path, args: &[&OsStr]) -> bool {
    let d = direct(program, args);
    let ip = through(program, args, "auto");
    assert!(
        stderr(&ip).contains("backend in-place"),
        "{what}: {}",
        stderr(&ip)
    );
    assert_eq!(
        (ip.status.code(), stdout(&ip)),
        (d.status.code(), stdout(&d)),
        "{what}: in place differs from a direct run; stderr {}",
        stderr(&ip)
    );
    let m = through(program, args, "memfd");
    let memfd_same = (m.status.code(), stdout(&m)) == (d.status.code(), stdout(&d));
    println!(
        "{what}: direct {:?} {:?}; in place identical; memfd copy {}",
        d.status.code(),
        stdout(&d).trim(),
        if memfd_same { "identical" } else { "DIFFERENT" }
    );
    memfd_same
}

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

#[test]
fn programs_that_find_themselves_run_as_installed() {
    if !is_root() {
        eprintln!("not root: the system's files are root's, but this check compares them as root");
    }
    let mut memfd_same = Vec::new();
    memfd_same.push(same_as_direct(
        "readlink /proc/self/exe",
        Path::new("/usr/bin/readlink"),
        &[os("/proc/self/exe")],
    ));
    let node = std::fs::canonicalize("/usr/bin/node").unwrap();
    memfd_same.push(same_as_direct(
        "node process.execPath respawn",
        &node,
        &[
            os("-e"),
            os(r#"const r = require("child_process").spawnSync(process.execPath, ["-e", "console.log(40 + 2)"]); process.stdout.write(String(r.stdout) + (r.error ? r.error.code : ""))"#),
        ],
    ));
    let perl = std::fs::canonicalize("/usr/bin/perl").unwrap();
    memfd_same.push(same_as_direct(
        "perl $^X",
        &perl,
        &[os("-e"), os(r#"print qx{$^X -e "print 6*7"}, "\n""#)],
    ));
    // A script that reads a file beside itself (root's, in root-owned directories).
    let s = Scratch::new("beside");
    let script = s.write_exec(
        "show.sh",
        b"#!/bin/sh\ncat \"$(dirname \"$0\")/data.txt\"\n",
    );
    s.file("data.txt", b"data beside the script\n", 0o644);
    memfd_same.push(same_as_direct(
        "script reading $(dirname $0)/data.txt",
        &script,
        &[],
    ));
    assert!(
        memfd_same.iter().any(|same| !same),
        "no check tells a copy from the program: the comparison proves nothing"
    );
}

/// The toolchain's own `rustc` (not the rustup proxy) loads `librustc_driver` through its
/// `$ORIGIN` rpath: from a copy it cannot even start.
#[test]
fn the_toolchains_rustc_compiles_a_program_in_place() {
    let sysroot = Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .unwrap();
    let sysroot = PathBuf::from(String::from_utf8(sysroot.stdout).unwrap().trim());
    let rustc = std::fs::canonicalize(sysroot.join("bin/rustc")).unwrap();
    if std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(&rustc).unwrap()) != 0 {
        eprintln!(
            "{} is not root's: it is copied, not run in place",
            rustc.display()
        );
        return;
    }
    let s = Scratch::new("rustc");
    let src = s.file(
        "hello.rs",
        b"fn main() { println!(\"hello from a verified rustc\"); }\n",
        0o644,
    );
    let compile = |backend: &str, out: &Path| {
        through(
            &rustc,
            &[
                os("--edition=2021"),
                os("-o"),
                out.as_os_str(),
                src.as_os_str(),
            ],
            backend,
        )
    };
    let out = s.0.join("hello-in-place");
    let c = compile("auto", &out);
    assert!(c.status.success(), "rustc in place failed: {}", stderr(&c));
    assert!(stderr(&c).contains("backend in-place"), "{}", stderr(&c));
    let ran = run(&mut Command::new(&out));
    assert_eq!(stdout(&ran), "hello from a verified rustc\n");
    let m = compile("memfd", &s.0.join("hello-memfd"));
    println!(
        "rustc from a memfd copy: exit {:?}: {}",
        m.status.code(),
        stderr(&m).lines().last().unwrap_or("")
    );
    assert!(
        !m.status.success(),
        "a copy of rustc ran: this check would not tell them apart"
    );
}

#[test]
fn explicit_in_place_on_an_ineligible_file_exits_125_naming_the_reason() {
    let s = Scratch::new("not-in-place");
    let t = s.copy_sys("true", "true");
    std::fs::set_permissions(&t, std::os::unix::fs::PermissionsExt::from_mode(0o775)).unwrap();
    let pin = digest(&t);
    let o = run(execsafe()
        .args(["run", "--backend", "in-place", "--digest", &pin, "--"])
        .arg(&t));
    assert_eq!(o.status.code(), Some(125), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("in-place") && stderr(&o).contains("group-writable"),
        "{}",
        stderr(&o)
    );
    // Auto copies it and -v says why it was not run in place.
    let o = run(execsafe()
        .args(["run", "-v", "--digest", &pin, "--"])
        .arg(&t));
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("backend memfd") && stderr(&o).contains("not in place: group-writable"),
        "{}",
        stderr(&o)
    );
}

/// A script that is not in place runs from its sealed memfd, and execsafe execs it in
/// place too: the PID the caller spawned is the script's `$$`.
#[test]
fn a_memfd_script_execs_in_place() {
    let s = Scratch::new("memfd-script-pid");
    let script = s.write_exec("pid.sh", b"#!/bin/sh\necho \"$$ $0\"\n");
    if is_root() {
        std::os::unix::fs::chown(&script, Some(65534), Some(65534)).unwrap(); // not root's
    }
    let pin = digest(&script);
    let child = execsafe()
        .args(["run", "-v", "--digest", &pin, "--"])
        .arg(&script)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("backend memfd"), "{}", stderr(&o));
    let out = stdout(&o);
    let (got_pid, zero) = out.trim().split_once(' ').unwrap();
    assert_eq!(
        got_pid,
        pid.to_string(),
        "execsafe did not exec the script in place"
    );
    assert!(zero.starts_with("/proc/self/fd/"), "$0 is {zero}");
}
