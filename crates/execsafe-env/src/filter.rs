//! `filter_env`: keep allowlisted variables only.

use std::ffi::OsStr;

use crate::entry::{EnvPair, dedup_last_wins, is_valid_env_key, is_valid_env_value, key_is};

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
    let kept = environ.into_iter().filter_map(|(k, v)| {
        let (k, v) = (k.as_ref(), v.as_ref());
        inspect(k, v);
        let keep = is_valid_env_key(k)
            && is_valid_env_value(v)
            && allowed.iter().any(|name| key_is(k, name));
        keep.then(|| (k.to_owned(), v.to_owned()))
    });
    dedup_last_wins(kept)
}
