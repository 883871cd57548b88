//! The tee-hash copier: one read of each byte, sent to both the hasher and the writer.

use std::io::{self, ErrorKind, Read, Write};
use std::sync::mpsc;

use sha2::{Digest as _, Sha256};

use crate::digest::Digest;

/// Size of each copy buffer. Large enough that per-call overhead vanishes, small enough
/// that the pool stays in L2/L3.
const BUF_SIZE: usize = 256 * 1024;
/// Buffers in flight between the copying thread and the hashing thread.
const POOL: usize = 4;

/// Copies `src` to `dst` and returns the SHA-256 of exactly the bytes written, and
/// their count.
///
/// * Every byte written is a byte hashed, and vice versa: each buffer is written, then
///   **moved** to the hasher and back, so it cannot change in between.
/// * `Interrupted` reads are retried; a read error, a failed write or a short write
///   (`Ok(0)`) is returned as an error — never a shorter success.
/// * An input that fits in one 256 KiB buffer is hashed inline. A larger one is hashed on
///   a scoped second thread while this thread reads and writes, with a fixed pool of four
///   buffers (1 MiB), allocated once; no per-chunk allocation. When no thread can be
///   started (`RLIMIT_NPROC`, a small address-space limit) it copies and hashes on this
///   thread instead: slower, never a panic.
///
/// `dst` is not flushed; wrap it yourself if it buffers.
///
/// # Errors
///
/// The first I/O error of `src` or `dst`.
pub fn copy_and_hash<R: Read, W: Write>(mut src: R, mut dst: W) -> io::Result<(Digest, u64)> {
    let mut first = vec![0u8; BUF_SIZE];
    let n = read_full(&mut src, &mut first)?;
    if n < BUF_SIZE {
        dst.write_all(&first[..n])?;
        return Ok((
            Digest::from_bytes(Sha256::digest(&first[..n]).into()),
            n as u64,
        ));
    }
    pipelined(src, dst, first)
}

/// Hashes `src` to its end; returns the digest and the byte count.
///
/// `Interrupted` reads are retried; any other read error is returned.
///
/// # Errors
///
/// The first read error of `src`.
pub fn hash_reader<R: Read>(mut src: R) -> io::Result<(Digest, u64)> {
    let mut buf = vec![0u8; BUF_SIZE];
    let mut hasher = Sha256::new();
    let mut total = 0u64;
    loop {
        let n = read_full(&mut src, &mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((Digest::from_bytes(hasher.finalize().into()), total))
}

/// Fills `buf` from `src` until it is full or `src` is at its end; returns the count.
fn read_full<R: Read>(src: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match src.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// The one-thread copy, for when no hashing thread can be started: read, write, hash,
/// starting with the already-read, full `first` buffer.
fn serial<R: Read, W: Write>(
    src: &mut R,
    dst: &mut W,
    mut buf: Vec<u8>,
) -> io::Result<(Digest, u64)> {
    let mut hasher = Sha256::new();
    let mut total = 0u64;
    let mut n = buf.len();
    while n > 0 {
        dst.write_all(&buf[..n])?;
        hasher.update(&buf[..n]);
        total += n as u64;
        n = read_full(src, &mut buf)?;
    }
    Ok((Digest::from_bytes(hasher.finalize().into()), total))
}

/// The two-thread copy: this thread reads and writes, a scoped worker hashes. Falls back
/// to [`serial`] when the worker cannot be spawned.
fn pipelined<R: Read, W: Write>(
    mut src: R,
    mut dst: W,
    first: Vec<u8>,
) -> io::Result<(Digest, u64)> {
    std::thread::scope(|scope| {
        let (to_hasher, hasher_rx) = mpsc::sync_channel::<(Vec<u8>, usize)>(POOL);
        let (to_copier, free_rx) = mpsc::channel::<Vec<u8>>();
        let spawned = std::thread::Builder::new()
            .name("execsafe-hash".into())
            .spawn_scoped(scope, move || {
                let mut hasher = Sha256::new();
                for (buf, n) in hasher_rx {
                    hasher.update(&buf[..n]);
                    // The copier may have stopped on an error; the buffer is then dropped.
                    let _ = to_copier.send(buf);
                }
                Digest::from_bytes(hasher.finalize().into())
            });
        // No thread (RLIMIT_NPROC, a small address-space limit): same result, one thread.
        let Ok(worker) = spawned else {
            return serial(&mut src, &mut dst, first);
        };

        let mut allocated = 1;
        let mut total = 0u64;
        let mut buf = first;
        let mut n = BUF_SIZE;
        let copied: io::Result<()> = loop {
            if let Err(e) = dst.write_all(&buf[..n]) {
                break Err(e);
            }
            total += n as u64;
            if to_hasher.send((buf, n)).is_err() {
                break Err(io::Error::other("hashing thread stopped"));
            }
            buf = if let Ok(b) = free_rx.try_recv() {
                b
            } else if allocated < POOL {
                allocated += 1;
                vec![0u8; BUF_SIZE]
            } else {
                match free_rx.recv() {
                    Ok(b) => b,
                    Err(_) => break Err(io::Error::other("hashing thread stopped")),
                }
            };
            n = match read_full(&mut src, &mut buf) {
                Ok(0) => break Ok(()),
                Ok(n) => n,
                Err(e) => break Err(e),
            };
        };
        drop(to_hasher);
        let digest = match worker.join() {
            Ok(d) => d,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        copied.map(|()| (digest, total))
    })
}
