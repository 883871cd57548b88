//! `build_restricted_env(_safe)`: the allowlist plus exactly one `PATH`, last.

use std::ffi::{OsStr, OsString};

use crate::allowlist::{ALLOWED_ENV_VARS, safe_path};
use crate::entry::{EnvPair, is_valid_env_value, key_is};
use crate::filter::filter_env_inspect;
use crate::proxy::strip_proxy_credentials;

/// [`filter_env`](crate::filter_env) with [`ALLOWED_ENV_VARS`], then one `PATH` pair last.
///
/// * `inherit_path == false`: `PATH` is [`safe_path()`].
/// * `inherit_path == true`: the caller's `PATH` (exact key on Unix, any case on Windows;
///   the last one if there are several). If there is none, or it is empty, or it contains
///   NUL, [`safe_path()`] — the Go package added no `PATH` at all there, and shells then
///   invent one; an empty `PATH` means "search the current directory".
///
/// Proxy credentials are **not** stripped here; see [`build_restricted_env_safe`].
pub fn build_restricted_env<I, K, V>(environ: I, inherit_path: bool) -> Vec<EnvPair>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    restricted(environ, inherit_path, false)
}

/// [`build_restricted_env`] with proxy credentials stripped
/// ([`strip_proxy_credentials`](crate::strip_proxy_credentials)) — what every caller
/// should use.
///
/// Output: the allowed pairs in input order (proxy values rewritten in place, ambiguous
/// ones dropped), then `PATH`.
pub fn build_restricted_env_safe<I, K, V>(environ: I, inherit_path: bool) -> Vec<EnvPair>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    restricted(environ, inherit_path, true)
}

fn restricted<I, K, V>(environ: I, inherit_path: bool, strip: bool) -> Vec<EnvPair>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    let mut caller_path: Option<OsString> = None;
    let filtered = filter_env_inspect(environ, ALLOWED_ENV_VARS, |k, v| {
        if inherit_path && key_is(k, "PATH") {
            caller_path = Some(v.to_owned());
        }
    });
    let mut env = if strip {
        strip_proxy_credentials(filtered)
    } else {
        filtered
    };
    let path = caller_path
        .filter(|p| !p.is_empty() && is_valid_env_value(p))
        .unwrap_or_else(|| safe_path().into());
    env.push(("PATH".into(), path));
    env
}
