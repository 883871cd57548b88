//! v0.2 figures: the CLI end to end, the cost of the sealed-equals-verified mechanism and
//! of its alternative, and spawning through a `VerifiedCache`.

#![allow(
    clippy::many_single_char_names,
    reason = "a and b are the two sides of each side-by-side figure, as in figures.rs"
)]
use std::fs::File;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use execsafe::{
    CommandOptions, ExecBackend, ExecMemfd, RestrictedCommand, VerifiedCache, copy_and_hash,
    hash_reader, parse_digest, verified_binary_with,
};

use super::{Report, openssl_time, side_by_side, time, true_path};

/// `/bin/true` padded to `size` bytes: an executable that big (trailing bytes are ignored
/// by the loader).
pub(super) fn big_executable(dir: &Path, size: usize) -> PathBuf {
    let t = true_path();
    let mut bytes = std::fs::read(t).unwrap();
    bytes.resize(size, 0);
    let p = dir.join("big-exe");
    std::fs::write(&p, &bytes).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

pub(super) fn pin_of(p: &Path) -> String {
    hash_reader(File::open(p).unwrap()).unwrap().0.to_string()
}

pub(super) fn status_ok(c: &mut Command) -> Duration {
    let (d, st) = time(|| c.status().unwrap());
    assert!(st.success(), "{c:?}: {st}");
    d
}

/// The release `execsafe` binary, built by `cargo xtask bench` (`EXECSAFE_CLI`).
pub(super) fn cli() -> Option<PathBuf> {
    std::env::var_os("EXECSAFE_CLI")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
}

/// `execsafe run` of a big executable ÷ `openssl dgst -sha256` of it, and `execsafe run
/// /bin/true` ÷ `env -i /bin/true`.
pub(super) fn cli_figures(r: &mut Report, big: &Path, spawns: usize) {
    let Some(exe) = cli() else {
        r.note(
            "cli_run_big_vs_openssl",
            "EXECSAFE_CLI not set (run cargo xtask bench)",
        );
        r.note("cli_true_vs_env_i", "EXECSAFE_CLI not set");
        return;
    };
    let pin = pin_of(big);
    if openssl_time(big).is_some() {
        let run = || {
            status_ok(
                Command::new(&exe)
                    .args(["run", "--backend", "memfd", "--digest", &pin, "--"])
                    .arg(big),
            )
        };
        let (a, b) = side_by_side(run, || openssl_time(big).unwrap());
        let mib = std::fs::metadata(big).unwrap().len() >> 20;
        r.add(
            &format!("cli_run_{mib}m_vs_openssl"),
            a.as_secs_f64() / b.as_secs_f64(),
            "x openssl dgst (goal <= 1.15)",
        );
    }
    let t = true_path();
    let pin_t = pin_of(t);
    let batch = spawns / 7 + 1;
    let ours = || {
        (0..batch)
            .map(|_| {
                status_ok(
                    Command::new(&exe)
                        .args(["run", "--backend", "memfd", "--digest", &pin_t, "--"])
                        .arg(t),
                )
            })
            .sum()
    };
    let env_i = || {
        (0..batch)
            .map(|_| status_ok(Command::new("env").arg("-i").arg(t)))
            .sum()
    };
    let (a, b) = side_by_side(ours, env_i);
    r.add(
        "cli_true_vs_env_i",
        a.as_secs_f64() / b.as_secs_f64(),
        "x env -i (goal <= 1.25)",
    );
    r.add(
        "cli_true_us",
        a.as_secs_f64() / batch as f64 * 1e6,
        "us per run",
    );
}

/// The mechanism chosen (non-dumpable while the memfd is writable, tee copy) against the
/// alternative (kernel copy with `sendfile`, seal, then hash the sealed memfd), both on
/// `input`; and the bare cost of the guard (two `prctl`s) per verification.
pub(super) fn integrity_figures(r: &mut Report, input: &Path) {
    let pin = parse_digest(&pin_of(input)).unwrap();
    let chosen = || time(|| drop(verified_binary_with(input, &pin, ExecBackend::Memfd).unwrap())).0;
    let hash_after_seal = || {
        time(|| {
            let src = File::open(input).unwrap();
            let len = src.metadata().unwrap().len();
            let mut m = ExecMemfd::create("bench-alt").unwrap();
            let mut off = 0u64;
            while off < len {
                let n = rustix::fs::sendfile(m.file(), &src, None, (len - off) as usize).unwrap();
                assert!(n > 0);
                off += n as u64;
            }
            let sealed = m.seal().unwrap();
            let (d, _) = hash_reader(sealed.try_clone_file().unwrap()).unwrap();
            assert_eq!(d, pin);
        })
        .0
    };
    let (a, b) = side_by_side(chosen, hash_after_seal);
    r.add(
        "integrity_hash_after_seal_vs_chosen",
        b.as_secs_f64() / a.as_secs_f64(),
        "x (the alternative's time over the chosen one's)",
    );
    // The guard alone: an empty memfd created and sealed, minus the same without the
    // guard's prctls is not separable from outside, so report the whole tiny window.
    let empty = || {
        let (d, ()) = time(|| {
            for _ in 0..1000 {
                drop(ExecMemfd::create("bench-guard").unwrap().seal().unwrap());
            }
        });
        d
    };
    let (e, _) = side_by_side(empty, || Duration::ZERO);
    r.add(
        "memfd_window_us",
        e.as_secs_f64() / 1000.0 * 1e6,
        "us per empty create+seal (incl. 2 prctl)",
    );
    // Reference: what v0.1 did per byte (tee copy into a memfd, no guard).
    let tee = || {
        time(|| {
            let mut m = ExecMemfd::create("bench-tee").unwrap();
            copy_and_hash(File::open(input).unwrap(), m.file()).unwrap();
        })
        .0
    };
    let (c, t) = side_by_side(chosen, tee);
    r.add(
        "verify_vs_v01_tee_copy",
        c.as_secs_f64() / t.as_secs_f64(),
        "x (v0.2 verify over a bare tee copy)",
    );
}

/// Spawning a pinned 64 MiB binary through a `VerifiedCache` ÷ a plain std spawn of the
/// same file, and verifying every time ÷ the same.
pub(super) fn cache_figures(r: &mut Report, dir: &Path, spawns: usize) {
    let big = big_executable(dir, 64 << 20);
    let pin = parse_digest(&pin_of(&big)).unwrap();
    let cache = VerifiedCache::new(256 << 20);
    let opts = CommandOptions::default();
    let batch = spawns / 7 + 1;
    let cached = || {
        time(|| {
            for _ in 0..batch {
                let v = cache.get_or_verify(&big, &pin, ExecBackend::Memfd).unwrap();
                let c = RestrictedCommand::from_verified(v, [] as [&str; 0], &opts).unwrap();
                assert!(c.status().unwrap().success());
            }
        })
        .0
    };
    let plain = || {
        (0..batch)
            .map(|_| status_ok(Command::new(&big).env_clear()))
            .sum()
    };
    let (a, b) = side_by_side(cached, plain);
    r.add(
        "cache_spawn_64m_vs_plain",
        a.as_secs_f64() / b.as_secs_f64(),
        "x (goal <= 1.5)",
    );
    let every = || {
        time(|| {
            let v = verified_binary_with(&big, &pin, ExecBackend::Memfd).unwrap();
            let c = RestrictedCommand::from_verified(v, [] as [&str; 0], &opts).unwrap();
            assert!(c.status().unwrap().success());
        })
        .0
    };
    let once = || status_ok(Command::new(&big).env_clear());
    let (v, p) = side_by_side(every, once);
    r.add(
        "verify_every_spawn_64m_vs_plain",
        v.as_secs_f64() / p.as_secs_f64(),
        "x (no cache)",
    );
}
