//! What the child really sees: its environment read back by `env`, its argv[0] by
//! `/proc/self/cmdline`.
mod common;

use std::ffi::OsString;

use common::{Scratch, digest_of};
use execsafe_cmd::{CommandOptions, ExecBackend, RestrictedCommand};

fn hostile_parent() -> Vec<(OsString, OsString)> {
    [
        ("HOME", "/home/u"),
        ("LD_PRELOAD", "/nonexistent/evil.so"),
        ("AWS_SECRET_ACCESS_KEY", "AKIA-very-secret"),
        ("HTTP_PROXY", "http://bob:hunter2@proxy.corp:3128"),
        ("Http_Proxy", "http://bob:hunter3@proxy.corp:3128"),
        ("MY_TOKEN", "tok-123"),
        ("EMPTY_TOKEN", ""),
        ("PATH", "/home/u/bin:/usr/bin"),
        ("TERM", "xterm"),
    ]
    .iter()
    .map(|(k, v)| (k.into(), v.into()))
    .collect()
}

#[test]
fn child_env_is_exactly_env_and_holds_no_credential() {
    let s = Scratch::new("childenv");
    let env_bin = s.copy_sys("env", "env");
    let opts = CommandOptions {
        secrets: vec![
            "MY_TOKEN".into(),
            "EMPTY_TOKEN".into(),
            "UNSET_TOKEN".into(),
        ],
        additional_env: vec![("EXTRA".into(), "1".into())],
        ..CommandOptions::default()
    };
    for backend in [ExecBackend::Memfd, ExecBackend::TempDir] {
        let o = CommandOptions {
            backend,
            ..opts.clone()
        };
        let cmd = RestrictedCommand::new_verified_with_environ(
            &env_bin,
            &digest_of(&env_bin),
            [] as [&str; 0],
            &o,
            hostile_parent(),
        )
        .unwrap();
        let out = cmd.output().unwrap();
        assert!(out.status.success());
        let stdout = String::from_utf8(out.stdout).unwrap();
        let mut seen: Vec<&str> = stdout.lines().collect();
        let mut want: Vec<String> = cmd
            .env()
            .iter()
            .map(|(k, v)| format!("{}={}", k.to_str().unwrap(), v.to_str().unwrap()))
            .collect();
        seen.sort_unstable();
        want.sort();
        assert_eq!(seen, want, "{backend:?}");
        for bad in [
            "LD_PRELOAD",
            "AWS_SECRET",
            "hunter",
            "EMPTY_TOKEN",
            "UNSET_TOKEN",
            "/home/u/bin",
        ] {
            assert!(!stdout.contains(bad), "{bad} reached the child:\n{stdout}");
        }
        for good in [
            "MY_TOKEN=tok-123",
            "HTTP_PROXY=http://proxy.corp:3128",
            "EXTRA=1",
            "PATH=/usr/bin:/bin:/usr/sbin:/sbin",
            "HOME=/home/u",
        ] {
            assert!(
                stdout.lines().any(|l| l == good),
                "{good} missing:\n{stdout}"
            );
        }
    }
}

