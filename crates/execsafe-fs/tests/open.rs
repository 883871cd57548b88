//! `open_binary_no_follow` against symlinks, FIFOs, devices, directories and sockets.

use std::os::unix::fs::symlink;
use std::sync::mpsc;
use std::time::Duration;

use execsafe_test_support::scratch;

use execsafe_fs::{FileIdentity, FileKind, FsError, fstat_inode, open_binary_no_follow};
use scratch::Scratch;

#[test]
fn regular_file_opens_blocking_and_cloexec() {
    let s = Scratch::new("regular");
    let p = s.0.join("bin");
    std::fs::write(&p, b"#!/bin/sh\n").unwrap();
    let f = open_binary_no_follow(&p).unwrap();
    let fl = rustix::fs::fcntl_getfl(&f).unwrap();
    assert!(
        !fl.contains(rustix::fs::OFlags::NONBLOCK),
        "O_NONBLOCK was not cleared"
    );
    let fdfl = rustix::io::fcntl_getfd(&f).unwrap();
    assert!(fdfl.contains(rustix::io::FdFlags::CLOEXEC));
    let meta = std::fs::metadata(&p).unwrap();
    assert_eq!(
        fstat_inode(&f).unwrap(),
        std::os::unix::fs::MetadataExt::ino(&meta)
    );
    let id = FileIdentity::of(&f).unwrap();
    assert_eq!(id.dev, std::os::unix::fs::MetadataExt::dev(&meta));
}

#[test]
fn symlink_is_refused() {
    let s = Scratch::new("symlink");
    let target = s.0.join("real");
    std::fs::write(&target, b"x").unwrap();
    let link = s.0.join("link");
    symlink(&target, &link).unwrap();
    let err = open_binary_no_follow(&link).unwrap_err();
    assert!(
        matches!(&err, FsError::Symlink { path } if *path == link),
        "{err:?}"
    );
    assert!(err.to_string().contains("symlink"));
}

#[test]
fn fifo_is_refused_at_once() {
    let s = Scratch::new("fifo");
    let fifo = s.fifo("fifo");
    // Watchdog: the open must return within 1 s (Go's open blocked forever here).
    let (tx, rx) = mpsc::channel();
    let p = fifo.clone();
    std::thread::spawn(move || {
        let _ = tx.send(open_binary_no_follow(&p).map(|_| ()));
    });
    let res = rx
        .recv_timeout(Duration::from_secs(1))
        .expect("open of a FIFO blocked");
    assert!(
        matches!(
            res,
            Err(FsError::NotRegular {
                kind: FileKind::Fifo,
                ..
            })
        ),
        "{res:?}"
    );
}

#[test]
fn devices_and_directories_are_refused() {
    for (path, kind) in [
        ("/dev/null", FileKind::CharDevice),
        ("/dev/zero", FileKind::CharDevice),
        ("/", FileKind::Directory),
    ] {
        let err = open_binary_no_follow(path).unwrap_err();
        assert!(
            matches!(err, FsError::NotRegular { kind: k, .. } if k == kind),
            "{path}: {err:?}"
        );
    }
}

#[test]
fn socket_is_refused() {
    let s = Scratch::new("socket");
    let sock = s.0.join("sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let err = open_binary_no_follow(&sock).unwrap_err();
    assert!(
        matches!(
            err,
            FsError::NotRegular {
                kind: FileKind::Socket,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn missing_is_not_found() {
    let err = open_binary_no_follow("/nonexistent/execsafe/bin").unwrap_err();
    assert!(matches!(err, FsError::NotFound { .. }), "{err:?}");
}
