//! Variables that make a program load or run other code: the list that `execsafe-cmd`
//! refuses in secrets and extra variables unless the caller opts out by name.
//!
//! A pin says *which bytes run*. These variables undo it without touching the bytes: the
//! dynamic loader maps `LD_PRELOAD` into the pinned program before `main`, `bash` sources
//! `BASH_ENV` before a script's first line, Python imports `sitecustomize` from
//! `PYTHONPATH`, Node requires whatever `NODE_OPTIONS=--require` names. None of them is on
//! [`ALLOWED_ENV_VARS`](crate::ALLOWED_ENV_VARS), so the restricted base never carries
//! them; this list is about what a caller adds *by name*.

use std::ffi::OsStr;

/// Who reads a code-loading variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CodeLoader {
    /// The dynamic loader: glibc `ld.so(8)` (`LD_*`) and macOS `dyld(1)` (`DYLD_*`).
    DynamicLoader,
    /// glibc's `unsecvars` (`sysdeps/generic/unsecvars.h`): variables glibc itself strips
    /// for set-uid programs because they name code or data it loads (`iconv` modules,
    /// locale files, malloc tracing, resolver config, time zone files).
    Glibc,
    /// Shells: `bash(1)` (`BASH_ENV`, `BASH_FUNC_*` exported functions, `SHELLOPTS`,
    /// `BASHOPTS`, `PS4` with `set -x`), POSIX `sh` (`ENV`, `IFS`, `CDPATH`), `zsh`
    /// (`ZDOTDIR`).
    Shell,
    /// Language runtimes: Node (`node(1)`), Python (`python(1)`, every `PYTHON*`), Perl
    /// (`perlrun(1)`), Ruby (`ruby(1)`), the JVM launcher (`java(1)`), .NET
    /// (`DOTNET_STARTUP_HOOKS`), Lua (`lua(1)`).
    Runtime,
}

impl std::fmt::Display for CodeLoader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::DynamicLoader => "the dynamic loader",
            Self::Glibc => "glibc",
            Self::Shell => "shells",
            Self::Runtime => "a language runtime",
        })
    }
}

/// One entry of [`CODE_LOADING_VARS`]: a name, or a prefix when it ends in `*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CodeLoadingVar {
    /// `NAME` (exact) or `PREFIX*` (every name starting with `PREFIX`).
    pub pattern: &'static str,
    /// Who reads it.
    pub loader: CodeLoader,
}

impl CodeLoadingVar {
    /// Whether `name` is this entry (exact case on Unix, ASCII case-insensitive on
    /// Windows, where environment names are case-insensitive).
    pub fn matches(&self, name: &OsStr) -> bool {
        let name = name.as_encoded_bytes();
        let (want, prefix) = match self.pattern.strip_suffix('*') {
            Some(p) => (p.as_bytes(), true),
            None => (self.pattern.as_bytes(), false),
        };
        let head = if prefix {
            name.get(..want.len())
        } else {
            Some(name)
        };
        head.is_some_and(|h| {
            if cfg!(windows) {
                h.eq_ignore_ascii_case(want)
            } else {
                h == want
            }
        })
    }
}

const fn var(pattern: &'static str, loader: CodeLoader) -> CodeLoadingVar {
    CodeLoadingVar { pattern, loader }
}

use CodeLoader::{DynamicLoader, Glibc, Runtime, Shell};

/// Every variable that loads code or names a code path, grouped by who reads it.
///
/// Deliberately **not** here, although glibc's `unsecvars` names it: `TMPDIR` (a data
/// path, on the allowlist). `PATH` is not here either: it may be set through
/// `additional_env`; `execsafe-cmd` refuses it as a *secret* only (it would silently undo
/// the safe `PATH`; `inherit_path` is the explicit way).
pub const CODE_LOADING_VARS: &[CodeLoadingVar] = &[
    // ld.so(8), dyld(1): preload, audit, library search paths, debug output files.
    var("LD_*", DynamicLoader),
    var("DYLD_*", DynamicLoader),
    // glibc sysdeps/generic/unsecvars.h (minus LD_*, covered above, and TMPDIR).
    var("GCONV_PATH", Glibc),
    var("GETCONF_DIR", Glibc),
    var("GLIBC_TUNABLES", Glibc),
    var("HOSTALIASES", Glibc),
    var("LOCALDOMAIN", Glibc),
    var("LOCPATH", Glibc),
    var("MALLOC_*", Glibc),
    var("NIS_PATH", Glibc),
    var("NLSPATH", Glibc),
    var("RESOLV_HOST_CONF", Glibc),
    var("RES_OPTIONS", Glibc),
    var("TZDIR", Glibc),
    // Shells.
    var("BASH_ENV", Shell),
    var("ENV", Shell),
    var("BASH_FUNC_*", Shell),
    var("SHELLOPTS", Shell),
    var("BASHOPTS", Shell),
    var("PS4", Shell),
    var("IFS", Shell),
    var("CDPATH", Shell),
    var("ZDOTDIR", Shell),
    // Language runtimes.
    var("NODE_OPTIONS", Runtime),
    var("NODE_PATH", Runtime),
    var("PYTHON*", Runtime),
    var("PERL5*", Runtime),
    var("PERLLIB", Runtime),
    var("RUBYOPT", Runtime),
    var("RUBYLIB", Runtime),
    var("JAVA_TOOL_OPTIONS", Runtime),
    var("JDK_JAVA_OPTIONS", Runtime),
    var("_JAVA_OPTIONS", Runtime),
    var("DOTNET_STARTUP_HOOKS", Runtime),
    var("LUA_INIT*", Runtime),
    var("LUA_PATH*", Runtime),
    var("LUA_CPATH*", Runtime),
];

/// The entry of [`CODE_LOADING_VARS`] that `name` matches, if any (the first one).
///
/// ```
/// use execsafe_env::{code_loading_var, CodeLoader};
/// use std::ffi::OsStr;
/// assert_eq!(code_loading_var(OsStr::new("LD_AUDIT")).unwrap().loader, CodeLoader::DynamicLoader);
/// assert_eq!(code_loading_var(OsStr::new("BASH_FUNC_ls%%")).unwrap().pattern, "BASH_FUNC_*");
/// assert!(code_loading_var(OsStr::new("GITHUB_TOKEN")).is_none());
/// assert!(code_loading_var(OsStr::new("ENVOY_TOKEN")).is_none()); // `ENV` is exact
/// ```
pub fn code_loading_var(name: &OsStr) -> Option<&'static CodeLoadingVar> {
    CODE_LOADING_VARS.iter().find(|v| v.matches(name))
}

/// Whether `name` loads code or names a code path (see [`CODE_LOADING_VARS`]).
pub fn is_code_loading_var(name: &OsStr) -> bool {
    code_loading_var(name).is_some()
}
