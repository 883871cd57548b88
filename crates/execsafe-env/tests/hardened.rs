//! Each deliberate difference from the Go package (reference §9, W3 and W10), tested so
//! that Go's behaviour would fail the assertion.
mod common;

use common::{env, get, strings};
use execsafe_env::*;
use std::ffi::OsString;

#[cfg(unix)]
#[test]
fn mixed_case_keys_are_other_variables_on_unix() {
    // Go kept `home=` and `Lang=` (case-insensitive match).
    let got = filter_env(env(&["home=/x", "Lang=C", "HOME=/h"]), ALLOWED_ENV_VARS);
    assert_eq!(strings(&got), ["HOME=/h"]);
}

#[test]
fn mixed_case_and_all_proxy_credentials_are_stripped() {
    // Go left `Http_Proxy` and `ALL_PROXY` untouched (exact four keys only).
    let got = strip_proxy_credentials(env(&[
        "Http_Proxy=http://u:pw1@h:1",
        "ALL_PROXY=socks5://u:pw2@h:2",
        "all_proxy=http://u:pw3@h:3",
        "FTP_PROXY=ftp://u:pw4@h:4",
    ]));
    assert_eq!(
        strings(&got),
        [
            "Http_Proxy=http://h:1",
            "ALL_PROXY=socks5://h:2",
            "all_proxy=http://h:3",
            "FTP_PROXY=ftp://h:4"
        ]
    );
}

#[test]
fn no_proxy_is_never_rewritten() {
    let got = strip_proxy_credentials(env(&["NO_PROXY=a@b,localhost", "no_proxy=x@y"]));
    assert_eq!(strings(&got), ["NO_PROXY=a@b,localhost", "no_proxy=x@y"]);
}

#[test]
fn scheme_less_credentials_are_stripped() {
    // Go parsed scheme=`user`, found no userinfo, and passed the password through.
    assert_eq!(
        strip_url_credentials("user:pass@proxy:3128").as_deref(),
        Some("proxy:3128")
    );
    let got = build_restricted_env_safe(env(&["HTTPS_PROXY=user:pass@proxy:3128"]), false);
    assert_eq!(get(&got, "HTTPS_PROXY").unwrap(), "proxy:3128");
}

#[test]
fn raw_delimiters_in_password_drop_the_value() {
    // Go: authority cut early -> parse error -> value passed through unchanged (leak).
    for pw in ["pa/ss", "pa?ss", "pa#ss", "p@/ss"] {
        let url = format!("http://user:{pw}@proxy.corp:3128");
        assert_eq!(strip_url_credentials(&url), None, "{url}");
        let got = strip_proxy_credentials([("HTTP_PROXY", url.as_str()), ("HOME", "/h")]);
        assert_eq!(strings(&got), ["HOME=/h"], "{url} must be dropped");
    }
}

#[test]
fn raw_at_in_password_uses_the_last_at() {
    assert_eq!(
        strip_url_credentials("http://user:p@ss@proxy:8080").as_deref(),
        Some("http://proxy:8080")
    );
}

#[test]
fn go_parse_failures_are_stripped_not_passed() {
    // Each of these made Go's url.Parse fail, and Go then passed the value unchanged.
    for (input, want) in [
        ("http://us er:pw@h:1", "http://h:1"),
        ("http://user:pässword@h:1", "http://h:1"),
        ("http://user:%zz@h:1", "http://h:1"),
        ("http://user:pw@h:notaport", "http://h:notaport"),
    ] {
        assert_eq!(
            strip_url_credentials(input).as_deref(),
            Some(want),
            "{input}"
        );
    }
}

#[test]
fn scheme_case_is_kept_byte_for_byte() {
    // Go re-serialised and lower-cased the scheme.
    assert_eq!(
        strip_url_credentials("HTTP://user:pass@Proxy:8080").as_deref(),
        Some("HTTP://Proxy:8080")
    );
}

#[test]
fn at_outside_the_authority_is_dropped() {
    assert_eq!(strip_url_credentials("http://proxy:8080/a@b"), None);
}

#[cfg(unix)]
#[test]
fn non_utf8_proxy_value_with_at_is_dropped() {
    use std::os::unix::ffi::OsStringExt;
    let bad = OsString::from_vec(b"http://u:\xffpw@h:1".to_vec());
    let fine = OsString::from_vec(b"http://h\xff:1".to_vec());
    let got = strip_proxy_credentials([
        (OsString::from("HTTP_PROXY"), bad),
        (OsString::from("HTTPS_PROXY"), fine.clone()),
    ]);
    assert_eq!(got, vec![(OsString::from("HTTPS_PROXY"), fine)]);
}

