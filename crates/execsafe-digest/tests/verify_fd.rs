//! `verify_digest_from_fd`: whole file from offset 0, offset unchanged, fd left open.
#![cfg(unix)]

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};

use execsafe_digest::{DigestError, hash_reader, verify_digest_from_fd};

fn temp_file(content: &[u8]) -> File {
    let mut f = tempfile_in_target();
    f.write_all(content).unwrap();
    f
}

/// An anonymous temp file (`O_TMPFILE`-like via std: create + unlink).
fn tempfile_in_target() -> File {
    let dir = std::env::temp_dir();
    let path = dir.join(format!(
        "execsafe-digest-test-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    let f = File::options()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    f
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

#[test]
fn verifies_whole_file_from_the_middle_and_restores_offset() {
    let content: Vec<u8> = (0..600_000u32).map(|i| (i % 251) as u8).collect();
    let mut f = temp_file(&content);
    let (digest, _) = hash_reader(&content[..]).unwrap();
    f.seek(SeekFrom::Start(300_000)).unwrap();
    verify_digest_from_fd(&f, &digest.to_string()).unwrap();
    assert_eq!(f.stream_position().unwrap(), 300_000, "offset moved");
    // Still open and usable: a write through it works.
    f.write_all(b"more").unwrap();
    // And now the content differs: mismatch, naming the expected digest only.
    let err = verify_digest_from_fd(&f, &digest.to_string()).unwrap_err();
    assert!(matches!(err, DigestError::Mismatch { expected, .. } if expected == digest));
}

#[test]
fn mismatch_never_shows_the_computed_digest() {
    let f = temp_file(b"hello");
    let (actual, _) = hash_reader(&b"hello"[..]).unwrap();
    let wrong = format!("sha256:{}", "0".repeat(64));
    let err = verify_digest_from_fd(&f, &wrong).unwrap_err();
    let hex = actual.to_string()[7..].to_string();
    assert!(!err.to_string().contains(&hex));
    assert!(!format!("{err:?}").contains(&hex));
}

#[test]
fn malformed_expected_is_refused_before_reading() {
    let (r, _w) = std::io::pipe().unwrap();
    // A pipe cannot be read at an offset; a Format error proves the parse came first.
    let err = verify_digest_from_fd(&r, "sha256:XYZ").unwrap_err();
    assert!(matches!(err, DigestError::Format { .. }));
}

#[test]
fn pipe_fd_gives_a_clear_error() {
    let (r, mut w) = std::io::pipe().unwrap();
    w.write_all(b"data").unwrap();
    let err = verify_digest_from_fd(&r, &format!("sha256:{}", "a".repeat(64))).unwrap_err();
    let DigestError::Io { source, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        source.raw_os_error(),
        Some(29),
        "expected ESPIPE, got {source}"
    );
}
