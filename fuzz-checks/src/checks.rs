//! Invariants checked by the fuzz targets, one function per target, each taking the raw
//! fuzzer input and panicking when an invariant is broken.
//!
//! Shared by `fuzz/fuzz_targets/*.rs` and by the main workspace's replay test
//! (`crates/execsafe/tests/fuzz_regressions.rs`), which runs every committed seed and
//! regression input on each `cargo xtask ci`.
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::ffi::{OsStr, OsString};
use std::io::{self, ErrorKind, Read, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use arbitrary::{Arbitrary, Unstructured};
use execsafe::{
    ALLOWED_ENV_VARS, DENIED_SECRET_PREFIXES, Digest, build_restricted_env_safe, copy_and_hash,
    parse_digest, parse_entry, strip_proxy_credentials, strip_url_credentials,
    validate_secret_name,
};
use sha2::{Digest as _, Sha256};

/// `parse_entry`: key non-empty without `=`, and `key=value` reproduces the input.
pub fn env_entry(data: &[u8]) {
    let entry = OsStr::from_bytes(data);
    match parse_entry(entry) {
        Some((k, v)) => {
            assert!(!k.is_empty(), "empty key");
            assert!(!k.as_bytes().contains(&b'='), "key contains '='");
            let joined = [k.as_bytes(), b"=", v.as_bytes()].concat();
            assert_eq!(joined, data, "key=value does not reproduce the input");
        }
        None => assert!(
            !data.contains(&b'=') || data.first() == Some(&b'='),
            "refused an entry with a non-empty key"
        ),
    }
}

/// `strip_url_credentials`: no `@` in any result; no-`@` input unchanged; idempotent;
/// the result is the input minus one contiguous piece ending in `@`.
pub fn strip_url(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    match strip_url_credentials(input) {
        None => assert!(input.contains('@'), "dropped a value without '@'"),
        Some(out) => {
            assert!(!out.contains('@'), "result contains '@': {out:?}");
            if !input.contains('@') {
                assert_eq!(out, input, "changed a value without '@'");
                return;
            }
            let again = strip_url_credentials(&out);
            assert_eq!(again.as_deref(), Some(out.as_ref()), "not idempotent");
            // out == input[..i] + input[i + cut..] for some i, where the removed piece
            // input[i..i + cut] ends in '@' and holds no '/', '?' or '#'.
            let (inb, outb) = (input.as_bytes(), out.as_bytes());
            let cut = inb.len() - outb.len();
            let prefix = inb.iter().zip(outb).take_while(|(a, b)| a == b).count();
            let ok = (0..=prefix).any(|i| {
                let removed = &inb[i..i + cut];
                removed.last() == Some(&b'@')
                    && !removed.iter().any(|b| matches!(b, b'/' | b'?' | b'#'))
                    && inb[i + cut..] == outb[i..]
            });
            assert!(
                ok,
                "result {out:?} is not the input minus one userinfo@ piece"
            );
        }
    }
}

/// Marks every generated proxy password; it must never reach an output value.
const MARK: &str = "\u{7f}PW";

#[derive(Arbitrary, Debug)]
struct ProxyEntry {
    key: u8,
    scheme: u8,
    user: String,
    password: String,
    host: String,
    tail: String,
}

#[derive(Arbitrary, Debug)]
struct EnvInput {
    noise: Vec<(Vec<u8>, Vec<u8>)>,
    proxies: Vec<ProxyEntry>,
    inherit_path: bool,
    /// `additional_env` and `secrets` of a `CommandOptions`, names picked from
    /// [`CHILD_NAMES`] (or taken as raw bytes when the pick is past its end).
    extra: Vec<(u8, Vec<u8>, Vec<u8>)>,
    secrets: Vec<(u8, String)>,
    allow_code_loading: bool,
}

/// Names worth mixing into `additional_env` and `secrets`: code-loading ones of every
/// group, `PATH`, and ordinary ones.
const CHILD_NAMES: [&str; 12] = [
    "LD_PRELOAD",
    "BASH_ENV",
    "PYTHONPATH",
    "NODE_OPTIONS",
    "BASH_FUNC_ls%%",
    "GCONV_PATH",
    "PATH",
    "GITHUB_TOKEN",
    "HOME",
    "ENV",
    "IFS",
    "PERL5OPT",
];

fn pick(i: u8, raw: &[u8]) -> OsString {
    CHILD_NAMES
        .get(usize::from(i))
        .map_or_else(|| OsString::from_vec(raw.to_vec()), OsString::from)
}

const PROXY_KEYS: [&str; 6] = [
    "HTTP_PROXY",
    "https_proxy",
    "Http_Proxy",
    "ALL_PROXY",
    "HTTPS_PROXY",
    "http_proxy",
];
const SCHEMES: [&str; 5] = ["http://", "https://", "socks5://", "//", ""];

/// `build_restricted_env_safe`: keys ⊆ allowlist ∪ {PATH}, PATH once and last, no proxy
/// value with `@`, no password in any output value. `build_child_env` (with extra
/// variables and secrets): no code-loading key, and no `PATH` from a secret, unless the
/// opt-out is set.
pub fn restricted_env(data: &[u8]) {
    let Ok(input) = EnvInput::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let mut env: Vec<(OsString, OsString)> = input
        .noise
        .iter()
        .map(|(k, v)| (OsString::from_vec(k.clone()), OsString::from_vec(v.clone())))
        .collect();
    if env.iter().any(|(_, v)| {
        v.as_bytes()
            .windows(MARK.len())
            .any(|w| w == MARK.as_bytes())
    }) {
        return; // the marker must only ever come from a password
    }
    for p in &input.proxies {
        // The marker must only come from the password (host and tail are adjacent, so
        // check them joined: the marker could straddle them).
        if p.user.contains(MARK) || format!("{}{}", p.host, p.tail).contains(MARK) {
            return;
        }
        let url = format!(
            "{}{}:{MARK}{}@{}{}",
            SCHEMES[usize::from(p.scheme) % SCHEMES.len()],
            p.user,
            p.password,
            p.host,
            p.tail
        );
        env.push((
            PROXY_KEYS[usize::from(p.key) % PROXY_KEYS.len()].into(),
            url.into(),
        ));
    }
    let env_dbg = format!("{env:?}");
    check_child_env(&input, &env);
    let out = build_restricted_env_safe(env.clone(), input.inherit_path);
    let (last, rest) = out.split_last().expect("PATH is always present");
    assert_eq!(last.0, "PATH", "PATH is not last");
    for (k, v) in rest {
        assert!(
            ALLOWED_ENV_VARS.iter().any(|a| k == a),
            "key {} not allowed",
            k.display()
        );
        let upper = k.as_bytes().to_ascii_uppercase();
        if upper.ends_with(b"_PROXY") && upper != b"NO_PROXY" {
            assert!(
                !v.as_bytes().contains(&b'@'),
                "{} keeps an '@'",
                k.display()
            );
        }
    }
    for (k, v) in out.iter().chain(strip_proxy_credentials(env).iter()) {
        let is_proxy = {
            let u = k.as_bytes().to_ascii_uppercase();
            u.ends_with(b"_PROXY") && u != b"NO_PROXY"
        };
        if is_proxy {
            assert!(
                !v.as_bytes()
                    .windows(MARK.len())
                    .any(|w| w == MARK.as_bytes()),
                "password reached {}: {}; input {}",
                k.display(),
                v.display(),
                env_dbg
            );
        }
    }
}

fn check_child_env(input: &EnvInput, env: &[(OsString, OsString)]) {
    let opts = execsafe::CommandOptions {
        additional_env: input
            .extra
            .iter()
            .map(|(i, k, v)| (pick(*i, k), OsString::from_vec(v.clone())))
            .collect(),
        secrets: input
            .secrets
            .iter()
            .map(|(i, raw)| {
                CHILD_NAMES
                    .get(usize::from(*i))
                    .map_or_else(|| raw.clone(), |n| (*n).into())
            })
            .collect(),
        inherit_path: input.inherit_path,
        dangerously_allow_code_loading_env: input.allow_code_loading,
        ..execsafe::CommandOptions::default()
    };
    let Ok(child) = execsafe::build_child_env(&opts, env.iter().cloned()) else {
        return; // refused: nothing reaches a child
    };
    if input.allow_code_loading {
        return;
    }
    for (k, _) in &child {
        assert!(
            !execsafe::is_code_loading_var(k),
            "code-loading {} reached the child",
            k.display()
        );
    }
    let explicit_path = opts.additional_env.iter().any(|(k, _)| k == "PATH");
    let path: Vec<_> = child.iter().filter(|(k, _)| k == "PATH").collect();
    assert_eq!(path.len(), 1, "PATH once");
    if !explicit_path && !input.inherit_path {
        assert_eq!(
            path[0].1,
            execsafe::safe_path(),
            "a secret replaced the safe PATH"
        );
    }
}

/// `validate_secret_name` agrees with a direct reading of the rules.
pub fn secret_names(data: &[u8]) {
    let Ok(name) = std::str::from_utf8(data) else {
        return;
    };
    let upper = name.to_ascii_uppercase();
    let reference = !name.is_empty()
        && !DENIED_SECRET_PREFIXES.iter().any(|p| upper.starts_with(p))
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !name.as_bytes()[0].is_ascii_digit();
    assert_eq!(
        validate_secret_name(name).is_ok(),
        reference,
        "disagrees on {name:?}"
    );
}

/// `parse_digest`: accepted ⇔ the strict grammar; Display round-trips.
pub fn digest_parse(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let grammar = s.len() == 71
        && s.starts_with("sha256:")
        && s.bytes()
            .skip(7)
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    match parse_digest(s) {
        Ok(d) => {
            assert!(grammar, "accepted {s:?}");
            assert_eq!(d.to_string(), s, "round trip");
            assert_eq!(Digest::from_bytes(*d.as_bytes()), d);
        }
        Err(e) => {
            assert!(!grammar, "refused {s:?}");
            let execsafe::DigestError::Format { input: quoted } = &e else {
                panic!("parse error of another kind: {e:?}");
            };
            assert!(
                quoted.chars().count() <= 80,
                "error quotes more than 80 chars"
            );
            assert!(
                s.starts_with(quoted.as_str()),
                "quote is not a prefix of the input"
            );
        }
    }
}

#[derive(Arbitrary, Debug)]
struct CopyInput {
    data: Vec<u8>,
    /// Repeat `data` to cross the 256 KiB single-buffer threshold.
    repeat: u16,
    read_plan: Vec<(u32, u8)>,
    write_max: u32,
    fail_write_at: Option<u32>,
    fail_read_at: Option<u32>,
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    plan: &'a [(u32, u8)],
    step: usize,
    fail_at: Option<usize>,
    /// Never two `Interrupted` in a row, so every plan makes progress.
    interrupted: bool,
}

impl Read for Reader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let (size, action) = self
            .plan
            .get(self.step % self.plan.len().max(1))
            .copied()
            .unwrap_or((u32::MAX, 0));
        self.step += 1;
        if action % 5 == 1 && !self.interrupted {
            self.interrupted = true;
            return Err(ErrorKind::Interrupted.into());
        }
        self.interrupted = false;
        if self.fail_at.is_some_and(|k| self.pos >= k) {
            return Err(io::Error::other("injected read failure"));
        }
        let limit = self.fail_at.map_or(usize::MAX, |k| k - self.pos);
        let n = (size as usize)
            .max(1)
            .min(buf.len())
            .min(self.data.len() - self.pos)
            .min(limit);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

struct Writer {
    out: Vec<u8>,
    max: usize,
    fail_at: Option<usize>,
}

impl Write for Writer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.fail_at.is_some_and(|k| self.out.len() >= k) {
            return Err(io::Error::other("injected write failure"));
        }
        let limit = self.fail_at.map_or(usize::MAX, |k| k - self.out.len());
        let n = buf.len().min(self.max.max(1)).min(limit);
        self.out.extend_from_slice(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `copy_and_hash`: on `Ok`, output == input and digest == SHA-256(input); a reader or
/// writer failing before the end never yields `Ok`.
pub fn tee_copy(data: &[u8]) {
    let Ok(input) = CopyInput::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let reps = if input.data.is_empty() {
        1
    } else {
        1 + usize::from(input.repeat % 8) * (300_000 / input.data.len().max(1)).min(64)
    };
    let full: Vec<u8> = input
        .data
        .iter()
        .copied()
        .cycle()
        .take(input.data.len() * reps)
        .collect();
    let fail_read = input
        .fail_read_at
        .map(|k| k as usize)
        .filter(|&k| k < full.len());
    let fail_write = input
        .fail_write_at
        .map(|k| k as usize)
        .filter(|&k| k < full.len());
    let reader = Reader {
        data: &full,
        pos: 0,
        plan: &input.read_plan,
        step: 0,
        fail_at: fail_read,
        interrupted: false,
    };
    let mut writer = Writer {
        out: Vec::new(),
        max: input.write_max as usize,
        fail_at: fail_write,
    };
    match copy_and_hash(reader, &mut writer) {
        Ok((digest, n)) => {
            assert!(
                fail_read.is_none() && fail_write.is_none(),
                "Ok despite an injected failure"
            );
            assert_eq!(usize::try_from(n).unwrap(), full.len());
            assert!(writer.out == full, "output differs from input");
            assert_eq!(digest, Digest::from_bytes(Sha256::digest(&full).into()));
        }
        Err(_) => assert!(
            fail_read.is_some() || fail_write.is_some(),
            "Err without an injected failure"
        ),
    }
}
