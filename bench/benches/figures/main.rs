//! Performance figures, measured side by side in one run (`cargo xtask bench`).
//!
//! Each timed figure is the median of ≥ 7 rounds that alternate A and B, so a noisy
//! neighbour hits both sides alike; ratios are what to read, absolute times vary.
//! Prints `name value unit` lines and writes them as JSON (`--out PATH`).
#![forbid(unsafe_code)]
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a benchmark reports"
)]
#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "figures are floating-point summaries"
)]

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use sha2::{Digest as _, Sha256};

use execsafe::{
    CommandOptions, ExecBackend, ExecMemfd, RestrictedCommand, build_restricted_env_safe,
    copy_and_hash, hash_reader, parse_digest, verified_binary_with,
};

mod v02;
mod v03;

const ROUNDS: usize = 7;

struct Report(Vec<(String, f64, String)>);

impl Report {
    fn add(&mut self, name: &str, value: f64, unit: &str) {
        let missed = goal_missed(value, unit);
        let mark = if missed { "   <-- MISSED GOAL" } else { "" };
        println!("{name} {value:.4} {unit}{mark}");
        self.0.push((name.into(), value, unit.into()));
    }
    fn note(&mut self, name: &str, why: &str) {
        println!("{name} skipped ({why})");
        self.0
            .push((name.into(), f64::NAN, format!("skipped: {why}")));
    }
    fn json(&self) -> String {
        let items: Vec<String> = self
            .0
            .iter()
            .map(|(n, v, u)| {
                let v = if v.is_finite() {
                    format!("{v}")
                } else {
                    "null".into()
                };
                let u = u.replace(['"', '\\'], "'");
                format!("  {{\"name\": \"{n}\", \"value\": {v}, \"unit\": \"{u}\"}}")
            })
            .collect();
        format!("[\n{}\n]\n", items.join(",\n"))
    }
}

/// Whether `value` misses a `goal <= X` / `goal >= X` written in `unit`.
fn goal_missed(value: f64, unit: &str) -> bool {
    let goal = |op: &str| {
        unit.split(op).nth(1).and_then(|r| {
            r.trim()
                .trim_end_matches(')')
                .split_whitespace()
                .next()?
                .parse::<f64>()
                .ok()
        })
    };
    match (goal("goal <="), goal("goal >=")) {
        (Some(max), _) => value > max,
        (_, Some(min)) => value < min,
        _ => false,
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let t = Instant::now();
    let r = f();
    (t.elapsed(), r)
}

/// Alternates A and B `ROUNDS` times after one warm-up each; returns the medians.
fn side_by_side(
    mut a: impl FnMut() -> Duration,
    mut b: impl FnMut() -> Duration,
) -> (Duration, Duration) {
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    a();
    b();
    for _ in 0..ROUNDS {
        ta.push(a());
        tb.push(b());
    }
    (median(ta), median(tb))
}

/// A file of `size` pseudo-random bytes starting with an ELF magic, mode 0755, read once
/// so it is in the page cache.
fn make_input(dir: &Path, name: &str, size: usize) -> PathBuf {
    let path = dir.join(name);
    let mut f = File::create(&path).unwrap();
    let mut block = vec![0u8; 1 << 20];
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut written = 0;
    while written < size {
        for chunk in block.chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chunk.copy_from_slice(&state.to_le_bytes()[..chunk.len()]);
        }
        if written == 0 {
            block[..4].copy_from_slice(b"\x7fELF");
        }
        let n = block.len().min(size - written);
        f.write_all(&block[..n]).unwrap();
        written += n;
    }
    drop(f);
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let _ = hash_reader(File::open(&path).unwrap()).unwrap();
    path
}

fn mib_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / f64::from(1u32 << 20) / d.as_secs_f64()
}

fn openssl_time(path: &Path) -> Option<Duration> {
    let (d, out) = time(|| {
        Command::new("openssl")
            .args(["dgst", "-sha256"])
            .arg(path)
            .output()
    });
    out.ok().filter(|o| o.status.success()).map(|_| d)
}

/// `openssl speed -evp sha256 -bytes 16384 -seconds 1`, in MiB/s.
fn openssl_speed() -> Option<f64> {
    let out = Command::new("openssl")
        .args([
            "speed", "-evp", "sha256", "-bytes", "16384", "-seconds", "1",
        ])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().rev().find(|l| l.starts_with("sha256"))?;
    let kb: f64 = line
        .split_whitespace()
        .last()?
        .trim_end_matches('k')
        .parse()
        .ok()?;
    Some(kb * 1000.0 / f64::from(1u32 << 20))
}

fn hash_file(path: &Path) -> Duration {
    time(|| hash_reader(File::open(path).unwrap()).unwrap()).0
}

