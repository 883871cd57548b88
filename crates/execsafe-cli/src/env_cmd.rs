//! `execsafe env`: show the environment a child would get.

use std::io::Write;
use std::os::unix::ffi::OsStrExt;

use execsafe::{build_child_env, is_proxy_key};

use crate::args::EnvArgs;
use crate::exit::{FAILURE, report};

/// Prints `KEY=VALUE` lines; values of `--secret` names, and proxy URLs that still carry
/// credentials (`--keep-proxy-credentials`), are `<redacted>` unless `--show-secrets`.
pub(crate) fn run(args: &EnvArgs) -> u8 {
    let env = match build_child_env(&args.env.command_options(), std::env::vars_os()) {
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
        let line = [k.as_bytes(), b"=", value, b"\n"].concat();
        if out.write_all(&line).is_err() {
            return FAILURE;
        }
    }
    0
}