#[test]
fn precedence_is_base_then_additional_then_secrets_last_wins() {
    let opts = CommandOptions {
        additional_env: vec![
            ("HOME".into(), "/from-additional".into()),
            ("TOKEN".into(), "from-additional".into()),
        ],
        secrets: vec!["TOKEN".into(), "PATH".into()],
        inherit_path: false,
        // A secret PATH is refused without it (v0.2); here the point is precedence.
        dangerously_allow_code_loading_env: true,
        ..CommandOptions::default()
    };
    let environ = [
        ("HOME", "/base"),
        ("TOKEN", "from-secret"),
        ("PATH", "/operator/path"),
    ];
    let cmd =
        RestrictedCommand::with_environ("/bin/true", [] as [&str; 0], &opts, environ).unwrap();
    let env: Vec<(String, String)> = cmd
        .env()
        .iter()
        .map(|(k, v)| (k.to_string_lossy().into(), v.to_string_lossy().into()))
        .collect();
    let get = |k: &str| {
        env.iter()
            .filter(|(kk, _)| kk == k)
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(get("HOME"), ["/from-additional"]);
    assert_eq!(get("TOKEN"), ["from-secret"]);
    // A secret named PATH is the operator's explicit choice and overrides the safe PATH.
    assert_eq!(get("PATH"), ["/operator/path"]);
}

#[test]
fn proxy_stripping_can_be_disabled_explicitly() {
    let opts = CommandOptions {
        strip_proxy_credentials: false,
        ..CommandOptions::default()
    };
    let cmd = RestrictedCommand::with_environ(
        "/bin/true",
        [] as [&str; 0],
        &opts,
        [("HTTP_PROXY", "http://u:p@h:1")],
    )
    .unwrap();
    assert_eq!(cmd.env()[0].1, "http://u:p@h:1");
    let cmd = RestrictedCommand::with_environ(
        "/bin/true",
        [] as [&str; 0],
        &CommandOptions::default(),
        [("HTTP_PROXY", "http://u:p@h:1")],
    )
    .unwrap();
    assert_eq!(cmd.env()[0].1, "http://h:1");
}

#[test]
fn argv0_is_the_original_path() {
    let s = Scratch::new("argv0");
    let cat = s.copy_sys("cat", "cat");
    for backend in [ExecBackend::Memfd, ExecBackend::TempDir] {
        let o = CommandOptions {
            backend,
            ..CommandOptions::default()
        };
        let cmd =
            RestrictedCommand::new_verified(&cat, &digest_of(&cat), ["/proc/self/cmdline"], &o)
                .unwrap();
        assert_ne!(cmd.path(), cat);
        assert_eq!(cmd.args(), ["/proc/self/cmdline"]);
        let out = cmd.output().unwrap();
        let want = format!("{}\0/proc/self/cmdline\0", cat.display());
        assert_eq!(String::from_utf8_lossy(&out.stdout), want, "{backend:?}");
    }
}

#[test]
fn work_dir_is_applied() {
    let s = Scratch::new("workdir");
    let o = CommandOptions {
        work_dir: Some(s.0.clone()),
        ..CommandOptions::default()
    };
    let cmd =
        RestrictedCommand::with_environ("/bin/sh", ["-c", "pwd"], &o, [("HOME", "/h")]).unwrap();
    assert_eq!(cmd.dir(), Some(s.0.as_path()));
    let out = cmd.output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        s.0.to_str().unwrap()
    );
}

#[test]
fn command_debug_shows_keys_not_values() {
    let o = CommandOptions {
        secrets: vec!["MY_TOKEN".into()],
        additional_env: vec![("EXTRA_KEY".into(), "extra-s3cret".into())],
        ..CommandOptions::default()
    };
    let cmd = RestrictedCommand::with_environ(
        "/bin/true",
        [] as [&str; 0],
        &o,
        [("MY_TOKEN", "tok-s3cret"), ("HOME", "/home/h0me")],
    )
    .unwrap();
    let dbg = format!("{cmd:?}");
    assert!(
        dbg.contains("MY_TOKEN") && dbg.contains("EXTRA_KEY"),
        "{dbg}"
    );
    for value in ["tok-s3cret", "extra-s3cret", "/home/h0me"] {
        assert!(!dbg.contains(value), "{value} in Debug: {dbg}");
    }
}

#[test]
fn options_debug_shows_keys_not_values() {
    let o = CommandOptions {
        additional_env: vec![("GITHUB_TOKEN".into(), "ghs_supersecret".into())],
        ..CommandOptions::default()
    };
    let dbg = format!("{o:?}");
    assert!(
        dbg.contains("GITHUB_TOKEN") && !dbg.contains("ghs_supersecret"),
        "{dbg}"
    );
    let d = CommandOptions::default();
    assert!(!d.inherit_path && d.strip_proxy_credentials && d.backend == ExecBackend::Auto);
}
