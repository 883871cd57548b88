//! Property tests of the tee-hash copier under hostile chunking, interrupts and failures.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    reason = "test data generation truncates on purpose"
)]

use std::io::{self, ErrorKind, Read, Write};

use execsafe_digest::{Digest, copy_and_hash, hash_reader};
use proptest::prelude::*;
use sha2::{Digest as _, Sha256};

/// Returns 1..=max bytes per call following `plan`, with `Interrupted` where planned,
/// and optionally an error after `fail_at` bytes.
struct HostileReader {
    data: Vec<u8>,
    pos: usize,
    plan: Vec<(usize, bool)>,
    step: usize,
    fail_at: Option<usize>,
}

impl Read for HostileReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let (size, interrupt) = self.plan[self.step % self.plan.len()];
        self.step += 1;
        if interrupt {
            return Err(ErrorKind::Interrupted.into());
        }
        if self.fail_at.is_some_and(|k| self.pos >= k) {
            return Err(io::Error::other("injected read failure"));
        }
        let mut n = size.max(1).min(buf.len()).min(self.data.len() - self.pos);
        if let Some(k) = self.fail_at {
            n = n.min(k - self.pos).max(usize::from(n > 0));
        }
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Accepts at most `max` bytes per write (partial writes) and never more than `fail_at`
/// (or `zero_at`) bytes in all; once it holds that many it fails (or returns `Ok(0)`, a
/// short write). Since the input is longer than the limit, the copy can never complete.
struct HostileWriter {
    out: Vec<u8>,
    max: usize,
    fail_at: Option<usize>,
    zero_at: Option<usize>,
}

impl Write for HostileWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.fail_at.is_some_and(|k| self.out.len() >= k) {
            return Err(io::Error::other("injected write failure"));
        }
        if self.zero_at.is_some_and(|k| self.out.len() >= k) {
            return Ok(0);
        }
        let limit = self.fail_at.or(self.zero_at).unwrap_or(usize::MAX);
        let n = buf.len().min(self.max).min(limit - self.out.len());
        self.out.extend_from_slice(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn sha(data: &[u8]) -> Digest {
    Digest::from_bytes(Sha256::digest(data).into())
}

/// Inputs up to 1.2 MiB so that both the inline and the pipelined paths run.
fn data() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..4096),
        (0usize..1_300_000, any::<u8>()).prop_map(|(n, seed)| {
            (0..n)
                .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
                .collect()
        }),
    ]
}

fn plan() -> impl Strategy<Value = Vec<(usize, bool)>> {
    prop::collection::vec((1usize..300_000, prop::bool::weighted(0.2)), 1..8)
        .prop_filter("at least one non-interrupting step", |p| {
            p.iter().any(|(_, i)| !i)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn output_equals_input_and_digest_is_sha256(data in data(), plan in plan(), max in 1usize..400_000) {
        let reader = HostileReader { data: data.clone(), pos: 0, plan, step: 0, fail_at: None };
        let mut w = HostileWriter { out: Vec::new(), max, fail_at: None, zero_at: None };
        let (digest, n) = copy_and_hash(reader, &mut w).unwrap();
        prop_assert!(w.out == data);
        prop_assert_eq!(n, data.len() as u64);
        prop_assert_eq!(digest, sha(&data));
    }

    #[test]
    fn failing_writer_is_never_ok(data in data(), k_frac in 0.0f64..1.0, max in 1usize..400_000, zero in any::<bool>()) {
        prop_assume!(!data.is_empty());
        let k = ((data.len() as f64) * k_frac) as usize;
        let reader = HostileReader { data: data.clone(), pos: 0, plan: vec![(usize::MAX, false)], step: 0, fail_at: None };
        let (fail_at, zero_at) = if zero { (None, Some(k)) } else { (Some(k), None) };
        let mut w = HostileWriter { out: Vec::new(), max, fail_at, zero_at };
        let r = copy_and_hash(reader, &mut w);
        prop_assert!(r.is_err(), "writer failing at {} of {} gave Ok", k, data.len());
    }

    #[test]
    fn failing_reader_is_never_ok(data in data(), k_frac in 0.0f64..1.0, plan in plan()) {
        prop_assume!(!data.is_empty());
        let k = ((data.len() as f64) * k_frac) as usize;
        let reader = HostileReader { data: data.clone(), pos: 0, plan: plan.clone(), step: 0, fail_at: Some(k) };
        prop_assert!(copy_and_hash(reader, io::sink()).is_err());
        let reader = HostileReader { data, pos: 0, plan, step: 0, fail_at: Some(k) };
        prop_assert!(hash_reader(reader).is_err());
    }

    #[test]
    fn hash_reader_agrees(data in data(), plan in plan()) {
        let reader = HostileReader { data: data.clone(), pos: 0, plan, step: 0, fail_at: None };
        prop_assert_eq!(hash_reader(reader).unwrap(), (sha(&data), data.len() as u64));
    }
}
