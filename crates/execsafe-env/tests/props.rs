//! Property tests over arbitrary byte-string environments (issue #2 properties a–e).
#![cfg(unix)]

use execsafe_env::*;
use proptest::prelude::*;
use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// Keys: mostly allowlisted or proxy-looking names in random case, sometimes raw bytes.
fn key() -> impl Strategy<Value = Vec<u8>> {
    let named = prop::sample::select(
        [
            "HOME",
            "home",
            "PATH",
            "path",
            "HTTP_PROXY",
            "http_proxy",
            "Http_Proxy",
            "ALL_PROXY",
            "NO_PROXY",
            "LD_PRELOAD",
            "AWS_SECRET_ACCESS_KEY",
            "USER",
            "TZ",
            "HTTPS_PROXY",
        ]
        .to_vec(),
    )
    .prop_map(|s| s.as_bytes().to_vec());
    prop_oneof![3 => named, 1 => prop::collection::vec(any::<u8>(), 0..12)]
}

/// Passwords from printable ASCII including the URL delimiters.
fn password() -> impl Strategy<Value = String> {
    "[ -~]{1,16}".prop_map(|s| s)
}

fn proxy_url() -> impl Strategy<Value = (String, String)> {
    (
        prop::sample::select(vec![
            "http://",
            "https://",
            "socks5://",
            "HTTP://",
            "//",
            "",
        ]),
        "[a-z]{1,8}",
        password(),
        "[a-z]{1,8}(\\.[a-z]{1,5})?",
        0u16..65535,
        prop::sample::select(vec!["", "/", "/path", "/p?q=1", "#frag"]),
    )
        .prop_map(|(scheme, user, pw, host, port, tail)| {
            (format!("{scheme}{user}:{pw}@{host}:{port}{tail}"), pw)
        })
}

fn value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => prop::collection::vec(any::<u8>(), 0..24),
        1 => proxy_url().prop_map(|(u, _)| u.into_bytes()),
    ]
}

fn environ() -> impl Strategy<Value = Vec<(OsString, OsString)>> {
    prop::collection::vec(
        (key(), value()).prop_map(|(k, v)| (OsString::from_vec(k), OsString::from_vec(v))),
        0..24,
    )
}

fn upper(k: &OsString) -> Vec<u8> {
    k.as_bytes().to_ascii_uppercase()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// (a) keys ⊆ allowlist ∪ {PATH}; PATH exactly once, last. (b) no *_PROXY value has '@'.
    #[test]
    fn restricted_env_shape(env in environ(), inherit in any::<bool>()) {
        let out = build_restricted_env_safe(env, inherit);
        let (last, rest) = out.split_last().expect("PATH is always there");
        prop_assert_eq!(&last.0, "PATH");
        for (k, v) in rest {
            prop_assert!(ALLOWED_ENV_VARS.iter().any(|a| k == a), "key {:?}", k);
            let is_proxy = upper(k).ends_with(b"_PROXY") && upper(k) != b"NO_PROXY";
            prop_assert!(!(is_proxy && v.as_bytes().contains(&b'@')), "{:?}={:?}", k, v);
            prop_assert!(!v.as_bytes().contains(&0));
        }
    }

    /// (c) no output value contains a proxy password from the input.
    #[test]
    fn passwords_never_reach_the_output(
        urls in prop::collection::vec((prop::sample::select(vec!["HTTP_PROXY", "https_proxy", "Http_Proxy", "ALL_PROXY"]), proxy_url()), 1..6),
        noise in environ(),
        inherit in any::<bool>(),
    ) {
        let mut env = noise;
        let mut secrets = Vec::new();
        for (k, (url, pw)) in urls {
            // Mark the password so it cannot collide with host or scheme text by chance.
            let marked = format!("Z{pw}Z");
            env.push((k.into(), url.replacen(&format!(":{pw}@"), &format!(":{marked}@"), 1).into()));
            secrets.push(marked);
        }
        let out = build_restricted_env_safe(env.clone(), inherit);
        let stripped = strip_proxy_credentials(env);
        for (_, v) in out.iter().chain(stripped.iter()) {
            let v = v.to_string_lossy();
            for s in &secrets {
                prop_assert!(!v.contains(s.as_str()), "password {:?} leaked in {:?}", s, v);
            }
        }
    }

    /// (d) never returns a string with '@'; unchanged when the input has no '@'; idempotent.
    #[test]
    fn strip_url_invariants(s in ".{0,64}") {
        match strip_url_credentials(&s) {
            Some(out) => {
                prop_assert!(!out.contains('@'));
                if !s.contains('@') { prop_assert_eq!(out.as_ref(), s.as_str()); }
                let again = strip_url_credentials(&out);
                prop_assert_eq!(again.as_deref(), Some(out.as_ref()));
            }
            None => prop_assert!(s.contains('@')),
        }
    }

    #[test]
    fn strip_url_on_generated_urls((url, _pw) in proxy_url()) {
        if let Some(out) = strip_url_credentials(&url) {
            prop_assert!(!out.contains('@'));
        }
    }

    /// (e) no function panics on arbitrary bytes; parse_entry reproduces its input.
    #[test]
    fn no_panics_and_entry_round_trip(bytes in prop::collection::vec(any::<u8>(), 0..64), env in environ()) {
        let entry = OsString::from_vec(bytes.clone());
        if let Some((k, v)) = parse_entry(&entry) {
            prop_assert!(!k.is_empty());
            prop_assert!(!k.as_bytes().contains(&b'='));
            let mut joined = k.as_bytes().to_vec();
            joined.push(b'=');
            joined.extend_from_slice(v.as_bytes());
            prop_assert_eq!(joined, bytes.clone());
        } else {
            prop_assert!(!bytes.contains(&b'=') || bytes[0] == b'=');
        }
        let name = String::from_utf8_lossy(&bytes);
        let _ = validate_secret_name(&name);
        let _ = filter_env(env.clone(), ALLOWED_ENV_VARS);
        let _ = build_restricted_env(env.clone(), true);
        let mut dst = Vec::new();
        append_allowed_secrets(&mut dst, &[name.as_ref()], |_| Some("v".into()));
        prop_assert!(dst.len() <= 1);
    }

    /// validate_secret_name agrees with a direct statement of the grammar.
    #[test]
    fn secret_name_grammar(name in "[A-Za-z0-9_=\\- .]{0,12}") {
        let upper = name.to_ascii_uppercase();
        let reference = !name.is_empty()
            && !DENIED_SECRET_PREFIXES.iter().any(|p| upper.starts_with(p))
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && !name.as_bytes()[0].is_ascii_digit();
        prop_assert_eq!(validate_secret_name(&name).is_ok(), reference);
    }
}
