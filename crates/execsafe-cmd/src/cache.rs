//! `VerifiedCache`: verify a pinned binary once, spawn it many times.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use execsafe_digest::Digest;

use crate::backend::ExecBackend;
use crate::error::Error;
use crate::verified::{VerifiedBinary, verified_binary_with};

type Key = (Digest, ExecBackend);

/// Sealed verified copies keyed by `(digest, backend)`, shared by every thread of a host
/// that runs the same pinned tools again and again (`Send + Sync`).
///
/// * **A hit does not open `path`.** The cached copy is sealed and its bytes are the
///   pinned bytes, whatever the file at `path` is now (replaced, deleted, swapped for a
///   symlink): a hit runs what was pinned, never what is there. A changed file is noticed
///   only when its copy is evicted and verified again.
/// * The handle returned on a hit carries the caller's `path` as
///   [`VerifiedBinary::original_path`], so `argv[0]` dispatch (busybox-style links with
///   one digest) keeps working.
/// * Failures are not cached: the next call verifies again.
/// * Concurrent misses on the same key verify once; the others wait and share the copy.
/// * Least-recently-used copies are dropped to keep [`Self::bytes`] ≤ `max_bytes`. A copy
///   larger than `max_bytes` is returned without being cached. Eviction drops only the
///   cache's handle: a copy still held by a command or a child lives on until they go.
///
/// ```
/// use execsafe_cmd::{CommandOptions, ExecBackend, RestrictedCommand, VerifiedCache, hash_reader};
/// # let path = if std::path::Path::new("/usr/bin/true").exists() { "/usr/bin/true" } else { "/bin/true" };
/// let pin = hash_reader(std::fs::File::open(path)?)?.0;
/// let cache = VerifiedCache::new(64 << 20);
/// for _ in 0..3 {
///     let bin = cache.get_or_verify(path, &pin, ExecBackend::Auto)?; // hashed once
///     let cmd = RestrictedCommand::from_verified(bin, ["--x"], &CommandOptions::default())?;
///     assert!(cmd.status()?.success());
/// }
/// assert_eq!(cache.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct VerifiedCache {
    max_bytes: u64,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    entries: HashMap<Key, Entry>,
    /// One lock per key being verified, so concurrent misses on it verify once.
    in_flight: HashMap<Key, Arc<Mutex<()>>>,
    bytes: u64,
    clock: u64,
}

#[derive(Debug)]
struct Entry {
    binary: VerifiedBinary,
    last_used: u64,
}

impl VerifiedCache {
    /// An empty cache that keeps at most `max_bytes` of copies.
    pub fn new(max_bytes: u64) -> Self {
        Self {
            max_bytes,
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached copy for `(expected, backend)`, or a new one verified from `path` (see
    /// [`verified_binary_with`]) and cached.
    ///
    /// # Errors
    ///
    /// Those of [`verified_binary_with`] (never cached).
    pub fn get_or_verify(
        &self,
        path: impl AsRef<Path>,
        expected: &Digest,
        backend: ExecBackend,
    ) -> Result<VerifiedBinary, Error> {
        let path = path.as_ref();
        let key = (*expected, backend);
        let slot = {
            let mut st = self.state();
            if let Some(hit) = st.hit(&key) {
                return Ok(hit.with_original_path(path));
            }
            Arc::clone(st.in_flight.entry(key).or_default())
        };
        let verifying = slot.lock().unwrap_or_else(PoisonError::into_inner);
        let mut st = self.state();
        // Someone else may have verified it while this thread waited for the slot.
        let result = if let Some(hit) = st.hit(&key) {
            Ok(hit.with_original_path(path))
        } else {
            drop(st);
            let verified = verified_binary_with(path, expected, backend);
            st = self.state();
            if let Ok(binary) = &verified {
                st.insert(key, binary.clone(), self.max_bytes);
            }
            verified
        };
        drop(verifying);
        // Every clone and drop of a slot happens under the state lock (held here), so a
        // count of 2 (the map's and ours) means nobody else waits on it.
        if Arc::strong_count(&slot) == 2 {
            st.in_flight.remove(&key);
        }
        drop(slot);
        drop(st);
        result
    }

    /// How many copies are cached.
    pub fn len(&self) -> usize {
        self.state().entries.len()
    }

    /// Whether no copy is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The total size of the cached copies, in bytes.
    pub fn bytes(&self) -> u64 {
        self.state().bytes
    }

    /// Drops every cached handle (copies still held elsewhere live on).
    pub fn clear(&self) {
        let mut st = self.state();
        st.entries.clear();
        st.bytes = 0;
    }
}

impl State {
    fn hit(&mut self, key: &Key) -> Option<VerifiedBinary> {
        self.clock += 1;
        let now = self.clock;
        self.entries.get_mut(key).map(|e| {
            e.last_used = now;
            e.binary.clone()
        })
    }

    fn insert(&mut self, key: Key, binary: VerifiedBinary, max_bytes: u64) {
        let size = binary.copy_bytes();
        if size > max_bytes {
            return;
        }
        while self.bytes + size > max_bytes {
            let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, e)| e.last_used)
                .map(|(k, _)| *k)
            else {
                break;
            };
            if let Some(e) = self.entries.remove(&oldest) {
                self.bytes -= e.binary.copy_bytes();
            }
        }
        self.clock += 1;
        self.bytes += size;
        let old = self.entries.insert(
            key,
            Entry {
                binary,
                last_used: self.clock,
            },
        );
        if let Some(old) = old {
            self.bytes -= old.binary.copy_bytes();
        }
    }
}
