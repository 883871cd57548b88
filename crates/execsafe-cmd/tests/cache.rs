//! `VerifiedCache`: verify once, spawn many.
mod common;

use std::sync::Barrier;

use common::{Scratch, digest_of};
use execsafe_cmd::{CommandOptions, ExecBackend, RestrictedCommand, VerifiedCache};
use execsafe_digest::{Digest, parse_digest};

fn pin(p: &std::path::Path) -> Digest {
    parse_digest(&digest_of(p)).unwrap()
}

fn runs(cache: &VerifiedCache, path: &std::path::Path, d: &Digest, backend: ExecBackend) -> bool {
    let v = cache.get_or_verify(path, d, backend).unwrap();
    RestrictedCommand::from_verified(v, [] as [&str; 0], &CommandOptions::default())
        .unwrap()
        .status()
        .unwrap()
        .success()
}

#[test]
fn a_hit_does_not_open_the_path() {
    let s = Scratch::new("cache-hit");
    let t = s.copy_sys("true", "true");
    let d = pin(&t);
    let cache = VerifiedCache::new(64 << 20);
    assert!(runs(&cache, &t, &d, ExecBackend::Auto));
    std::fs::remove_file(&t).unwrap();
    // Deleted (or replaced): the sealed copy is still the pinned bytes.
    assert!(runs(&cache, &t, &d, ExecBackend::Auto));
    std::fs::write(&t, b"#!/bin/sh\nexit 3\n").unwrap();
    assert!(runs(&cache, &t, &d, ExecBackend::Auto));
    assert_eq!(cache.len(), 1);
    cache.clear();
    assert!(
        cache.get_or_verify(&t, &d, ExecBackend::Auto).is_err(),
        "after clear it verifies again"
    );
    assert!(cache.is_empty(), "failures are not cached");
}

#[test]
fn the_budget_is_kept_and_live_handles_survive_eviction() {
    let s = Scratch::new("cache-budget");
    let a = s.copy_sys("true", "true-a");
    let mut padded = std::fs::read(&a).unwrap();
    padded.extend(vec![0u8; 100_000]);
    let b = s.write_exec("true-b", &padded);
    let (da, db) = (pin(&a), pin(&b));
    let (sa, sb) = (
        std::fs::metadata(&a).unwrap().len(),
        std::fs::metadata(&b).unwrap().len(),
    );
    let cache = VerifiedCache::new(sa + sb - 1);
    let held = cache.get_or_verify(&a, &da, ExecBackend::TempDir).unwrap();
    assert_eq!((cache.len(), cache.bytes()), (1, sa));
    assert!(runs(&cache, &b, &db, ExecBackend::TempDir));
    assert_eq!((cache.len(), cache.bytes()), (1, sb), "a evicted to fit b");
    // The evicted copy lives on for its holder.
    assert!(held.exec_path().exists());
    let cmd = RestrictedCommand::from_verified(held, [] as [&str; 0], &CommandOptions::default())
        .unwrap();
    assert!(cmd.status().unwrap().success());
    let path = cmd.path().to_path_buf();
    drop(cmd);
    assert!(!path.exists());
    // Too large for the budget at all: returned, never cached.
    let tiny = VerifiedCache::new(10);
    assert!(runs(&tiny, &a, &da, ExecBackend::Memfd));
    assert!(tiny.is_empty());
}

#[test]
fn each_hit_carries_the_callers_path_as_argv0() {
    let scratch = Scratch::new("cache-argv0");
    let tool_a = scratch.copy_sys("cat", "tool-a");
    let tool_b = scratch.0.join("tool-b");
    std::fs::hard_link(&tool_a, &tool_b).unwrap(); // busybox-style: one file, two names
    let d = pin(&tool_a);
    let cache = VerifiedCache::new(64 << 20);
    for path in [&tool_a, &tool_b, &tool_a] {
        let v = cache.get_or_verify(path, &d, ExecBackend::Auto).unwrap();
        assert_eq!(v.original_path(), path.as_path());
        let out =
            RestrictedCommand::from_verified(v, ["/proc/self/cmdline"], &CommandOptions::default())
                .unwrap()
                .output()
                .unwrap();
        let argv0 = out.stdout.split(|&b| b == 0).next().unwrap().to_vec();
        assert_eq!(String::from_utf8(argv0).unwrap(), path.to_str().unwrap());
    }
    assert_eq!(cache.len(), 1);
}

#[test]
fn concurrent_misses_verify_once() {
    let s = Scratch::new("cache-once");
    let script = s.write_exec("once.sh", b"#!/bin/sh\nexit 0\n");
    let d = pin(&script);
    let cache = VerifiedCache::new(64 << 20);
    let barrier = Barrier::new(8);
    let paths: Vec<_> = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..8)
            .map(|_| {
                sc.spawn(|| {
                    barrier.wait();
                    cache
                        .get_or_verify(&script, &d, ExecBackend::Auto)
                        .unwrap()
                        .exec_path()
                        .to_path_buf()
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(paths.iter().all(|p| *p == paths[0]), "{paths:?}");
    assert_eq!(cache.len(), 1);
}

#[test]
fn eight_threads_fifty_spawns_each_through_one_cache() {
    let s = Scratch::new("cache-threads");
    let t = s.copy_sys("true", "true");
    let script = s.write_exec("ok.sh", b"#!/bin/sh\nexit 0\n");
    let (dt, ds) = (pin(&t), pin(&script));
    let cache = VerifiedCache::new(64 << 20);
    let failures: usize = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..8)
            .map(|i| {
                let (cache, t, script) = (&cache, &t, &script);
                sc.spawn(move || {
                    (0..50)
                        .filter(|j| {
                            let (p, d) = if (i + j) % 2 == 0 {
                                (t, &dt)
                            } else {
                                (script, &ds)
                            };
                            !runs(cache, p, d, ExecBackend::Auto)
                        })
                        .count()
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(failures, 0);
    assert_eq!(cache.len(), 2);
    println!("400 spawns through one cache: 0 failures, len 2");
}