#[test]
fn inherit_path_without_path_falls_back_to_safe_path() {
    // Go appended nothing: the child got no PATH at all.
    let got = build_restricted_env(env(&["HOME=/h"]), true);
    assert_eq!(
        strings(&got),
        ["HOME=/h".to_string(), format!("PATH={}", safe_path())]
    );
    let empty = build_restricted_env(env(&["PATH="]), true);
    assert_eq!(get(&empty, "PATH").unwrap(), safe_path());
}

#[cfg(unix)]
#[test]
fn inherit_path_takes_the_exact_key_and_the_last_one() {
    // Go took the first entry whose upper-case started with PATH=, so `path=/evil` won.
    let got = build_restricted_env(env(&["path=/evil", "PATH=/a", "PATH=/b"]), true);
    assert_eq!(strings(&got), ["PATH=/b"]);
}

#[test]
fn duplicates_collapse_last_wins_at_first_position() {
    // Go kept both entries.
    let got = filter_env(env(&["HOME=/a", "USER=u", "HOME=/b"]), ALLOWED_ENV_VARS);
    assert_eq!(strings(&got), ["HOME=/b", "USER=u"]);
}

#[test]
fn path_is_always_exactly_once_and_last() {
    for inherit in [false, true] {
        let got =
            build_restricted_env_safe(env(&["PATH=/x", "HOME=/h", "PATH=/y", "TZ=UTC"]), inherit);
        let paths: Vec<_> = got.iter().filter(|(k, _)| k == "PATH").collect();
        assert_eq!(paths.len(), 1);
        assert_eq!(got.last().unwrap().0, "PATH");
    }
}

#[test]
fn keys_with_eq_or_nul_and_values_with_nul_are_dropped() {
    let got = filter_env(
        [
            ("HOME=x", "1"),
            ("HO\0ME", "2"),
            ("", "3"),
            ("HOME", "a\0b"),
            ("USER", "ok"),
        ],
        &["HOME=x", "HO\0ME", "", "HOME", "USER"],
    );
    assert_eq!(strings(&got), ["USER=ok"]);
}

#[test]
fn secret_names_outside_the_shell_grammar_are_refused() {
    // Go accepted all of these (prefix checks only).
    for name in [
        "A=B", "A\0B", "MY-TOKEN", "1TOKEN", "9", "MY TOKEN", "TÖKEN", "A.B",
    ] {
        let err = validate_secret_name(name).unwrap_err();
        // A name with `=` is kept only up to it: what follows may be a value.
        let kept = name
            .split_once('=')
            .map_or(name.to_owned(), |(h, _)| format!("{h}=…"));
        assert_eq!(err.name(), kept);
    }
    assert!(matches!(
        validate_secret_name("1A"),
        Err(SecretNameError::LeadingDigit { .. })
    ));
    assert!(matches!(
        validate_secret_name("A=B"),
        Err(SecretNameError::InvalidCharacter { found: '=', .. })
    ));
}

#[test]
fn denied_prefixes_are_case_insensitive() {
    for name in [
        "ld_preload",
        "Ld_Library_Path",
        "dyld_x",
        "epack_run_id",
        "Epack_X",
    ] {
        assert!(
            matches!(
                validate_secret_name(name),
                Err(SecretNameError::ReservedPrefix { .. })
            ),
            "{name}"
        );
    }
}

#[test]
fn append_allowed_secrets_skips_invalid_empty_and_missing() {
    let mut dst = env(&["HOME=/h"]);
    let lookup = |name: &str| -> Option<OsString> {
        match name {
            "GITHUB_TOKEN" => Some("ghs_test".into()),
            "LD_PRELOAD" => Some("/evil.so".into()),
            "EMPTY" => Some(OsString::new()),
            _ => None,
        }
    };
    append_allowed_secrets(
        &mut dst,
        &["GITHUB_TOKEN", "LD_PRELOAD", "EMPTY", "MISSING"],
        lookup,
    );
    assert_eq!(strings(&dst), ["HOME=/h", "GITHUB_TOKEN=ghs_test"]);
}
