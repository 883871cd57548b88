//! Removing credentials from proxy URLs, failing closed.

use std::borrow::Cow;
use std::ffi::OsStr;

use crate::entry::EnvPair;

/// Whether a key names a proxy variable whose value may carry credentials: its ASCII
/// upper-case form ends in `_PROXY` and is not `NO_PROXY` (a host list, never a URL).
/// These are the keys [`strip_proxy_credentials`] rewrites.
///
/// The Go package stripped only `HTTP_PROXY`, `HTTPS_PROXY`, `http_proxy` and
/// `https_proxy`, so `Http_Proxy` or `ALL_PROXY` kept their passwords.
pub fn is_proxy_key(key: &OsStr) -> bool {
    let b = key.as_encoded_bytes();
    let upper = b.to_ascii_uppercase();
    upper.ends_with(b"_PROXY") && upper != b"NO_PROXY"
}

/// Removes credentials from every proxy variable; other pairs pass unchanged.
///
/// A key is a proxy key when its ASCII upper-case form ends in `_PROXY`, except
/// `NO_PROXY` (so `HTTP_PROXY`, `http_proxy`, `Http_Proxy`, `ALL_PROXY`, `FTP_PROXY`).
/// Its value goes through [`strip_url_credentials`]; when that returns `None`, or when
/// the value is not UTF-8 and contains `@`, the **pair is dropped**: an ambiguous proxy
/// URL never reaches a child. Order is kept.
///
/// ```
/// use execsafe_env::strip_proxy_credentials;
/// let env = strip_proxy_credentials([
///     ("Http_Proxy", "http://u:p@proxy:8080"),
///     ("ALL_PROXY", "socks5://u:pa#ss@proxy:1080"), // raw '#' in the password: dropped
///     ("HOME", "/home/me"),
/// ]);
/// assert_eq!(env, vec![
///     ("Http_Proxy".into(), "http://proxy:8080".into()),
///     ("HOME".into(), "/home/me".into()),
/// ]);
/// ```
pub fn strip_proxy_credentials<I, K, V>(environ: I) -> Vec<EnvPair>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    environ
        .into_iter()
        .filter_map(|(k, v)| {
            let (k, v) = (k.as_ref(), v.as_ref());
            if !is_proxy_key(k) {
                return Some((k.to_owned(), v.to_owned()));
            }
            strip_proxy_value(v).map(|clean| (k.to_owned(), clean.into()))
        })
        .collect()
}

/// The stripped value of one proxy variable, or `None` when it must be dropped.
fn strip_proxy_value(value: &OsStr) -> Option<Cow<'_, OsStr>> {
    match value.to_str() {
        Some(s) => strip_url_credentials(s).map(|c| match c {
            Cow::Borrowed(b) => Cow::Borrowed(OsStr::new(b)),
            Cow::Owned(o) => Cow::Owned(o.into()),
        }),
        None if value.as_encoded_bytes().contains(&b'@') => None,
        None => Some(Cow::Borrowed(value)),
    }
}

/// Removes the `userinfo@` part of a URL's authority, keeping every other byte.
///
/// Returns `Cow::Borrowed(value)` unchanged when `value` contains no `@`, and `None`
/// when credentials cannot be removed with certainty: **the caller must then drop the
/// value**. A returned string never contains `@`.
///
/// Parsing, by hand and byte-exact (no re-serialisation: `:443` is kept, no `/` is
/// added, the scheme keeps its case):
///
/// 1. The authority starts after `scheme://` (scheme = `ALPHA *(ALPHA / DIGIT / + - .)`),
///    after a leading `//`, or at the start of a scheme-less value such as curl's
///    `user:pass@proxy:3128`.
/// 2. It ends at the first `/`, `?` or `#`.
/// 3. Everything up to its **last** `@` is userinfo and is removed.
/// 4. If an `@` is left anywhere — for instance a raw `/`, `?` or `#` inside the password
///    cut the authority early — the result is `None`.
///
/// ```
/// use execsafe_env::strip_url_credentials;
/// assert_eq!(strip_url_credentials("https://admin:secret@secure.proxy.com:443").as_deref(),
///            Some("https://secure.proxy.com:443"));
/// assert_eq!(strip_url_credentials("user:pass@proxy:3128").as_deref(), Some("proxy:3128"));
/// assert_eq!(strip_url_credentials("http://user:pa/ss@proxy:3128"), None);
/// assert_eq!(strip_url_credentials("proxy.example.com:8080").as_deref(), Some("proxy.example.com:8080"));
/// ```
pub fn strip_url_credentials(value: &str) -> Option<Cow<'_, str>> {
    if !value.contains('@') {
        return Some(Cow::Borrowed(value));
    }
    let start = authority_start(value);
    let rest = &value[start..];
    let end = rest
        .find(['/', '?', '#'])
        .map_or(value.len(), |i| start + i);
    let authority = &value[start..end];
    let Some(at) = authority.rfind('@') else {
        // The only '@'s are outside the authority: ambiguous (a raw '/', '?' or '#' in a
        // password ends the authority early). Fail closed.
        return None;
    };
    let mut out = String::with_capacity(value.len());
    out.push_str(&value[..start]);
    out.push_str(&value[start + at + 1..]);
    if out.contains('@') {
        return None;
    }
    Some(Cow::Owned(out))
}

/// Byte offset where the authority begins (see [`strip_url_credentials`]).
fn authority_start(value: &str) -> usize {
    if value.starts_with("//") {
        return 2;
    }
    if let Some(colon) = value.find("://") {
        let scheme = &value.as_bytes()[..colon];
        let is_scheme = scheme.first().is_some_and(u8::is_ascii_alphabetic)
            && scheme
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
        if is_scheme {
            return colon + 3;
        }
    }
    0
}
