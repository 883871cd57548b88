//! Every error variant of every crate names what it is about in its top-level
//! `Display`, and never a value. Real errors where they are cheap to provoke; the rest
//! constructed, so that a format string that drops its subject fails here.
#![cfg(unix)]

use std::io;
use std::path::PathBuf;

use execsafe::{
    CodeLoader, CommandOptions, DigestError, Error, ExecBackend, FileKind, FsError,
    RestrictedCommand, SecretNameError, parse_digest, validate_secret_name, validate_secret_names,
    verified_binary_fd, verified_binary_with_limit,
};

fn has(e: &dyn std::error::Error, subject: &str) {
    let s = e.to_string();
    assert!(s.contains(subject), "{subject:?} not in {s:?}");
}

fn p(s: &str) -> PathBuf {
    PathBuf::from(s)
}

const PIN: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

#[test]
fn cmd_errors_name_their_subject() {
    let real_true = ["/usr/bin/true", "/bin/true"]
        .into_iter()
        .find(|p| {
            std::path::Path::new(p)
                .symlink_metadata()
                .is_ok_and(|m| m.is_file())
        })
        .unwrap();
    // Real ones.
    has(
        &verified_binary_fd(real_true, "sha256:XYZ").unwrap_err(),
        real_true,
    );
    has(
        &verified_binary_fd("/nonexistent/tool-x", PIN).unwrap_err(),
        "/nonexistent/tool-x",
    );
    has(&verified_binary_fd(real_true, PIN).unwrap_err(), real_true); // Mismatch
    let d = parse_digest(PIN).unwrap();
    has(
        &verified_binary_with_limit(real_true, &d, ExecBackend::Auto, Some(1)).unwrap_err(),
        real_true,
    );
    let opts = |f: &dyn Fn(&mut CommandOptions)| {
        let mut o = CommandOptions::default();
        f(&mut o);
        RestrictedCommand::with_environ(real_true, [] as [&str; 0], &o, [("A", "b")]).unwrap_err()
    };
    has(
        &opts(&|o| o.work_dir = Some(p("/nonexistent/wd-x"))),
        "/nonexistent/wd-x",
    );
    has(&opts(&|o| o.work_dir = Some(p(real_true))), real_true);
    has(&opts(&|o| o.secrets = vec!["BASH_ENV".into()]), "BASH_ENV");
    has(&opts(&|o| o.secrets = vec!["PATH".into()]), "PATH");
    has(
        &opts(&|o| o.secrets = vec!["LD_PRELOAD".into()]),
        "LD_PRELOAD",
    );
    has(
        &opts(&|o| o.additional_env = vec![("A=B".into(), "v".into())]),
        "A=B",
    );
    has(
        &opts(&|o| o.additional_env = vec![("KEYX".into(), "a\0b".into())]),
        "KEYX",
    );
}

#[test]
fn constructed_cmd_errors_name_their_subject() {
    let d = parse_digest(PIN).unwrap();
    // Constructed ones.
    let cases: Vec<(Error, &str)> = vec![
        (
            Error::ChangedDuringCopy {
                path: p("/x/changed"),
                expected: 1,
                copied: 2,
            },
            "/x/changed",
        ),
        (
            Error::BackendUnavailable {
                path: p("/x/bu"),
                backend: ExecBackend::Memfd,
                reason: "why".into(),
            },
            "/x/bu",
        ),
        (
            Error::Noexec {
                dir: p("/x/noexec"),
            },
            "/x/noexec",
        ),
        (
            Error::FileSizeLimit {
                path: p("/x/fsize"),
            },
            "/x/fsize",
        ),
        (Error::Fs(FsError::NotFound { path: p("/x/fs") }), "/x/fs"),
        (
            Error::Copy {
                path: p("/x/copy"),
                source: io::Error::other("e"),
            },
            "/x/copy",
        ),
        (
            Error::TooLarge {
                path: p("/x/big"),
                size: 2,
                max: 1,
            },
            "/x/big",
        ),
        (
            Error::Mismatch {
                path: p("/x/mm"),
                expected: d,
            },
            "/x/mm",
        ),
        (
            Error::CodeLoadingVar {
                name: "NODE_OPTIONS".into(),
                origin: "secret",
                loader: CodeLoader::Runtime,
            },
            "NODE_OPTIONS",
        ),
        (Error::SecretPath, "PATH"),
        (
            Error::WorkDir {
                dir: p("/x/wd"),
                source: io::Error::other("e"),
            },
            "/x/wd",
        ),
        (Error::InvalidEnvKey { key: "K=".into() }, "K="),
        (Error::InvalidEnvValue { key: "KV".into() }, "KV"),
    ];
    for (e, subject) in &cases {
        has(e, subject);
    }
}

