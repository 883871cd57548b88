//! Happy paths for each backend, and the backend actually used.
mod common;

use common::{Scratch, auto_for, digest_of};
use execsafe_cmd::{
    CommandOptions, Error, ExecBackend, RestrictedCommand, verified_binary_fd, verified_binary_with,
};
use execsafe_digest::parse_digest;

fn opts(backend: ExecBackend) -> CommandOptions {
    CommandOptions {
        backend,
        ..CommandOptions::default()
    }
}

#[test]
fn true_and_echo_run_with_every_backend() {
    let s = Scratch::new("happy");
    let t = s.copy_sys("true", "true");
    let e = s.copy_sys("echo", "echo");
    let mut cases = vec![
        (ExecBackend::Auto, auto_for(&t)),
        (ExecBackend::Memfd, ExecBackend::Memfd),
        (ExecBackend::TempDir, ExecBackend::TempDir),
    ];
    if auto_for(&t) == ExecBackend::InPlace {
        cases.push((ExecBackend::InPlace, ExecBackend::InPlace));
    }
    for (backend, want) in cases {
        let cmd =
            RestrictedCommand::new_verified(&t, &digest_of(&t), [] as [&str; 0], &opts(backend))
                .unwrap();
        assert_eq!(cmd.verified().unwrap().backend(), want, "{backend:?}");
        assert!(cmd.status().unwrap().success());

        let cmd =
            RestrictedCommand::new_verified(&e, &digest_of(&e), ["hello", "world"], &opts(backend))
                .unwrap();
        let out = cmd.output().unwrap();
        assert!(out.status.success());
        assert_eq!(out.stdout, b"hello world\n");
        let v = cmd.verified().unwrap();
        assert_eq!(v.backend(), want);
        assert_eq!(v.original_path(), e);
        assert_eq!(v.size(), std::fs::metadata(&e).unwrap().len());
        assert_eq!(v.digest().to_string(), digest_of(&e));
        match want {
            ExecBackend::Memfd | ExecBackend::InPlace => {
                assert!(v.exec_path().starts_with("/proc/self/fd/"));
            }
            _ => assert_eq!(v.exec_path().file_name().unwrap(), "echo"),
        }
    }
}

#[test]
fn false_exit_status_is_reported() {
    let s = Scratch::new("false");
    let f = s.copy_sys("false", "false");
    let cmd = RestrictedCommand::new_verified(
        &f,
        &digest_of(&f),
        [] as [&str; 0],
        &CommandOptions::default(),
    )
    .unwrap();
    assert_eq!(cmd.status().unwrap().code(), Some(1));
}

#[test]
fn shebang_script_runs_with_every_backend() {
    let s = Scratch::new("script");
    let script = s.write_exec("hello.sh", b"#!/bin/sh\necho \"script says $1\"\n");
    // Root wrote it into root-owned directories (/tmp is sticky): in place; another
    // user's own script runs from its sealed memfd.
    for (backend, want) in [
        (ExecBackend::Auto, auto_for(&script)),
        (ExecBackend::Memfd, ExecBackend::Memfd),
        (ExecBackend::TempDir, ExecBackend::TempDir),
    ] {
        let cmd =
            RestrictedCommand::new_verified(&script, &digest_of(&script), ["hi"], &opts(backend))
                .unwrap();
        assert_eq!(cmd.verified().unwrap().backend(), want, "{backend:?}");
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{backend:?}: {out:?}");
        assert_eq!(out.stdout, b"script says hi\n", "{backend:?}");
    }
}

#[test]
fn shebang_script_from_a_memfd_reads_the_sealed_fd_it_inherited() {
    let s = Scratch::new("script-memfd");
    let script = s.write_exec("x.sh", b"#!/bin/sh\necho \"$0\"\nls -l /proc/self/fd/\n");
    let d = parse_digest(&digest_of(&script)).unwrap();
    let v = verified_binary_with(&script, &d, ExecBackend::Memfd).unwrap();
    assert_eq!(v.backend(), ExecBackend::Memfd);
    let n = v.exec_path().to_path_buf();
    let out = RestrictedCommand::from_verified(v, [] as [&str; 0], &CommandOptions::default())
        .unwrap()
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    // $0 is /proc/self/fd/N, the number the parent holds the sealed memfd at.
    assert_eq!(text.lines().next().unwrap(), n.to_str().unwrap());
    let fd = n.file_name().unwrap().to_str().unwrap();
    assert!(
        text.lines()
            .any(|l| l.contains(&format!(" {fd} -> /memfd:execsafe:x.sh"))),
        "{text}"
    );
}

