//! Hostile inputs: each gives a typed error, runs nothing and leaves nothing behind.
mod common;

use std::os::unix::fs::symlink;

use common::{Scratch, digest_of};
use execsafe_cmd::{
    CommandOptions, Error, ExecBackend, RestrictedCommand, verified_binary_fd, verified_binary_with,
};
use execsafe_digest::parse_digest;
use execsafe_fs::{FileKind, FsError};

const ZERO: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

#[test]
fn wrong_digest_is_a_mismatch_naming_the_file_not_the_digest() {
    let s = Scratch::new("wrong");
    let marker = s.0.join("ran");
    let script = s.write_exec(
        "tool",
        format!("#!/bin/sh\ntouch {}\n", marker.display()).as_bytes(),
    );
    let actual = digest_of(&script);
    for backend in [ExecBackend::Auto, ExecBackend::TempDir, ExecBackend::Memfd] {
        let o = CommandOptions {
            backend,
            ..CommandOptions::default()
        };
        let err = RestrictedCommand::new_verified(&script, ZERO, [] as [&str; 0], &o).unwrap_err();
        assert!(
            matches!(&err, Error::Mismatch { path, .. } if *path == script),
            "{err:?}"
        );
        let text = format!("{err} {err:?}");
        assert!(
            text.contains("tool") && !text.contains(&actual[7..]),
            "{text}"
        );
    }
    assert!(!marker.exists(), "the unverified binary ran");
}

#[test]
fn malformed_digests_are_refused_before_opening() {
    for bad in [
        "sha256:wrongdigest",
        "",
        "SHA256:00",
        &ZERO.to_uppercase(),
        &format!("{ZERO}\n"),
        &ZERO[7..],
    ] {
        // The path does not exist: an InvalidDigest error proves the digest came first.
        let err = verified_binary_fd("/nonexistent/binary", bad).unwrap_err();
        assert!(
            matches!(err, Error::InvalidDigest { .. }),
            "{bad:?}: {err:?}"
        );
        let err = RestrictedCommand::new_verified(
            "/nonexistent/binary",
            bad,
            [] as [&str; 0],
            &CommandOptions::default(),
        )
        .unwrap_err();
        assert!(
            matches!(err, Error::InvalidDigest { .. }),
            "{bad:?}: {err:?}"
        );
    }
}

/// Bytes this thread has read through read-like syscalls (`rchar` of
/// `/proc/thread-self/io`): proves a file was not read, without timing.
fn thread_rchar() -> u64 {
    let io = std::fs::read_to_string("/proc/thread-self/io").unwrap();
    io.lines()
        .find_map(|l| l.strip_prefix("rchar: "))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn malformed_digest_on_a_4_gib_sparse_file_reads_nothing() {
    let s = Scratch::new("sparse");
    let big = s.0.join("big");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(4 << 30).unwrap();
    drop(f);
    let before = thread_rchar();
    let err = verified_binary_fd(&big, "sha256:not-a-digest").unwrap_err();
    let read = thread_rchar() - before;
    assert!(matches!(err, Error::InvalidDigest { .. }), "{err:?}");
    assert!(
        read < 1 << 20,
        "read {read} bytes of a file it should not have opened"
    );
    // Control: the probe does see a real verification read (2 MiB, well-formed pin).
    let small = s.0.join("small");
    std::fs::write(&small, vec![7u8; 2 << 20]).unwrap();
    let before = thread_rchar();
    let err = verified_binary_fd(&small, ZERO).unwrap_err();
    assert!(matches!(err, Error::Mismatch { .. }), "{err:?}");
    assert!(
        thread_rchar() - before >= 2 << 20,
        "rchar probe does not see reads"
    );
}

#[test]
fn symlink_fifo_directory_and_dev_zero_are_refused() {
    let s = Scratch::new("refuse");
    let real = s.copy_sys("true", "real");
    let link = s.0.join("link");
    symlink(&real, &link).unwrap();
    let fifo = s.fifo("fifo");
    let d = parse_digest(&digest_of(&real)).unwrap();
    for backend in [ExecBackend::Auto, ExecBackend::TempDir] {
        let e = verified_binary_with(&link, &d, backend).unwrap_err();
        assert!(matches!(e, Error::Open(FsError::Symlink { .. })), "{e:?}");
        let e = verified_binary_with(&fifo, &d, backend).unwrap_err();
        assert!(
            matches!(
                e,
                Error::Open(FsError::NotRegular {
                    kind: FileKind::Fifo,
                    ..
                })
            ),
            "{e:?}"
        );
        let e = verified_binary_with(&s.0, &d, backend).unwrap_err();
        assert!(
            matches!(
                e,
                Error::Open(FsError::NotRegular {
                    kind: FileKind::Directory,
                    ..
                })
            ),
            "{e:?}"
        );
        let e = verified_binary_with("/dev/zero", &d, backend).unwrap_err();
        assert!(
            matches!(
                e,
                Error::Open(FsError::NotRegular {
                    kind: FileKind::CharDevice,
                    ..
                })
            ),
            "{e:?}"
        );
        let e = verified_binary_with(s.0.join("missing"), &d, backend).unwrap_err();
        assert!(matches!(e, Error::Open(FsError::NotFound { .. })), "{e:?}");
    }
}

#[test]
fn invalid_env_keys_and_secret_names_are_errors() {
    for key in ["", "A=B", "A\0B"] {
        let o = CommandOptions {
            additional_env: vec![(key.into(), "v".into())],
            ..CommandOptions::default()
        };
        let err =
            RestrictedCommand::with_environ("/bin/true", [] as [&str; 0], &o, [("HOME", "/h")])
                .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidEnvKey { key: k } if k == key),
            "{err:?}"
        );
    }
    let o = CommandOptions {
        additional_env: vec![("K".into(), "sec\0ret".into())],
        ..CommandOptions::default()
    };
    let err = RestrictedCommand::with_environ("/bin/true", [] as [&str; 0], &o, [("HOME", "/h")])
        .unwrap_err();
    assert!(matches!(err, Error::InvalidEnvValue { .. }));
    assert!(
        !format!("{err} {err:?}").contains("sec"),
        "value leaked: {err:?}"
    );
    for name in [
        "LD_PRELOAD",
        "DYLD_INSERT_LIBRARIES",
        "EPACK_X",
        "MY-TOKEN",
        "1X",
        "",
    ] {
        let o = CommandOptions {
            secrets: vec![name.into()],
            ..CommandOptions::default()
        };
        let err =
            RestrictedCommand::with_environ("/bin/true", [] as [&str; 0], &o, [(name, "/evil.so")])
                .unwrap_err();
        assert!(
            matches!(err, Error::InvalidSecretName(_)),
            "{name}: {err:?}"
        );
        assert!(!format!("{err} {err:?}").contains("/evil.so"));
    }
}
