//! The Go package's own test vectors (reference §6), one table test per Go test.
mod common;

use common::{env, get, strings};
use execsafe_env::*;

#[test]
fn strip_proxy_credentials_go_vectors() {
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "no proxy vars",
            &["HOME=/home/user", "PATH=/usr/bin"],
            &["HOME=/home/user", "PATH=/usr/bin"],
        ),
        (
            "proxy without credentials",
            &[
                "HTTP_PROXY=http://proxy.example.com:8080",
                "HTTPS_PROXY=https://proxy.example.com:8443",
            ],
            &[
                "HTTP_PROXY=http://proxy.example.com:8080",
                "HTTPS_PROXY=https://proxy.example.com:8443",
            ],
        ),
        (
            "proxy with credentials - stripped",
            &[
                "HTTP_PROXY=http://user:password@proxy.example.com:8080",
                "HTTPS_PROXY=https://admin:secret123@proxy.example.com:8443",
            ],
            &[
                "HTTP_PROXY=http://proxy.example.com:8080",
                "HTTPS_PROXY=https://proxy.example.com:8443",
            ],
        ),
        (
            "lowercase proxy vars with credentials",
            &[
                "http_proxy=http://user:pass@proxy.local:3128",
                "https_proxy=https://user:pass@proxy.local:3129",
            ],
            &[
                "http_proxy=http://proxy.local:3128",
                "https_proxy=https://proxy.local:3129",
            ],
        ),
        (
            "mixed proxy and non-proxy vars",
            &[
                "HOME=/home/user",
                "HTTP_PROXY=http://user:pass@proxy.com:8080",
                "PATH=/usr/bin",
                "NO_PROXY=localhost,127.0.0.1",
            ],
            &[
                "HOME=/home/user",
                "HTTP_PROXY=http://proxy.com:8080",
                "PATH=/usr/bin",
                "NO_PROXY=localhost,127.0.0.1",
            ],
        ),
        ("empty proxy value", &["HTTP_PROXY="], &["HTTP_PROXY="]),
        (
            "non-URL proxy value preserved",
            &["HTTP_PROXY=proxy.example.com:8080"],
            &["HTTP_PROXY=proxy.example.com:8080"],
        ),
        (
            "complex password with special chars",
            &["HTTP_PROXY=http://user:p%40ss%3Aword@proxy.example.com:8080"],
            &["HTTP_PROXY=http://proxy.example.com:8080"],
        ),
        (
            "username only no password",
            &["HTTP_PROXY=http://user@proxy.example.com:8080"],
            &["HTTP_PROXY=http://proxy.example.com:8080"],
        ),
        (
            "proxy with path",
            &["HTTP_PROXY=http://user:pass@proxy.example.com:8080/path"],
            &["HTTP_PROXY=http://proxy.example.com:8080/path"],
        ),
    ];
    for (name, input, want) in cases {
        let got = strip_proxy_credentials(env(input));
        assert_eq!(strings(&got), *want, "case {name:?}");
    }
}

#[test]
fn strip_url_credentials_go_vectors() {
    let cases: &[(&str, &str)] = &[
        (
            "http://proxy.example.com:8080",
            "http://proxy.example.com:8080",
        ),
        (
            "http://user:password@proxy.example.com:8080",
            "http://proxy.example.com:8080",
        ),
        (
            "http://user@proxy.example.com:8080",
            "http://proxy.example.com:8080",
        ),
        (
            "https://admin:secret@secure.proxy.com:443",
            "https://secure.proxy.com:443",
        ),
        ("", ""),
        ("proxy.example.com", "proxy.example.com"),
        ("proxy.example.com:8080", "proxy.example.com:8080"),
        (
            "socks5://user:pass@localhost:1080",
            "socks5://localhost:1080",
        ),
        (
            "http://user:pass@proxy.com:8080/path?query=value",
            "http://proxy.com:8080/path?query=value",
        ),
        (
            "http://user:p%40ss%3Aword@proxy.example.com:8080",
            "http://proxy.example.com:8080",
        ),
        // Non-starred rows of reference §3.9 that Go gets right.
        ("http://@proxy:8080", "http://proxy:8080"),
        ("http://:pw@proxy", "http://proxy"),
        ("http://user:p@ss@proxy:8080", "http://proxy:8080"),
        ("//user:pass@proxy:8080", "//proxy:8080"),
    ];
    for (input, want) in cases {
        assert_eq!(
            strip_url_credentials(input).as_deref(),
            Some(*want),
            "input {input:?}"
        );
    }
}

