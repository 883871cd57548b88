//! Known-answer tests. Expected values were computed with coreutils `sha256sum` and
//! `openssl dgst -sha256` (they agree), not with this crate.

use execsafe_digest::{Digest, copy_and_hash, hash_reader, parse_digest};

fn d(s: &str) -> Digest {
    parse_digest(s).unwrap()
}

/// splitmix64 stream, little-endian words (the same generator produced the pinned file).
fn prng(n: usize, seed: u64) -> Vec<u8> {
    let mut s = seed;
    let mut out = Vec::with_capacity(n + 8);
    while out.len() < n {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        out.extend_from_slice(&z.to_le_bytes());
    }
    out.truncate(n);
    out
}

fn check(input: &[u8], want: &str) {
    let mut copy = Vec::new();
    let (digest, n) = copy_and_hash(input, &mut copy).unwrap();
    assert_eq!(digest, d(want));
    assert_eq!(digest.to_string(), want);
    assert_eq!(n, input.len() as u64);
    assert!(copy == input, "copy differs from input");
    assert_eq!(hash_reader(input).unwrap(), (d(want), input.len() as u64));
}

#[test]
fn empty() {
    check(
        b"",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
}

#[test]
fn abc() {
    check(
        b"abc",
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
}

#[test]
fn one_million_a() {
    check(
        &vec![b'a'; 1_000_000],
        "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
    );
}

#[test]
fn sixteen_mib_pseudo_random() {
    check(
        &prng(16 << 20, 0x5eed),
        "sha256:e52774397d18f3a8a816b23e63ce9818ecb46784be7c020b12c928160611fd87",
    );
}
