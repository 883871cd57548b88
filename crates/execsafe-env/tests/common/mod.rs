//! Helpers shared by the test files of this crate.
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::ffi::OsString;

pub type Pair = (OsString, OsString);

/// `["K=V", ...]` → pairs, splitting at the first `=` like Go's environ strings.
pub fn env(entries: &[&str]) -> Vec<Pair> {
    entries
        .iter()
        .map(|e| {
            let (k, v) = e.split_once('=').expect("test entry has '='");
            (k.into(), v.into())
        })
        .collect()
}

/// Pairs → `["K=V", ...]` for readable comparisons.
pub fn strings(pairs: &[Pair]) -> Vec<String> {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", k.to_string_lossy(), v.to_string_lossy()))
        .collect()
}

pub fn get<'a>(pairs: &'a [Pair], key: &str) -> Option<&'a OsString> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}