#[test]
fn build_restricted_env_safe_go_vector() {
    let input = env(&[
        "HOME=/home/user",
        "USER=testuser",
        "HTTP_PROXY=http://user:pass@proxy.example.com:8080",
        "HTTPS_PROXY=https://admin:secret@proxy.example.com:8443",
        "PATH=/usr/local/bin:/usr/bin",
        "AWS_SECRET_KEY=supersecret",
        "LD_PRELOAD=/evil.so",
    ]);
    let got = build_restricted_env_safe(input, false);
    assert_eq!(get(&got, "HOME").unwrap(), "/home/user");
    assert_eq!(get(&got, "USER").unwrap(), "testuser");
    assert_eq!(
        get(&got, "HTTP_PROXY").unwrap(),
        "http://proxy.example.com:8080"
    );
    assert_eq!(
        get(&got, "HTTPS_PROXY").unwrap(),
        "https://proxy.example.com:8443"
    );
    assert_eq!(get(&got, "PATH").unwrap(), safe_path());
    assert!(get(&got, "AWS_SECRET_KEY").is_none());
    assert!(get(&got, "LD_PRELOAD").is_none());
    for (_, v) in &got {
        let v = v.to_string_lossy();
        assert!(
            !v.contains("pass") && !v.contains("secret"),
            "credential leaked: {v}"
        );
    }
}

#[test]
fn validate_secret_name_go_vectors_all_24() {
    let valid = [
        "GITHUB_TOKEN",
        "MY_API_KEY",
        "AWS_ACCESS_KEY_ID",
        "OPENAI_API_KEY",
        "PATH",
        "SHELL",
        "HOME",
        "PYTHONPATH",
        "NODE_OPTIONS",
        "ACTIONS_ID_TOKEN_REQUEST_URL",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        "EPACKAGE",
        "LOADING",
        "LDAP_HOST",
        "DYLAN",
    ];
    let invalid = [
        "EPACK_CUSTOM",
        "EPACK_RUN_ID",
        "LD_PRELOAD",
        "LD_LIBRARY_PATH",
        "LD_CUSTOM",
        "DYLD_INSERT_LIBRARIES",
        "DYLD_CUSTOM",
        "_INTERNAL",
        "",
    ];
    assert_eq!(valid.len() + invalid.len(), 24);
    for name in valid {
        assert_eq!(
            validate_secret_name(name),
            Ok(()),
            "{name:?} should be valid"
        );
    }
    for name in invalid {
        assert!(
            validate_secret_name(name).is_err(),
            "{name:?} should be invalid"
        );
    }
    // The error names the matching prefix, like Go's.
    let err = validate_secret_name("DYLD_CUSTOM").unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"secret "DYLD_CUSTOM" uses reserved prefix "DYLD_""#
    );
    assert_eq!(
        validate_secret_name("").unwrap_err().to_string(),
        "secret name cannot be empty"
    );
}

#[test]
fn validate_secret_names_go_vectors() {
    assert_eq!(
        validate_secret_names(["GITHUB_TOKEN", "AWS_ACCESS_KEY_ID", "PATH"]),
        Ok(())
    );
    let one = validate_secret_names(["GITHUB_TOKEN", "EPACK_CUSTOM", "PATH"]).unwrap_err();
    assert_eq!(one.name(), "EPACK_CUSTOM");
    let three = validate_secret_names(["LD_PRELOAD", "OK_NAME", "EPACK_X", "_Y"]).unwrap_err();
    assert_eq!(
        three.to_string(),
        r#"invalid secret names: "LD_PRELOAD", "EPACK_X", "_Y""#
    );
    assert_eq!(validate_secret_names(Vec::<String>::new()), Ok(()));
    assert_eq!(validate_secret_names::<[&str; 0], &str>([]), Ok(()));
}

