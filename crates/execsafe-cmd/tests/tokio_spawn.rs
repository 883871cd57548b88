//! Feature `tokio`: async hosts spawn verified copies; nothing is left behind.
#![cfg(feature = "tokio")]
mod common;
use execsafe_test_support::rerun;

use std::process::Stdio;
use std::sync::Arc;

use common::{Scratch, digest_of, entries};
use execsafe_cmd::{CommandOptions, ExecBackend, RestrictedCommand, VerifiedCache};
use execsafe_digest::parse_digest;

const TEST: &str = "two_hundred_concurrent_tokio_spawns_through_one_cache";

#[test]
fn two_hundred_concurrent_tokio_spawns_through_one_cache() {
    if !rerun::in_child() {
        let tmp = Scratch::new("tokio-tmp");
        std::fs::set_permissions(&tmp.0, std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .unwrap();
        rerun::rerun(TEST, &[("TMPDIR", tmp.0.as_os_str())], &["XDG_RUNTIME_DIR"]);
        assert!(tmp.entries().is_empty(), "left behind: {:?}", tmp.entries());
        return;
    }
    let s = Scratch::new("tokio-bins");
    let echo = s.copy_sys("echo", "echo");
    let script = s.write_exec("hi.sh", b"#!/bin/sh\necho \"script $1\"\n");
    let (de, ds) = (
        parse_digest(&digest_of(&echo)).unwrap(),
        parse_digest(&digest_of(&script)).unwrap(),
    );
    let cache = Arc::new(VerifiedCache::new(64 << 20));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    let failures = rt.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for i in 0..200 {
            let (cache, echo, script) = (Arc::clone(&cache), echo.clone(), script.clone());
            set.spawn(async move {
                let (path, d, want) = if i % 2 == 0 {
                    (echo, de, format!("{i}\n"))
                } else {
                    (script, ds, format!("script {i}\n"))
                };
                // Auto (in place when root wrote the fixtures) and the sealed memfd, for the
                // binary and for the script (whose child inherits the memfd).
                let backend = if i % 4 < 2 {
                    ExecBackend::Auto
                } else {
                    ExecBackend::Memfd
                };
                let v = cache.get_or_verify(&path, &d, backend).unwrap();
                let cmd = RestrictedCommand::from_verified(
                    v,
                    [i.to_string()],
                    &CommandOptions::default(),
                )
                .unwrap();
                let child = cmd.spawn_tokio_with(|c| {
                    c.stdout(Stdio::piped());
                });
                drop(cmd); // a script's child keeps its copy alive by itself
                let out = child.unwrap().wait_with_output().await.unwrap();
                out.status.success() && String::from_utf8_lossy(&out.stdout) == want
            });
        }
        let mut failures = 0;
        while let Some(ok) = set.join_next().await {
            failures += usize::from(!ok.unwrap());
        }
        failures
    });
    assert_eq!(failures, 0);
    assert_eq!(cache.len(), 4, "(echo, script) × (auto, memfd)");
    // A script from a temporary command completes.
    let out = rt.block_on(async {
        RestrictedCommand::new_verified(
            &script,
            &digest_of(&script),
            ["tmp"],
            &CommandOptions::default(),
        )
        .unwrap()
        .spawn_tokio_with(|c| {
            c.stdout(Stdio::piped());
        })
        .unwrap()
        .wait_with_output()
        .await
        .unwrap()
    });
    assert_eq!(String::from_utf8_lossy(&out.stdout), "script tmp\n");
    cache.clear();
    drop(cache);
    let copies: Vec<_> = entries(&std::env::temp_dir())
        .into_iter()
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("execsafe-exec-")
        })
        .collect();
    assert!(copies.is_empty(), "{copies:?}");
    println!("200 concurrent tokio spawns (100 ELF, 100 scripts): 0 failures, nothing left");
}
