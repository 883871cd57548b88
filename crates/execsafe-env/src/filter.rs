//! `filter_env`: keep allowlisted variables only.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ffi::{OsStr, OsString};

use crate::entry::{EnvPair, is_valid_key, is_valid_value, key_identity, key_is};

/// Keeps the pairs whose key is in `allowed`, in input order, values untouched.
///
/// * Keys match exactly on Unix (`Home` is not `HOME`) and ASCII case-insensitively on
///   Windows. The Go package matched case-insensitively everywhere.
/// * Pairs a child cannot receive are dropped: an empty key, a key containing `=` or NUL,
///   a value containing NUL.
/// * Duplicate keys collapse to one pair: the **last** value wins (what a child of Go's
///   `exec` would see) at the position of the **first** occurrence.
///
/// ```
/// use execsafe_env::filter_env;
/// let env = filter_env([("HOME", "/a"), ("SECRET", "x"), ("Home", "/b"), ("HOME", "/c")], &["HOME"]);
/// assert_eq!(env, vec![("HOME".into(), "/c".into())]);
/// ```
pub fn filter_env<I, K, V>(environ: I, allowed: &[&str]) -> Vec<EnvPair>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    filter_env_inspect(environ, allowed, |_, _| {})
}

/// [`filter_env`], also showing every input pair (kept or not) to `inspect`, so callers
/// can pick out `PATH` in the same single pass over a consumed iterator.
pub(crate) fn filter_env_inspect<I, K, V>(
    environ: I,
    allowed: &[&str],
    mut inspect: impl FnMut(&OsStr, &OsStr),
) -> Vec<EnvPair>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    let mut out: Vec<EnvPair> = Vec::new();
    let mut index: HashMap<OsString, usize> = HashMap::new();
    for (k, v) in environ {
        let (k, v) = (k.as_ref(), v.as_ref());
        inspect(k, v);
        if !is_valid_key(k) || !is_valid_value(v) {
            continue;
        }
        if !allowed.iter().any(|name| key_is(k, name)) {
            continue;
        }
        match index.entry(key_identity(k)) {
            Entry::Occupied(slot) => v.clone_into(&mut out[*slot.get()].1),
            Entry::Vacant(slot) => {
                slot.insert(out.len());
                out.push((k.to_owned(), v.to_owned()));
            }
        }
    }
    out
}
