//! The list of variables that load code: each group detected, lookalikes left alone.
use std::ffi::OsStr;

use execsafe_env::{ALLOWED_ENV_VARS, CODE_LOADING_VARS, CodeLoader, code_loading_var};

fn loader(name: &str) -> Option<CodeLoader> {
    code_loading_var(OsStr::new(name)).map(|v| v.loader)
}

#[test]
fn every_group_is_detected() {
    let groups: &[(CodeLoader, &[&str])] = &[
        (
            CodeLoader::DynamicLoader,
            &[
                "LD_PRELOAD",
                "LD_AUDIT",
                "LD_LIBRARY_PATH",
                "LD_DEBUG_OUTPUT",
                "DYLD_INSERT_LIBRARIES",
            ],
        ),
        (
            CodeLoader::Glibc,
            &[
                "GCONV_PATH",
                "GLIBC_TUNABLES",
                "LOCPATH",
                "NLSPATH",
                "MALLOC_TRACE",
                "MALLOC_CHECK_",
                "HOSTALIASES",
                "RES_OPTIONS",
                "TZDIR",
                "RESOLV_HOST_CONF",
                "LOCALDOMAIN",
                "GETCONF_DIR",
                "NIS_PATH",
            ],
        ),
        (
            CodeLoader::Shell,
            &[
                "BASH_ENV",
                "ENV",
                "BASH_FUNC_ls%%",
                "BASH_FUNC_x()",
                "SHELLOPTS",
                "BASHOPTS",
                "PS4",
                "IFS",
                "CDPATH",
                "ZDOTDIR",
            ],
        ),
        (
            CodeLoader::Runtime,
            &[
                "NODE_OPTIONS",
                "NODE_PATH",
                "PYTHONPATH",
                "PYTHONSTARTUP",
                "PYTHONHOME",
                "PYTHONINSPECT",
                "PERL5LIB",
                "PERL5OPT",
                "PERL5DB",
                "PERLLIB",
                "RUBYOPT",
                "RUBYLIB",
                "JAVA_TOOL_OPTIONS",
                "JDK_JAVA_OPTIONS",
                "_JAVA_OPTIONS",
                "DOTNET_STARTUP_HOOKS",
                "LUA_INIT",
                "LUA_INIT_5_4",
                "LUA_PATH",
                "LUA_CPATH_5_3",
            ],
        ),
    ];
    for (group, names) in groups {
        for name in *names {
            assert_eq!(loader(name), Some(*group), "{name}");
        }
    }
}

#[test]
fn lookalikes_and_ordinary_secrets_pass() {
    for name in [
        "MY_TOKEN",
        "GITHUB_TOKEN",
        "AWS_SECRET_ACCESS_KEY",
        "NPM_TOKEN",
        "PATHFINDER_KEY",
        "ENVOY_TOKEN",
        "ENVIRONMENT",
        "IFSX",
        "PS44",
        "LDAP_HOST",
        "NODE_ENV",
        "TMPDIR",
        "PATH",
        "HOME",
        "PERL_TOKEN",
        "RUBY_VERSION",
        "JAVA_HOME",
    ] {
        assert_eq!(loader(name), None, "{name}");
    }
}

#[cfg(unix)]
#[test]
fn match_is_exact_case_on_unix() {
    // ld.so reads `LD_PRELOAD`, never `ld_preload`: on Unix they are different variables.
    for name in ["ld_preload", "Bash_Env", "pythonpath", "node_options"] {
        assert_eq!(loader(name), None, "{name}");
    }
}

#[test]
fn nothing_on_the_allowlist_loads_code() {
    for name in ALLOWED_ENV_VARS {
        assert_eq!(
            loader(name),
            None,
            "{name} is allowlisted and on the code list"
        );
    }
}

#[test]
fn patterns_are_well_formed() {
    for v in CODE_LOADING_VARS {
        let body = v.pattern.strip_suffix('*').unwrap_or(v.pattern);
        assert!(!body.is_empty() && !body.contains('*'), "{v:?}");
        assert!(
            body.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
            "{v:?}"
        );
    }
}
