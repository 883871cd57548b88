//! Another user re-points a TMPDIR symlink: `TMPDIR=<pub>/link`, where `<pub>` is sticky
//! and world-writable and `link` belongs to uid 65534. v0.1 executed
//! `<TMPDIR as given>/execsafe-exec-X/name`, so after verification the attacker swapped
//! the link for a look-alike tree and its script ran as the caller. v0.2 resolves the base
//! once, checks every ancestor, and executes the resolved path.
#![cfg(target_os = "linux")]
use execsafe_test_support::attack;
mod common;
use execsafe_test_support::rerun;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::{Scratch, digest_of};
use execsafe_cmd::{CommandOptions, ExecBackend, RestrictedCommand, verified_binary_with};
use execsafe_digest::parse_digest;

const RACE: &str = "another_user_swapping_the_tmpdir_link_never_gets_its_script_run";
const ONE_SWAP: &str = "a_swap_between_verification_and_spawn_changes_nothing";
const ATTEMPTS: usize = 25;

/// `<scratch>/pub` (root, 1777) with `real` (root, 0755) and the tool script (~4 MiB, so
/// that the copy takes a few milliseconds: the window v0.1 left open).
struct Setup {
    _scratch: Scratch,
    public: PathBuf,
    tool: PathBuf,
}

fn setup(tag: &str) -> Setup {
    let scratch = Scratch::new(tag);
    let public = scratch.0.join("pub");
    std::fs::create_dir(&public).unwrap();
    std::fs::set_permissions(&public, std::fs::Permissions::from_mode(0o1777)).unwrap();
    std::fs::create_dir(public.join("real")).unwrap();
    let mut body = b"#!/bin/sh\necho real\nexit 0\n".to_vec();
    body.extend(
        std::iter::repeat_n(b"# padding ...................................\n", 90_000).flatten(),
    );
    let tool = scratch.write_exec("tool.sh", &body);
    Setup {
        _scratch: scratch,
        public,
        tool,
    }
}

/// `"real"`, `"evil"`, or `"refused"` (the base resolved to a dir the attacker owns:
/// refused before anything is copied or run, a safe outcome).
fn run_once(tool: &Path, pin: &str) -> String {
    let opts = CommandOptions {
        backend: ExecBackend::TempDir,
        ..CommandOptions::default()
    };
    match RestrictedCommand::new_verified(tool, pin, [] as [&str; 0], &opts) {
        Ok(cmd) => String::from_utf8_lossy(&cmd.output().unwrap().stdout)
            .trim()
            .to_owned(),
        Err(execsafe_cmd::Error::Fs(execsafe_fs::FsError::UnsafeAncestor { .. })) => {
            "refused".into()
        }
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn another_user_swapping_the_tmpdir_link_never_gets_its_script_run() {
    if attack::role().as_deref() == Some("tmpdir") {
        return attack::tmpdir_swapper();
    }
    if rerun::in_child() {
        // The victim, with TMPDIR=<pub>/link.
        let tool = PathBuf::from(std::env::var_os("EXECSAFE_TOOL").unwrap());
        let pin = digest_of(&tool);
        let (mut real, mut evil, mut refused) = (0, 0, 0);
        for _ in 0..ATTEMPTS {
            match run_once(&tool, &pin).as_str() {
                "real" => real += 1,
                "evil" => evil += 1,
                "refused" => refused += 1,
                other => panic!("unexpected output {other:?}"),
            }
        }
        println!("VICTIM evil={evil} real={real} refused={refused}");
        return;
    }
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: the attacker must run as another uid (needs root for setpriv)");
        return;
    }
    let s = setup("tmpdir-race");
    let attacker = attack::spawn_attacker(
        RACE,
        "tmpdir",
        Some(65534),
        &[
            ("EXECSAFE_PUB", s.public.clone().into_os_string()),
            ("EXECSAFE_NAME", "tool.sh".into()),
        ],
    );
    let link = s.public.join("link");
    assert_eq!(std::fs::symlink_metadata(&link).unwrap().uid_(), 65534);
    let out = rerun::rerun(
        RACE,
        &[
            ("TMPDIR", link.as_os_str()),
            ("EXECSAFE_TOOL", s.tool.as_os_str()),
        ],
        &["XDG_RUNTIME_DIR"],
    );
    let report = attacker.finish();
    let victim = out
        .lines()
        .find(|l| l.contains("VICTIM"))
        .unwrap()
        .to_owned();
    println!(
        "{ATTEMPTS} verified runs via TMPDIR={}: {victim}; {report}",
        link.display()
    );
    assert!(
        attack::field(&report, "swaps") > 0,
        "the attacker never raced: {report}"
    );
    assert!(
        victim.contains("evil=0 "),
        "the attacker's script ran: {victim}"
    );
    assert!(!victim.contains("real=0 "), "never ran at all: {victim}");
}

#[test]
fn a_swap_between_verification_and_spawn_changes_nothing() {
    if rerun::in_child() {
        let public = PathBuf::from(std::env::var_os("EXECSAFE_PUB").unwrap());
        let tool = public.parent().unwrap().join("tool.sh");
        let pin = parse_digest(&digest_of(&tool)).unwrap();
        let v = verified_binary_with(&tool, &pin, ExecBackend::TempDir).unwrap();
        // The path that runs is the resolved one, not the link.
        assert!(
            v.exec_path().starts_with(public.join("real")),
            "{:?}",
            v.exec_path()
        );
        // Attacker's move, made deterministically: a look-alike tree, then the swap.
        let dir_name = v.exec_path().parent().unwrap().file_name().unwrap();
        let fake = public.join("evil").join(dir_name);
        std::fs::create_dir_all(&fake).unwrap();
        std::fs::write(fake.join("tool.sh"), "#!/bin/sh\necho evil\n").unwrap();
        std::fs::set_permissions(fake.join("tool.sh"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        std::os::unix::fs::symlink(public.join("evil"), public.join("link.new")).unwrap();
        std::fs::rename(public.join("link.new"), public.join("link")).unwrap();
        let out = RestrictedCommand::from_verified(v, [] as [&str; 0], &CommandOptions::default())
            .unwrap()
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "real");
        return;
    }
    let s = setup("tmpdir-swap");
    std::os::unix::fs::symlink(s.public.join("real"), s.public.join("link")).unwrap();
    rerun::rerun(
        ONE_SWAP,
        &[
            ("TMPDIR", s.public.join("link").as_os_str()),
            ("EXECSAFE_PUB", s.public.as_os_str()),
        ],
        &["XDG_RUNTIME_DIR"],
    );
}

trait Uid {
    fn uid_(&self) -> u32;
}
impl Uid for std::fs::Metadata {
    fn uid_(&self) -> u32 {
        std::os::unix::fs::MetadataExt::uid(self)
    }
}
