//! `VerifiedBinary` handles: one copy for many commands, gone with the last handle; a
//! script's copy outlives its (temporary) command; no command ever runs another's fd.
mod common;

use std::process::Stdio;

use common::{Scratch, digest_of};
use execsafe_cmd::{
    CommandOptions, ExecBackend, RestrictedCommand, verified_binary_fd, verified_binary_with,
};
use execsafe_digest::parse_digest;

fn out_of(cmd: &RestrictedCommand) -> String {
    String::from_utf8(cmd.output().unwrap().stdout).unwrap()
}

/// Open fds of this process whose link names `memfd:<name>`.
fn memfds_named(name: &str) -> usize {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.unwrap().path()).ok())
        .filter(|t| t.to_string_lossy().contains(&format!("memfd:{name}")))
        .count()
}

#[test]
fn a_script_spawned_from_a_temporary_command_runs_100_times() {
    let s = Scratch::new("temp-cmd");
    let script = s.write_exec("greet.sh", b"#!/bin/sh\necho \"ok $1\"\n");
    let pin = digest_of(&script);
    let opts = CommandOptions::default();
    let mut ok = 0;
    for i in 0..100 {
        // The command is a temporary: dropped at the end of this statement, before the
        // interpreter has opened the copy. The child holds the copy.
        let child = RestrictedCommand::new_verified(&script, &pin, [i.to_string()], &opts)
            .unwrap()
            .spawn_with(|c| {
                c.stdout(Stdio::piped());
            })
            .unwrap();
        assert!(
            child
                .copy()
                .is_some_and(execsafe_cmd::VerifiedBinary::is_script)
        );
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "run {i}: {out:?}");
        assert_eq!(String::from_utf8(out.stdout).unwrap(), format!("ok {i}\n"));
        ok += 1;
    }
    assert_eq!(ok, 100);
    assert!(s.entries().len() == 1, "only the script itself is left");
}

#[test]
fn one_handle_serves_two_commands_and_the_copy_goes_with_the_last() {
    let s = Scratch::new("shared");
    let echo = s.copy_sys("echo", "echo-shared");
    let pin = parse_digest(&digest_of(&echo)).unwrap();
    let opts = CommandOptions::default();
    // Temp dir: the path exists until the last handle drops.
    let v = verified_binary_with(&echo, &pin, ExecBackend::TempDir).unwrap();
    let path = v.exec_path().to_path_buf();
    let a = RestrictedCommand::from_verified(v.clone(), ["a"], &opts).unwrap();
    let b = RestrictedCommand::from_verified(v.clone(), ["b"], &opts).unwrap();
    drop(v);
    assert_eq!((out_of(&a), out_of(&b)), ("a\n".into(), "b\n".into()));
    drop(a);
    assert!(path.exists(), "removed while a command still held it");
    assert_eq!(out_of(&b), "b\n");
    drop(b);
    assert!(!path.exists(), "left after the last handle");
    // Memfd: one fd while any handle lives, none after.
    let v = verified_binary_with(&echo, &pin, ExecBackend::Memfd).unwrap();
    let a = RestrictedCommand::from_verified(v.clone(), ["a"], &opts).unwrap();
    let b = RestrictedCommand::from_verified(v, ["b"], &opts).unwrap();
    assert_eq!(memfds_named("execsafe:echo-shared"), 1);
    assert_eq!(out_of(&a), "a\n");
    drop(a);
    assert_eq!(memfds_named("execsafe:echo-shared"), 1);
    assert_eq!(out_of(&b), "b\n");
    drop(b);
    assert_eq!(memfds_named("execsafe:echo-shared"), 0);
}

/// v0.1's hijack: after `cleanup()` a command still named `/proc/self/fd/N`, the next
/// verification reused fd N, and spawning the old command ran the other binary. In v0.2
/// that program does not compile (see the `compile_fail` doctests); here, at run time,
/// 400 interleaved verifications, drops and spawns of four different binaries (whose fds
/// are freed and reused all the time) never run anything but their own binary.
#[test]
fn no_command_ever_runs_a_closed_or_reused_fd() {
    let s = Scratch::new("fd-reuse");
    let progs = [
        (s.copy_sys("echo", "r-echo"), vec!["echo-out"], "echo-out\n"),
        (
            s.copy_sys("printf", "r-printf"),
            vec!["printf-out"],
            "printf-out",
        ),
        (
            s.copy_sys("basename", "r-basename"),
            vec!["/a/basename-out"],
            "basename-out\n",
        ),
        (
            s.copy_sys("dirname", "r-dirname"),
            vec!["/dirname-out/x"],
            "/dirname-out\n",
        ),
    ];
    let pins: Vec<String> = progs.iter().map(|(p, _, _)| digest_of(p)).collect();
    let mut live: Vec<(RestrictedCommand, &str)> = Vec::new();
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut spawns, mut reused) = (0, 0);
    for _ in 0..400 {
        let r = next();
        if (r % 3 == 0 && !live.is_empty()) || live.len() >= 12 {
            let i = usize::try_from(next() % live.len() as u64).unwrap();
            live.swap_remove(i).0.cleanup();
        } else {
            let k = usize::try_from(r % 4).unwrap();
            let (path, args, want) = &progs[k];
            let v = verified_binary_fd(path, &pins[k]).unwrap();
            if live.iter().any(|(c, _)| c.path() == v.exec_path()) {
                unreachable!("two live commands share an fd path");
            }
            if v.exec_path()
                .to_string_lossy()
                .starts_with("/proc/self/fd/")
            {
                reused += 1;
            }
            live.push((
                RestrictedCommand::from_verified(v, args, &CommandOptions::default()).unwrap(),
                want,
            ));
        }
        for (cmd, want) in &live {
            assert_eq!(
                out_of(cmd),
                *want,
                "{} ran something else",
                cmd.path().display()
            );
            spawns += 1;
        }
    }
    println!(
        "{spawns} spawns of {reused} memfd copies over reused fd numbers: all ran their own binary"
    );
}
