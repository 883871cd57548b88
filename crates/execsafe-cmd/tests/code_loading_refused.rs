//! Variables that load code are refused as secrets and as `additional_env`, naming the
//! variable and never its value; the explicit opt-out lets them through.
mod common;

use std::ffi::OsString;

use execsafe_cmd::{CommandOptions, Error, RestrictedCommand, build_child_env};

const VALUE: &str = "s3cr3t-value-4711";

/// One name per group of `CODE_LOADING_VARS`.
const PER_GROUP: &[&str] = &["LD_AUDIT", "GLIBC_TUNABLES", "BASH_ENV", "PYTHONPATH"];

fn environ(name: &str) -> Vec<(String, String)> {
    vec![(name.into(), VALUE.into()), ("HOME".into(), "/h".into())]
}

fn build(opts: &CommandOptions, name: &str) -> Result<RestrictedCommand, Error> {
    RestrictedCommand::with_environ("/bin/true", [] as [&str; 0], opts, environ(name))
}

fn assert_refused(err: &Error, name: &str) {
    assert!(
        matches!(err, Error::CodeLoadingVar { .. }),
        "{name}: {err:?}"
    );
    let shown = format!("{err} / {err:?}");
    assert!(shown.contains(name), "{name} not named: {shown}");
    assert!(!shown.contains(VALUE), "value leaked: {shown}");
}

#[test]
fn each_group_is_refused_as_a_secret() {
    for name in PER_GROUP
        .iter()
        .chain(&["LD_PRELOAD", "NODE_OPTIONS", "PERL5OPT", "RUBYOPT"])
    {
        let opts = CommandOptions {
            secrets: vec![(*name).into()],
            ..CommandOptions::default()
        };
        // LD_ is already refused by the Go prefix rule; the others by the new list.
        match build(&opts, name).unwrap_err() {
            Error::InvalidSecretName(e) => assert!(e.to_string().contains(name), "{e}"),
            e => assert_refused(&e, name),
        }
    }
}

#[test]
fn each_group_is_refused_in_additional_env() {
    for name in PER_GROUP
        .iter()
        .chain(&["LD_PRELOAD", "BASH_FUNC_ls%%", "GCONV_PATH"])
    {
        let opts = CommandOptions {
            additional_env: vec![((*name).into(), VALUE.into())],
            ..CommandOptions::default()
        };
        assert_refused(&build(&opts, "HOME").unwrap_err(), name);
        assert_refused(&build_child_env(&opts, environ("HOME")).unwrap_err(), name);
    }
}

#[test]
fn path_is_refused_as_a_secret_but_may_be_set_explicitly() {
    let secret = CommandOptions {
        secrets: vec!["PATH".into()],
        ..CommandOptions::default()
    };
    let err = build(&secret, "PATH").unwrap_err();
    assert!(matches!(err, Error::SecretPath), "{err:?}");
    assert!(err.to_string().contains("PATH") && err.to_string().contains("inherit_path"));
    let explicit = CommandOptions {
        additional_env: vec![("PATH".into(), "/opt/tools/bin".into())],
        ..CommandOptions::default()
    };
    let cmd = build(&explicit, "HOME").unwrap();
    let path: Vec<_> = cmd.env().iter().filter(|(k, _)| k == "PATH").collect();
    assert_eq!(
        path,
        [&(OsString::from("PATH"), OsString::from("/opt/tools/bin"))]
    );
}

#[test]
fn the_opt_out_lets_them_through() {
    for name in PER_GROUP.iter().chain(&["PATH"]) {
        let opts = CommandOptions {
            secrets: vec![(*name).into()],
            additional_env: vec![("BASH_ENV".into(), "/etc/x".into())],
            dangerously_allow_code_loading_env: true,
            ..CommandOptions::default()
        };
        let cmd = match build(&opts, name) {
            Ok(c) => c,
            // The Go prefix rule (LD_, DYLD_, EPACK_, _) is not part of the opt-out.
            Err(Error::InvalidSecretName(_)) if name.starts_with("LD_") => continue,
            Err(e) => panic!("{name}: {e}"),
        };
        assert!(
            cmd.env().iter().any(|(k, v)| k == *name && v == VALUE),
            "{name}"
        );
        assert!(cmd.env().iter().any(|(k, _)| k == "BASH_ENV"));
    }
}

#[test]
fn ordinary_secrets_stay_usable() {
    let names = [
        "MY_TOKEN",
        "GITHUB_TOKEN",
        "AWS_SECRET_ACCESS_KEY",
        "NPM_TOKEN",
        "PATHFINDER_KEY",
        "ENVOY_TOKEN",
    ];
    let opts = CommandOptions {
        secrets: names.iter().map(|n| (*n).into()).collect(),
        ..CommandOptions::default()
    };
    let environ: Vec<_> = names.iter().map(|n| (*n, VALUE)).collect();
    let cmd =
        RestrictedCommand::with_environ("/bin/true", [] as [&str; 0], &opts, environ).unwrap();
    for n in names {
        assert!(cmd.env().iter().any(|(k, v)| k == n && v == VALUE), "{n}");
    }
}

#[test]
fn debug_of_everything_handed_out_shows_no_value() {
    let opts = CommandOptions {
        secrets: vec!["GITHUB_TOKEN".into()],
        additional_env: vec![("MODE".into(), "extra-value-0815".into())],
        ..CommandOptions::default()
    };
    let environ = [("GITHUB_TOKEN", VALUE)];
    let cmd =
        RestrictedCommand::with_environ("/bin/true", [] as [&str; 0], &opts, environ).unwrap();
    let bound = cmd.command();
    for shown in [
        format!("{cmd:?}"),
        format!("{bound:?}"),
        format!("{opts:?}"),
    ] {
        assert!(
            !shown.contains(VALUE) && !shown.contains("extra-value-0815"),
            "{shown}"
        );
        assert!(
            shown.contains("GITHUB_TOKEN") || shown.contains("secrets"),
            "{shown}"
        );
    }
    // std's own Debug would have printed it: the wrapper is what makes the difference.
    assert!(format!("{:?}", &*bound).contains(VALUE));
}
