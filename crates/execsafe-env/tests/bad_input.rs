//! Hostile shapes of input: each has a documented outcome and must not panic.
#![cfg(unix)]
mod common;

use common::strings;
use execsafe_env::*;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

#[test]
fn non_utf8_keys_and_values() {
    // A non-UTF-8 key is never on the allowlist: dropped. A non-UTF-8 value of an allowed
    // key is passed byte for byte.
    let v = OsString::from_vec(b"/home/\xff\xfe".to_vec());
    let got = build_restricted_env_safe(
        [
            (
                OsString::from_vec(b"HOME\xff".to_vec()),
                OsString::from("x"),
            ),
            (OsString::from("HOME"), v.clone()),
        ],
        false,
    );
    assert_eq!(got[0], (OsString::from("HOME"), v));
    assert_eq!(got.len(), 2);
}

#[test]
fn empty_keys_are_dropped() {
    let got = filter_env([("", "x"), ("HOME", "/h")], &["", "HOME"]);
    assert_eq!(strings(&got), ["HOME=/h"]);
    assert_eq!(parse_entry(OsStr::new("=x")), None);
    assert_eq!(parse_entry(OsStr::new("")), None);
}

#[test]
fn nul_bytes_are_dropped_everywhere() {
    let got = build_restricted_env([("HOME", "a\0b"), ("PATH", "/x\0/y")], true);
    // The NUL value is dropped and the NUL PATH falls back to the safe PATH.
    assert_eq!(strings(&got), [format!("PATH={}", safe_path())]);
    assert!(validate_secret_name("A\0").is_err());
}

#[test]
fn one_mib_values_are_handled() {
    let big = "x".repeat(1 << 20);
    let proxy = format!("http://user:{big}@proxy:1");
    let got = build_restricted_env_safe(
        [
            ("HOME", big.as_str()),
            ("HTTP_PROXY", proxy.as_str()),
            ("PATH", big.as_str()),
        ],
        true,
    );
    assert_eq!(got[0].1.len(), 1 << 20);
    assert_eq!(got[1].1, "http://proxy:1");
    assert_eq!(got[2].1.len(), 1 << 20);
    assert_eq!(
        strip_url_credentials(&format!("http://{big}@h")).as_deref(),
        Some("http://h")
    );
}

#[test]
fn hundred_thousand_entries() {
    let env: Vec<(OsString, OsString)> = (0..100_000)
        .map(|i| {
            let k = if i % 1000 == 0 {
                "HOME".to_string()
            } else {
                format!("VAR_{i}")
            };
            (k.into(), format!("v{i}").into())
        })
        .collect();
    let got = build_restricted_env_safe(env, false);
    // 100 HOMEs collapse to one, last wins.
    assert_eq!(
        strings(&got),
        ["HOME=v99000".to_string(), format!("PATH={}", safe_path())]
    );
}

#[test]
fn secret_error_shows_names_escaped() {
    let err = validate_secret_name("BAD\nNAME").unwrap_err();
    let text = err.to_string();
    assert!(text.contains(r#""BAD\nNAME""#), "{text}");
    assert!(!text.contains('\n'));
}

#[test]
fn parse_entry_bytes() {
    let e = OsString::from_vec(b"K\xff=v=\xfe".to_vec());
    let (k, v) = parse_entry(&e).unwrap();
    assert_eq!(k.as_bytes(), b"K\xff");
    assert_eq!(v.as_bytes(), b"v=\xfe");
}
