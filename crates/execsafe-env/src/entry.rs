//! One environment entry: splitting `K=V` and the key rules shared by every function.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ffi::{OsStr, OsString};

/// One environment variable, as `std::env::vars_os()` yields it and `Command::envs`
/// takes it. On Unix both halves are arbitrary bytes.
pub type EnvPair = (OsString, OsString);

/// Splits a `KEY=VALUE` entry at the first `=`.
///
/// Returns `None` when there is no `=` or when the entry starts with `=` (an empty key,
/// such as Windows' `=C:=C:\` drive entries). The value may be empty and may contain `=`.
/// On non-Unix platforms an entry that is not valid Unicode returns `None`.
///
/// ```
/// use execsafe_env::parse_entry;
/// use std::ffi::OsStr;
/// assert_eq!(parse_entry(OsStr::new("A=b=c")), Some((OsStr::new("A"), OsStr::new("b=c"))));
/// assert_eq!(parse_entry(OsStr::new("=C:=C:\\")), None);
/// assert_eq!(parse_entry(OsStr::new("NOEQUALS")), None);
/// ```
pub fn parse_entry(entry: &OsStr) -> Option<(&OsStr, &OsStr)> {
    split_at_first_eq(entry)
}

#[cfg(unix)]
fn split_at_first_eq(entry: &OsStr) -> Option<(&OsStr, &OsStr)> {
    use std::os::unix::ffi::OsStrExt;
    let bytes = entry.as_bytes();
    let eq = bytes.iter().position(|&b| b == b'=')?;
    if eq == 0 {
        return None;
    }
    Some((
        OsStr::from_bytes(&bytes[..eq]),
        OsStr::from_bytes(&bytes[eq + 1..]),
    ))
}

#[cfg(not(unix))]
fn split_at_first_eq(entry: &OsStr) -> Option<(&OsStr, &OsStr)> {
    let s = entry.to_str()?;
    let (k, v) = s.split_once('=')?;
    if k.is_empty() {
        return None;
    }
    Some((OsStr::new(k), OsStr::new(v)))
}

/// Whether a child can receive `key` as a variable name: non-empty, no `=`, no NUL.
///
/// ```
/// use execsafe_env::is_valid_env_key;
/// use std::ffi::OsStr;
/// assert!(is_valid_env_key(OsStr::new("HOME")));
/// assert!(!is_valid_env_key(OsStr::new("A=B")) && !is_valid_env_key(OsStr::new("")));
/// ```
pub fn is_valid_env_key(key: &OsStr) -> bool {
    let b = key.as_encoded_bytes();
    !b.is_empty() && !b.contains(&b'=') && !b.contains(&0)
}

/// Whether a child can receive `value`: no NUL (`execve` strings end at the first NUL).
pub fn is_valid_env_value(value: &OsStr) -> bool {
    !value.as_encoded_bytes().contains(&0)
}

/// The form under which two keys name the same variable: the key itself on Unix
/// (case-sensitive), its ASCII upper-case form on Windows (case-insensitive).
fn key_identity(key: &OsStr) -> OsString {
    if cfg!(windows) {
        key.to_ascii_uppercase()
    } else {
        key.to_owned()
    }
}

/// Collapses duplicate keys: the **last** value wins, at the position of the **first**
/// occurrence (what a child of Go's `exec` would see). Keys compare exactly on Unix and
/// ASCII case-insensitively on Windows.
///
/// ```
/// use execsafe_env::dedup_last_wins;
/// let env = dedup_last_wins([("A".into(), "1".into()), ("B".into(), "2".into()), ("A".into(), "3".into())]);
/// assert_eq!(env, vec![("A".into(), "3".into()), ("B".into(), "2".into())]);
/// ```
pub fn dedup_last_wins(pairs: impl IntoIterator<Item = EnvPair>) -> Vec<EnvPair> {
    let mut out: Vec<EnvPair> = Vec::new();
    let mut index: HashMap<OsString, usize> = HashMap::new();
    for (k, v) in pairs {
        match index.entry(key_identity(&k)) {
            Entry::Occupied(slot) => out[*slot.get()].1 = v,
            Entry::Vacant(slot) => {
                slot.insert(out.len());
                out.push((k, v));
            }
        }
    }
    out
}

/// Whether `key` names the variable `name` on this platform.
pub(crate) fn key_is(key: &OsStr, name: &str) -> bool {
    if cfg!(windows) {
        key.eq_ignore_ascii_case(name)
    } else {
        key == name
    }
}
