//! v0.3 figures, side by side in one run: running a root-owned program in place against
//! its memfd copy (`execsafe run` ÷ `openssl dgst`, `run /bin/true` ÷ `env -i`), and the
//! shared memory a 256 MiB program takes while it runs, in place and copied.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::v02::{big_executable, cli, pin_of, status_ok};
use super::{Report, openssl_time, side_by_side, true_path};

fn run_with(exe: &Path, backend: &str, pin: &str, program: &Path) -> Duration {
    status_ok(
        Command::new(exe)
            .args(["run", "--backend", backend, "--digest", pin, "--"])
            .arg(program),
    )
}

/// `Shmem:` of `/proc/meminfo`, in KiB (tmpfs and memfd pages, system-wide).
fn shmem_kib() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Shmem:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

/// Shared memory growth while `execsafe run` of `program` (a padded `sleep`) runs, MiB.
fn shmem_growth(exe: &Path, backend: &str, program: &Path) -> f64 {
    let pin = pin_of(program);
    let before = shmem_kib();
    let mut child = Command::new(exe)
        .args(["run", "--backend", backend, "--digest", &pin, "--"])
        .arg(program)
        .arg("2")
        .spawn()
        .unwrap();
    let mut peak = before;
    let start = std::time::Instant::now();
    while start.elapsed() < Duration::from_millis(1500) {
        peak = peak.max(shmem_kib());
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    peak.saturating_sub(before) as f64 / 1024.0
}

/// A root-owned `sleep` padded to `size` bytes (trailing bytes are ignored by the loader).
fn big_sleep(dir: &Path, size: usize) -> PathBuf {
    let sleep = ["/usr/bin/sleep", "/bin/sleep"]
        .into_iter()
        .map(Path::new)
        .find(|p| p.symlink_metadata().is_ok_and(|m| m.is_file()))
        .unwrap();
    let mut bytes = std::fs::read(sleep).unwrap();
    bytes.resize(size, 0);
    let p = dir.join("big-sleep");
    std::fs::write(&p, &bytes).unwrap();
    std::fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    p
}

pub(super) fn figures(r: &mut Report, dir: &Path, size: usize, spawns: usize) {
    let Some(exe) = cli() else {
        r.note(
            "cli_in_place",
            "EXECSAFE_CLI not set (run cargo xtask bench)",
        );
        return;
    };
    if !rustix::process::geteuid().is_root() {
        r.note(
            "cli_in_place",
            "not root: the bench's files are not root-owned",
        );
        return;
    }
    let big = big_executable(dir, size);
    let pin = pin_of(&big);
    let mib = size >> 20;
    if openssl_time(&big).is_some() {
        let (a, b) = side_by_side(
            || run_with(&exe, "auto", &pin, &big),
            || openssl_time(&big).unwrap(),
        );
        r.add(
            &format!("cli_run_{mib}m_in_place_vs_openssl"),
            a.as_secs_f64() / b.as_secs_f64(),
            "x openssl dgst (goal <= 1.03)",
        );
        let (a, b) = side_by_side(
            || run_with(&exe, "memfd", &pin, &big),
            || openssl_time(&big).unwrap(),
        );
        r.add(
            &format!("cli_run_{mib}m_memfd_vs_openssl"),
            a.as_secs_f64() / b.as_secs_f64(),
            "x openssl dgst (goal <= 1.15)",
        );
    }
    let t = true_path();
    let pin_t = pin_of(t);
    let batch = spawns / 7 + 1;
    let env_i = || {
        (0..batch)
            .map(|_| status_ok(Command::new("env").arg("-i").arg(t)))
            .sum()
    };
    let dynamic = std::env::var_os("EXECSAFE_CLI_DYNAMIC").map(PathBuf::from);
    let mut cases = vec![
        (
            &exe,
            "auto",
            "cli_true_in_place_vs_env_i",
            "x env -i (goal <= 1.10)",
        ),
        (
            &exe,
            "memfd",
            "cli_true_memfd_vs_env_i",
            "x env -i (goal <= 1.25)",
        ),
    ];
    if let Some(d) = dynamic.as_ref().filter(|d| d.is_file() && **d != exe) {
        cases.push((
            d,
            "auto",
            "cli_true_in_place_dynamic_build_vs_env_i",
            "x env -i (cargo install's build)",
        ));
    }
    for (cli, backend, name, goal) in cases {
        let ours = || (0..batch).map(|_| run_with(cli, backend, &pin_t, t)).sum();
        let (a, b) = side_by_side(ours, env_i);
        r.add(name, a.as_secs_f64() / b.as_secs_f64(), goal);
    }
    let sleeper = big_sleep(dir, size);
    r.add(
        &format!("shmem_growth_{mib}m_in_place"),
        shmem_growth(&exe, "auto", &sleeper),
        "MiB while it runs (goal <= 64)",
    );
    r.add(
        &format!("shmem_growth_{mib}m_memfd"),
        shmem_growth(&exe, "memfd", &sleeper),
        "MiB while it runs (the copy)",
    );
}