#[test]
fn filter_valid_secrets_go_vectors() {
    assert_eq!(
        filter_valid_secrets(["GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "PATH"]),
        ["GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "PATH"]
    );
    assert_eq!(
        filter_valid_secrets([
            "GITHUB_TOKEN",
            "LD_PRELOAD",
            "OPENAI_API_KEY",
            "EPACK_CUSTOM"
        ]),
        ["GITHUB_TOKEN", "OPENAI_API_KEY"]
    );
    assert!(filter_valid_secrets(["LD_PRELOAD", "EPACK_X", "_Z"]).is_empty());
    assert!(filter_valid_secrets(Vec::<String>::new()).is_empty());
}

#[test]
fn safe_path_go_vectors() {
    assert!(!safe_path().is_empty());
    #[cfg(unix)]
    {
        assert!(safe_path().starts_with("/usr/bin"));
        assert_eq!(safe_path(), "/usr/bin:/bin:/usr/sbin:/sbin");
    }
    #[cfg(windows)]
    assert_eq!(safe_path(), r"C:\Windows\System32;C:\Windows");
}

/// `TestSafePATH_HardcodedNotEnvVar`: run in a child process so setting variables cannot
/// race other tests (`std::env::set_var` is unsafe in edition 2024).
#[test]
fn safe_path_ignores_the_environment() {
    if std::env::var_os("EXECSAFE_SAFE_PATH_CHILD").is_some() {
        let p = safe_path();
        assert!(!p.contains("attacker") && !p.contains("malicious") && !p.contains("evil"));
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let status = std::process::Command::new(exe)
        .args([
            "--exact",
            "safe_path_ignores_the_environment",
            "--nocapture",
        ])
        .env("EXECSAFE_SAFE_PATH_CHILD", "1")
        .env("SystemRoot", r"C:\attacker\malicious")
        .env("PATH", "/evil/bin")
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn filter_env_allow_list() {
    let input = env(&[
        "HOME=/home/user",
        "USER=me",
        "LANG=C",
        "TMPDIR=/tmp",
        "GITHUB_TOKEN=ghp_x",
        "AWS_SECRET_ACCESS_KEY=k",
    ]);
    let got = filter_env(input, &["HOME", "USER", "LANG", "TMPDIR"]);
    assert_eq!(
        strings(&got),
        ["HOME=/home/user", "USER=me", "LANG=C", "TMPDIR=/tmp"]
    );
}

#[test]
fn filter_env_with_allowed_env_vars_drops_path() {
    let input = env(&[
        "HOME=/h",
        "USER=u",
        "GITHUB_TOKEN=t",
        "AWS_SECRET_KEY=k",
        "PATH=/usr/bin",
    ]);
    let got = filter_env(input, ALLOWED_ENV_VARS);
    assert_eq!(strings(&got), ["HOME=/h", "USER=u"]);
}

#[test]
fn filter_env_keeps_empty_values_and_order() {
    let got = filter_env(env(&["TZ=UTC", "HOME=", "LANG=C"]), ALLOWED_ENV_VARS);
    assert_eq!(strings(&got), ["TZ=UTC", "HOME=", "LANG=C"]);
}

#[test]
fn constants_match_the_go_package() {
    assert_eq!(ALLOWED_ENV_VARS.len(), 26);
    assert_eq!(ALLOWED_ENV_VARS.first(), Some(&"HOME"));
    assert_eq!(ALLOWED_ENV_VARS.last(), Some(&"XDG_RUNTIME_DIR"));
    assert!(!ALLOWED_ENV_VARS.contains(&"PATH"));
    assert_eq!(DENIED_SECRET_PREFIXES, ["EPACK_", "LD_", "DYLD_", "_"]);
}

#[test]
fn build_collector_env_path_choice() {
    // TestBuildCollectorEnv, with an injected environ instead of the ambient one.
    let input = env(&["PATH=/opt/custom/bin", "GITHUB_TOKEN=t", "API_KEY=k"]);
    let safe = build_restricted_env(input.clone(), false);
    assert_eq!(get(&safe, "PATH").unwrap(), safe_path());
    let inherited = build_restricted_env(input, true);
    assert_eq!(get(&inherited, "PATH").unwrap(), "/opt/custom/bin");
    assert!(get(&inherited, "GITHUB_TOKEN").is_none() && get(&inherited, "API_KEY").is_none());
}