#[test]
fn fs_errors_name_their_subject() {
    let cases: Vec<(FsError, &str)> = vec![
        (FsError::Symlink { path: p("/f/link") }, "/f/link"),
        (
            FsError::NotRegular {
                path: p("/f/fifo"),
                kind: FileKind::Fifo,
            },
            "/f/fifo",
        ),
        (FsError::NotFound { path: p("/f/none") }, "/f/none"),
        (
            FsError::UnsafeBase {
                path: p("/f/base"),
                reason: "r",
            },
            "/f/base",
        ),
        (
            FsError::UnsafeAncestor {
                base: p("/f/b"),
                ancestor: p("/f/anc"),
                reason: "r",
            },
            "/f/anc",
        ),
        (
            FsError::NotPrivate {
                path: p("/f/priv"),
                reason: "r",
            },
            "/f/priv",
        ),
        (
            FsError::MemfdExecDenied {
                name: "execsafe:tool".into(),
            },
            "execsafe:tool",
        ),
        (
            FsError::ProcUnavailable {
                path: p("/proc/self/fd/9"),
            },
            "/proc/self/fd/9",
        ),
        (
            FsError::SealsMissing {
                path: p("/proc/self/fd/8"),
                missing: "WRITE".into(),
            },
            "/proc/self/fd/8",
        ),
        (
            FsError::Json {
                path: p("/f/config.json"),
                source: serde_json::from_str::<u8>("x").unwrap_err(),
            },
            "/f/config.json",
        ),
        (
            FsError::Io {
                op: "opening",
                path: p("/f/io"),
                source: io::Error::other("e"),
            },
            "/f/io",
        ),
    ];
    for (e, subject) in &cases {
        has(e, subject);
    }
    // And real ones.
    has(
        &execsafe::open_binary_no_follow("/dev/zero").unwrap_err(),
        "/dev/zero",
    );
    has(
        &execsafe::open_binary_no_follow("/nonexistent/zz").unwrap_err(),
        "/nonexistent/zz",
    );
}

#[test]
fn digest_and_secret_name_errors_name_their_subject() {
    has(&parse_digest("sha256:NOPE").unwrap_err(), "sha256:NOPE");
    let d = parse_digest(PIN).unwrap();
    has(&DigestError::Mismatch { fd: 7, expected: d }, "fd 7");
    has(
        &DigestError::Io {
            context: "reading",
            fd: 9,
            source: io::Error::other("e"),
        },
        "fd 9",
    );
    let file = std::fs::File::open("/dev/null").unwrap();
    has(
        &execsafe::verify_digest_from_fd(&file, PIN).unwrap_err(),
        "fd ",
    );
    has(&validate_secret_name("").unwrap_err(), "secret name");
    has(&validate_secret_name("EPACK_X").unwrap_err(), "EPACK_X");
    has(&validate_secret_name("MY-TOKEN").unwrap_err(), "MY-TOKEN");
    has(&validate_secret_name("1TOKEN").unwrap_err(), "1TOKEN");
    let several = validate_secret_names(["LD_A", "B-C"]).unwrap_err();
    assert!(matches!(several, SecretNameError::Several(_)));
    has(&several, "LD_A");
    has(&several, "B-C");
    // A value typed after the name is never kept.
    let e = validate_secret_name("GITHUB_TOKEN=ghp_abc123").unwrap_err();
    assert!(!format!("{e} {e:?}").contains("ghp_abc123"), "{e:?}");
    has(&e, "GITHUB_TOKEN");
}
