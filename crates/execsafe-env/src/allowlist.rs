//! The fixed lists: allowed variable names, denied secret prefixes, the safe `PATH`.

/// The variables a child may inherit, in the Go package's order (26 names).
///
/// `PATH` is deliberately absent: [`crate::build_restricted_env`] adds exactly one `PATH`
/// itself, last. So are `ALL_PROXY`, `SHELL`, `LD_*` and every credential-looking name.
pub const ALLOWED_ENV_VARS: &[&str] = &[
    "HOME",
    "USER",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "TMPDIR",
    "TEMP",
    "TMP",
    "TERM",
    "NO_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "XDG_DATA_HOME",
    "XDG_STATE_HOME",
    "XDG_RUNTIME_DIR",
];

/// Prefixes a secret name may not start with, compared ASCII case-insensitively, in the
/// order they are checked (the first hit is the one an error names).
///
/// `LD_` and `DYLD_` control the dynamic linker (`LD_PRELOAD` runs code in the child
/// before `main`); `EPACK_` is the protocol namespace; `_` is shell-internal.
pub const DENIED_SECRET_PREFIXES: &[&str] = &["EPACK_", "LD_", "DYLD_", "_"];

/// The `PATH` a child gets unless the caller asks to inherit its own.
///
/// A compile-time constant per platform; it never reads the environment (a hostile
/// `SystemRoot` or `PATH` cannot change it). Unix: `/usr/bin:/bin:/usr/sbin:/sbin`.
/// Windows: `C:\Windows\System32;C:\Windows`.
pub fn safe_path() -> &'static str {
    if cfg!(windows) {
        r"C:\Windows\System32;C:\Windows"
    } else {
        "/usr/bin:/bin:/usr/sbin:/sbin"
    }
}
