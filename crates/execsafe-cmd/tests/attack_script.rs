//! Same-uid rewrite of a verified script while its shell sleeps on line 2: a second
//! process of the host's uid (65534) rewrites the script's tail (`echo good` → `echo
//! evil`, 20 KB in, beyond what the shell has read) in every copy it can reach.
//!
//! The temp-dir copy (v0.2's only way to run a script) belongs to the host's uid, who can
//! `chmod` it: the attacker wins. The sealed memfd (v0.3's `Auto` for a script that is
//! not in place) refuses every write.
#![cfg(target_os = "linux")]
mod common;
use execsafe_test_support::{attack, unprivileged};

use std::path::{Path, PathBuf};

use common::digest_of;
use execsafe_cmd::{CommandOptions, ExecBackend, RestrictedCommand};
use execsafe_test_support::unprivileged::NobodyDir;

const TEST: &str = "same_uid_rewrite_of_a_sleeping_script";
const RUNS: usize = 6;
const NAME: &str = "tail-victim.sh";

fn script() -> (Vec<u8>, u64) {
    let mut s = b"#!/bin/sh\nsleep 0.4\n".to_vec();
    while s.len() < 20_000 {
        s.extend_from_slice(b"# padding the script past the shell's first read ......\n");
    }
    let offset = s.len() as u64;
    s.extend_from_slice(b"echo good\n");
    (s, offset)
}

#[test]
fn same_uid_rewrite_of_a_sleeping_script() {
    if attack::role().as_deref() == Some("script-tail") {
        return attack::script_tail_rewriter();
    }
    if unprivileged::is_nobody_child() {
        return victim(&PathBuf::from(std::env::var_os("EXECSAFE_SCRIPT").unwrap()));
    }
    if !rustix::process::geteuid().is_root() {
        eprintln!("not root: the attacker needs its own temp base and a uid-65534 victim");
        return;
    }
    let dir = NobodyDir::new("script-attack"); // 65534's: the host's own script
    let p = dir.0.join(NAME);
    std::fs::write(&p, script().0).unwrap();
    std::fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    std::os::unix::fs::chown(&p, Some(65534), Some(65534)).unwrap();
    let base = NobodyDir::new("script-attack-base"); // a private TMPDIR for both
    assert!(unprivileged::as_nobody(
        TEST,
        &[
            ("EXECSAFE_SCRIPT", p.into_os_string()),
            ("TMPDIR", base.0.clone().into_os_string()),
        ]
    ));
    assert!(base.entries().is_empty(), "a copy was left behind");
}

fn run(script: &Path, pin: &str, backend: ExecBackend) -> (ExecBackend, String) {
    let opts = CommandOptions {
        backend,
        ..CommandOptions::default()
    };
    let cmd = RestrictedCommand::new_verified(script, pin, [] as [&str; 0], &opts).unwrap();
    let used = cmd.verified().unwrap().backend();
    let out = cmd.output().unwrap();
    (used, String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn victim(script_path: &Path) {
    let pin = digest_of(script_path);
    let attacker = attack::spawn_attacker(
        TEST,
        "script-tail",
        None, // the host's own uid
        &[
            ("EXECSAFE_NAME", NAME.into()),
            ("EXECSAFE_TAIL", "echo evil\n".into()),
            ("EXECSAFE_OFFSET", script().1.to_string().into()),
        ],
    );
    let mut evil = [0usize; 2];
    for (i, backend) in [ExecBackend::TempDir, ExecBackend::Auto]
        .into_iter()
        .enumerate()
    {
        for _ in 0..RUNS {
            let (used, out) = run(script_path, &pin, backend);
            if backend == ExecBackend::Auto {
                assert_eq!(
                    used,
                    ExecBackend::Memfd,
                    "the host's own script is not in place"
                );
            }
            match out.as_str() {
                "evil" => evil[i] += 1,
                "good" => {}
                other => panic!("{backend}: unexpected output {other:?}"),
            }
        }
    }
    let report = attacker.finish();
    println!(
        "same-uid tail rewrite: temp-dir copy ran the rewritten script {}/{RUNS}; sealed memfd (auto) {}/{RUNS}; {report}",
        evil[0], evil[1]
    );
    // The attack is live: it wins against the temp-dir copy…
    assert!(
        evil[0] > 0,
        "the attacker never reached the temp-dir copy: {report}"
    );
    // …and never against the sealed memfd.
    assert_eq!(evil[1], 0, "the sealed memfd ran a rewritten script");
    // The script still came from the verified file (the original was never touched).
    assert_eq!(digest_of(script_path), pin);
}