/// 1. `tee_copy_ratio`: `copy_and_hash` into a memfd (and a tmpfs file) ÷ hash-only.
fn tee_figures(r: &mut Report, input: &Path, size: usize) {
    let mem: Vec<u8> = std::fs::read(input).unwrap();
    let (compute, _) = side_by_side(|| time(|| Sha256::digest(&mem)).0, || Duration::ZERO);
    drop(mem);
    r.add(
        "sha256_compute_throughput",
        mib_per_s(size, compute),
        "MiB/s (sha2, in-memory, no I/O)",
    );
    if let Some(speed) = openssl_speed() {
        // SHA-NI class check: sha2 next to OpenSSL's own hand-written assembly.
        r.add(
            "openssl_speed_throughput",
            speed,
            "MiB/s (openssl speed -evp sha256, 16 KiB)",
        );
        r.add(
            "sha256_vs_openssl_speed_ratio",
            mib_per_s(size, compute) / speed,
            "x (about 1 = SHA-NI class)",
        );
    }
    let into_memfd = || {
        let mut m = ExecMemfd::create("bench").unwrap();
        time(|| copy_and_hash(File::open(input).unwrap(), m.file()).unwrap()).0
    };
    let (copy, hash) = side_by_side(into_memfd, || hash_file(input));
    r.add(
        "tee_copy_ratio",
        copy.as_secs_f64() / hash.as_secs_f64(),
        "x (memfd; goal <= 1.10)",
    );
    r.add("hash_only_throughput", mib_per_s(size, hash), "MiB/s");
    r.add("tee_copy_memfd_throughput", mib_per_s(size, copy), "MiB/s");
    r.add(
        "tee_copy_vs_compute_ratio",
        copy.as_secs_f64() / compute.as_secs_f64(),
        "x (memfd copy / in-memory hash)",
    );
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        let into_tmpfs = || {
            let p = shm.join(format!("execsafe-bench-{}", std::process::id()));
            let f = File::create(&p).unwrap();
            let d = time(|| copy_and_hash(File::open(input).unwrap(), &f).unwrap()).0;
            drop(f);
            std::fs::remove_file(&p).unwrap();
            d
        };
        let (copy, hash) = side_by_side(into_tmpfs, || hash_file(input));
        r.add(
            "tee_copy_ratio_tmpfs",
            copy.as_secs_f64() / hash.as_secs_f64(),
            "x (tmpfs; goal <= 1.10)",
        );
        r.add("tee_copy_tmpfs_throughput", mib_per_s(size, copy), "MiB/s");
    }
}

/// 2. `hash_vs_openssl_ratio` and 3. `verify_cost`.
fn openssl_figures(r: &mut Report, input: &Path, size: usize) {
    if openssl_time(input).is_none() {
        r.note("hash_vs_openssl_ratio", "openssl not found");
        r.note("verify_cost", "openssl not found");
        return;
    }
    let (ours, theirs) = side_by_side(|| hash_file(input), || openssl_time(input).unwrap());
    r.add(
        "hash_vs_openssl_ratio",
        theirs.as_secs_f64() / ours.as_secs_f64(),
        "x throughput (goal >= 0.95)",
    );
    r.add("openssl_throughput", mib_per_s(size, theirs), "MiB/s");
    let pin = hash_reader(File::open(input).unwrap()).unwrap().0;
    let verify = || {
        let (d, v) = time(|| verified_binary_with(input, &pin, ExecBackend::Memfd).unwrap());
        assert_eq!(v.backend(), ExecBackend::Memfd);
        drop(v);
        d
    };
    let (v, o) = side_by_side(verify, || openssl_time(input).unwrap());
    r.add(
        &format!("verify_cost_{}m", size >> 20),
        v.as_secs_f64() / o.as_secs_f64(),
        "x openssl (goal <= 1.15)",
    );
}

/// `/bin/true` as a regular file (`/usr/bin/true` first).
fn true_path() -> &'static Path {
    ["/usr/bin/true", "/bin/true"]
        .iter()
        .map(Path::new)
        .find(|p| p.is_file())
        .unwrap()
}

/// 4./5. spawn overhead of a verified restricted command over a plain `env_clear` spawn.
fn spawn_figures(r: &mut Report, spawns: usize) {
    let true_path = true_path();
    let pin = hash_reader(File::open(true_path).unwrap())
        .unwrap()
        .0
        .to_string();
    let batch = spawns / ROUNDS + 1;
    let ours = || {
        time(|| {
            for _ in 0..batch {
                let opts = CommandOptions::default();
                let c = RestrictedCommand::new_verified(true_path, &pin, [] as [&str; 0], &opts)
                    .unwrap();
                assert!(c.status().unwrap().success());
            }
        })
        .0
    };
    let plain = || {
        time(|| {
            for _ in 0..batch {
                assert!(
                    Command::new(true_path)
                        .env_clear()
                        .status()
                        .unwrap()
                        .success()
                );
            }
        })
        .0
    };
    let (a, b) = side_by_side(ours, plain);
    r.add(
        "spawn_overhead_ratio",
        a.as_secs_f64() / b.as_secs_f64(),
        "x (goal <= 1.5)",
    );
    r.add(
        "spawn_overhead_us",
        (a.as_secs_f64() - b.as_secs_f64()) / batch as f64 * 1e6,
        "us per spawn",
    );
    r.add(
        "spawn_plain_us",
        b.as_secs_f64() / batch as f64 * 1e6,
        "us per spawn",
    );
}

