//! The swap race: while another thread keeps replacing and rewriting the source, every
//! verified run either fails or runs the pinned binary A — never B.
mod common;

use std::fs::OpenOptions;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::{Scratch, digest_of};
use execsafe_cmd::{CommandOptions, Error, ExecBackend, RestrictedCommand};

const RUNS: usize = 500;

#[test]
fn swapping_the_source_never_runs_the_other_binary() {
    let scratch = Scratch::new("swap");
    let a = std::fs::read(common::sys_bin("true")).unwrap(); // exits 0
    let b = std::fs::read(common::sys_bin("false")).unwrap(); // exits 1
    assert_ne!(a, b);
    let target = scratch.write_exec("tool", &a);
    let pin = digest_of(&target);
    let stop = Arc::new(AtomicBool::new(false));

    let swapper = {
        let (stop, dir, target) = (stop.clone(), scratch.0.clone(), target.clone());
        let (a, b) = (a.clone(), b.clone());
        std::thread::spawn(move || {
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let tmp = dir.join(format!("tmp{}", i % 2));
                match i % 6 {
                    // rename B over, then A over
                    0 | 2 => {
                        std::fs::write(&tmp, if i.is_multiple_of(6) { &b } else { &a }).unwrap();
                        std::fs::rename(&tmp, &target).unwrap();
                    }
                    // rewrite in place with B's bytes (same inode), then A's
                    1 | 3 => {
                        let mut f = OpenOptions::new().write(true).open(&target).unwrap();
                        f.write_all(if i % 6 == 1 { &b } else { &a }).unwrap();
                        f.set_len(a.len() as u64).ok();
                    }
                    // truncate in place, then append garbage in place
                    4 => {
                        let f = OpenOptions::new().write(true).open(&target).unwrap();
                        f.set_len(a.len() as u64 / 2).unwrap();
                    }
                    _ => {
                        let mut f = OpenOptions::new().append(true).open(&target).unwrap();
                        f.write_all(b"appended").unwrap();
                    }
                }
                i += 1;
            }
            i
        })
    };

    let (mut ran_a, mut refused) = (0, 0);
    for i in 0..RUNS {
        let backend = if i % 2 == 0 {
            ExecBackend::Memfd
        } else {
            ExecBackend::TempDir
        };
        let o = CommandOptions {
            backend,
            ..CommandOptions::default()
        };
        match RestrictedCommand::new_verified(&target, &pin, [] as [&str; 0], &o) {
            Ok(cmd) => {
                let status = cmd.status().unwrap();
                assert!(status.success(), "run {i}: binary B ran (status {status})");
                ran_a += 1;
            }
            Err(Error::Mismatch { .. } | Error::ChangedDuringCopy { .. }) => refused += 1,
            Err(e) => panic!("run {i}: unexpected error {e:?}"),
        }
    }
    stop.store(true, Ordering::Relaxed);
    let swaps = swapper.join().unwrap();
    println!(
        "swap race: {RUNS} runs, ran A {ran_a}, refused {refused}, B never ran; {swaps} swaps"
    );
    assert_eq!(ran_a + refused, RUNS);
    assert!(
        refused > 0,
        "the race never hit: the test did not test anything"
    );
}
