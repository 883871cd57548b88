//! `execsafe env`: show the environment a child would get.

use std::io::Write;
use std::os::unix::ffi::OsStrExt;

use execsafe::{build_child_env, is_proxy_key, missing_secrets};

use crate::args::EnvArgs;
use crate::exit::{FAILURE, report, say};

/// Prints `KEY=VALUE` lines; values of `--secret` names, and proxy URLs that still carry
/// credentials (`--keep-proxy-credentials`), are `<redacted>` unless `--show-secrets`.
/// Control characters and `\` are escaped (`\n`, `\t`, `\r`, `\\`, `\xNN`), so a
/// value cannot fake extra lines or terminal output.
pub(crate) fn run(args: &EnvArgs) -> u8 {
    let opts = match args.env.command_options() {
        Ok(o) => o,
        Err(msg) => {
            say(&msg);
            return FAILURE;
        }
    };
    for name in missing_secrets(&opts, std::env::vars_os()) {
        say(&format!(
            "note: --secret {name} is unset or empty; not passed"
        ));
    }
    let env = match build_child_env(&opts, std::env::vars_os()) {
        Ok(env) => env,
        Err(e) => {
            report("env", &e);
            return FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    for (k, v) in &env {
        let secret = args.env.secrets.iter().any(|s| k == s.as_str())
            || (is_proxy_key(k) && v.as_bytes().contains(&b'@'));
        let value = if secret && !args.show_secrets {
            b"<redacted>".as_slice()
        } else {
            v.as_bytes()
        };
        let line = [&escape(k.as_bytes())[..], b"=", &escape(value), b"\n"].concat();
        if out.write_all(&line).is_err() {
            return FAILURE;
        }
    }
    0
}

/// `\` and control characters (C0, DEL) escaped; every other byte as is.
pub(crate) fn escape(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0..=0x1f | 0x7f => out.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
            _ => out.push(b),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            super::escape(b"a\nb\tc\rd\\e\x1b[2J\x7f\x00z"),
            b"a\\nb\\tc\\rd\\\\e\\x1b[2J\\x7f\\x00z"
        );
        assert_eq!(super::escape("ünï 😀".as_bytes()), "ünï 😀".as_bytes());
    }
}