/// 6. `env_build_us` on a 1,000-variable environment.
fn env_figure(r: &mut Report) {
    let env: Vec<(String, String)> = (0..1000)
        .map(|i| match i % 10 {
            0 => ("HTTP_PROXY".into(), format!("http://u{i}:p@proxy:{i}")),
            1 => ("HOME".into(), format!("/home/{i}")),
            _ => (format!("VAR_{i}"), "x".repeat(40)),
        })
        .collect();
    let calls = 200u32;
    let build = || {
        time(|| {
            for _ in 0..calls {
                drop(build_restricted_env_safe(
                    env.iter().map(|(k, v)| (k, v)),
                    false,
                ));
            }
        })
        .0
    };
    let (e, _) = side_by_side(build, || Duration::ZERO);
    r.add(
        "env_build_us",
        e.as_secs_f64() / f64::from(calls) * 1e6,
        "us per call (1,000 vars)",
    );
}

/// 7. Peak RSS of verifying a large binary, in a fresh process.
fn rss_figure(r: &mut Report, big: &Path, rss_size: usize) {
    let pin = hash_reader(File::open(big).unwrap()).unwrap().0.to_string();
    let probe = Command::new(std::env::current_exe().unwrap())
        .arg("--rss-probe")
        .arg(big)
        .arg(&pin)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&probe.stdout);
    let field = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(k))
            .and_then(|v| v.trim().parse::<f64>().ok())
    };
    if let (Some(delta), Some(memfd)) = (field("rss_delta_kib "), field("memfd_kib ")) {
        r.add(
            &format!("peak_rss_verify_{}m", rss_size >> 20),
            delta / 1024.0,
            "MiB over baseline (goal <= 8)",
        );
        r.add(
            "memfd_copy_size",
            memfd / 1024.0,
            "MiB (the copy itself, not RSS)",
        );
    } else {
        r.note("peak_rss_verify", &String::from_utf8_lossy(&probe.stderr));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--rss-probe") {
        return rss_probe(Path::new(&args[i + 1]), &args[i + 2]);
    }
    let quick = args.iter().any(|a| a == "--quick");
    let out_path = args
        .iter()
        .position(|a| a == "--out")
        .map(|i| PathBuf::from(&args[i + 1]));
    let size: usize = if quick { 32 << 20 } else { 256 << 20 };
    let spawns: usize = if quick { 100 } else { 500 };
    let rss_size: usize = if quick { 32 << 20 } else { 1 << 30 };
    let dir = std::env::temp_dir().join(format!("execsafe-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut r = Report(Vec::new());
    println!(
        "# execsafe bench: {} MiB, {spawns} spawns, median of {ROUNDS} alternating rounds",
        size >> 20
    );
    let input = make_input(&dir, "input.bin", size);
    tee_figures(&mut r, &input, size);
    openssl_figures(&mut r, &input, size);
    spawn_figures(&mut r, spawns);
    env_figure(&mut r);
    let big = if rss_size == size {
        input.clone()
    } else {
        make_input(&dir, "big.bin", rss_size)
    };
    rss_figure(&mut r, &big, rss_size);
    let exe = v02::big_executable(&dir, size);
    v02::cli_figures(&mut r, &exe, spawns);
    v02::integrity_figures(&mut r, &input);
    v02::cache_figures(&mut r, &dir, spawns);
    v03::figures(&mut r, &dir, size, spawns);
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(p) = out_path {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, r.json()).unwrap();
        println!("# written {}", p.display());
    }
}

/// `VmRSS` / `VmHWM` of this process in KiB.
fn vm(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

/// Child mode: verify `path` once and report peak RSS over the baseline.
fn rss_probe(path: &Path, pin: &str) {
    let pin = parse_digest(pin).unwrap();
    // Warm-up on a tiny file so code pages and the allocator are in the baseline.
    let tiny = std::env::temp_dir().join(format!("execsafe-rss-tiny-{}", std::process::id()));
    std::fs::write(&tiny, b"x").unwrap();
    let tiny_pin = hash_reader(&b"x"[..]).unwrap().0;
    drop(verified_binary_with(&tiny, &tiny_pin, ExecBackend::Memfd).unwrap());
    std::fs::remove_file(&tiny).unwrap();
    let baseline = vm("VmRSS:");
    let v = verified_binary_with(path, &pin, ExecBackend::Memfd).unwrap();
    let peak = vm("VmHWM:");
    println!("rss_delta_kib {}", peak.saturating_sub(baseline));
    println!("memfd_kib {}", v.size() / 1024);
    drop(v);
}