#[test]
fn verified_binary_fd_uses_auto_and_cleans_up() {
    let s = Scratch::new("vbfd");
    let t = s.copy_sys("true", "true");
    let v = verified_binary_fd(&t, &digest_of(&t)).unwrap();
    assert_eq!(v.backend(), auto_for(&t));
    let st = std::process::Command::new(v.exec_path()).status().unwrap();
    assert!(st.success());
    let p = v.exec_path().to_path_buf();
    v.cleanup();
    // The /proc/self/fd/N entry is gone (or now names some other fd, never our memfd).
    assert!(
        std::fs::read_link(&p).map_or(true, |l| !l.to_string_lossy().contains("memfd:execsafe"))
    );
}

#[test]
fn temp_dir_copy_is_0500_in_a_sealed_dir_and_removed() {
    use std::os::unix::fs::MetadataExt;
    let s = Scratch::new("tdmode");
    let t = s.copy_sys("true", "true");
    let d = parse_digest(&digest_of(&t)).unwrap();
    let v = verified_binary_with(&t, &d, ExecBackend::TempDir).unwrap();
    let dir = v.exec_path().parent().unwrap().to_path_buf();
    assert_eq!(
        std::fs::metadata(v.exec_path()).unwrap().mode() & 0o7777,
        0o500
    );
    assert_eq!(std::fs::metadata(&dir).unwrap().mode() & 0o7777, 0o500);
    assert_eq!(
        std::fs::read(v.exec_path()).unwrap(),
        std::fs::read(&t).unwrap()
    );
    drop(v);
    assert!(!dir.exists());
}

/// v0.1 tested that spawning after `cleanup(&mut self)` fails at run time; in v0.2
/// `cleanup(self)` consumes the command, so spawning afterwards does not compile (the
/// `compile_fail` doctest on `RestrictedCommand`). What is left to check at run time: the
/// copy is gone once the last handle is.
#[test]
fn cleanup_removes_the_copy() {
    let s = Scratch::new("cleanup");
    let t = s.copy_sys("true", "true");
    let cmd = RestrictedCommand::new_verified(
        &t,
        &digest_of(&t),
        [] as [&str; 0],
        &opts(ExecBackend::TempDir),
    )
    .unwrap();
    let dir = cmd.path().parent().unwrap().to_path_buf();
    assert!(dir.exists());
    cmd.cleanup();
    assert!(!dir.exists());
}

#[test]
fn max_size_is_enforced() {
    let s = Scratch::new("max");
    let t = s.copy_sys("true", "true");
    let size = std::fs::metadata(&t).unwrap().len();
    let o = CommandOptions {
        max_size: Some(size - 1),
        ..CommandOptions::default()
    };
    let err = RestrictedCommand::new_verified(&t, &digest_of(&t), [] as [&str; 0], &o).unwrap_err();
    assert!(
        matches!(err, Error::TooLarge { size: s2, max, .. } if s2 == size && max == size - 1),
        "{err:?}"
    );
    let o = CommandOptions {
        max_size: Some(size),
        ..CommandOptions::default()
    };
    assert!(RestrictedCommand::new_verified(&t, &digest_of(&t), [] as [&str; 0], &o).is_ok());
}

#[test]
fn odd_basenames_get_a_safe_copy_name() {
    let s = Scratch::new("names");
    let sub = s.0.join("sub");
    std::fs::create_dir(&sub).unwrap();
    let odd = s.copy_sys("true", "-rf");
    let d = parse_digest(&digest_of(&odd)).unwrap();
    let v = verified_binary_with(&odd, &d, ExecBackend::TempDir).unwrap();
    assert_eq!(v.exec_path().file_name().unwrap(), "binary");
    assert!(
        std::process::Command::new(v.exec_path())
            .status()
            .unwrap()
            .success()
    );
    // A path ending in ".." names a directory: refused, nothing created.
    let err = verified_binary_with(sub.join(".."), &d, ExecBackend::TempDir).unwrap_err();
    assert!(matches!(err, Error::Open(_)), "{err:?}");
}

#[test]
fn a_bound_command_runs_a_memfd_script_with_its_inherited_fd() {
    let s = Scratch::new("bound-memfd-script");
    let script = s.write_exec("b.sh", b"#!/bin/sh\necho \"bound $1\"\n");
    let d = parse_digest(&digest_of(&script)).unwrap();
    let v = verified_binary_with(&script, &d, ExecBackend::Memfd).unwrap();
    let cmd = RestrictedCommand::from_verified(v, ["ok"], &CommandOptions::default()).unwrap();
    let mut bound = cmd.command();
    bound.stdout(std::process::Stdio::piped());
    let out = bound.spawn().unwrap().wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(out.stdout, b"bound ok\n");
}
