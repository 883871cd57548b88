//! The environment a restricted command gives its child.

use std::ffi::OsStr;

use execsafe_env::{
    EnvPair, append_allowed_secrets, build_restricted_env, build_restricted_env_safe,
    code_loading_var, dedup_last_wins, is_valid_env_key, is_valid_env_value, validate_secret_name,
};

use crate::error::Error;
use crate::options::CommandOptions;

/// The environment a [`RestrictedCommand`](crate::RestrictedCommand) built from `opts` and
/// `environ` gives its child, without a program: base → `additional_env` → secrets,
/// de-duplicated last-wins at the first position. Useful to show or log it (the CLI's
/// `execsafe env`).
///
/// Checked first, in this order, each error naming the variable (never its value):
/// `additional_env` keys and values, then code-loading keys in `additional_env`, then
/// each secret name (`validate_secret_name`, then `PATH`, then code-loading names). The
/// last two checks are skipped with `opts.dangerously_allow_code_loading_env`.
///
/// # Errors
///
/// [`Error::InvalidEnvKey`], [`Error::InvalidEnvValue`], [`Error::CodeLoadingVar`],
/// [`Error::InvalidSecretName`], [`Error::SecretPath`].
pub fn build_child_env<E, K, V>(opts: &CommandOptions, environ: E) -> Result<Vec<EnvPair>, Error>
where
    E: IntoIterator<Item = (K, V)>,
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    check_options(opts)?;
    let environ: Vec<EnvPair> = environ
        .into_iter()
        .map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned()))
        .collect();
    let mut all = if opts.strip_proxy_credentials {
        build_restricted_env_safe(environ.iter().map(|(k, v)| (k, v)), opts.inherit_path)
    } else {
        build_restricted_env(environ.iter().map(|(k, v)| (k, v)), opts.inherit_path)
    };
    all.extend(opts.additional_env.iter().cloned());
    // Secrets come from the base environment: the last occurrence, as a child would see
    // it; unset, empty and NUL-containing values are not passed.
    append_allowed_secrets(&mut all, &opts.secrets, |name| {
        environ
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .filter(|v| is_valid_env_value(v))
    });
    Ok(dedup_last_wins(all))
}

/// Everything `build_child_env` refuses, without building anything.
pub(crate) fn check_options(opts: &CommandOptions) -> Result<(), Error> {
    let lossy = |k: &OsStr| k.to_string_lossy().into_owned();
    let guard = !opts.dangerously_allow_code_loading_env;
    for (k, v) in &opts.additional_env {
        if !is_valid_env_key(k) {
            return Err(Error::InvalidEnvKey { key: lossy(k) });
        }
        if !is_valid_env_value(v) {
            return Err(Error::InvalidEnvValue { key: lossy(k) });
        }
        if let Some(var) = code_loading_var(k).filter(|_| guard) {
            return Err(Error::CodeLoadingVar {
                name: lossy(k),
                origin: "additional_env variable",
                loader: var.loader,
            });
        }
    }
    for name in &opts.secrets {
        validate_secret_name(name).map_err(Error::InvalidSecretName)?;
        if guard && name_is_path(name) {
            return Err(Error::SecretPath);
        }
        if let Some(var) = code_loading_var(OsStr::new(name)).filter(|_| guard) {
            return Err(Error::CodeLoadingVar {
                name: name.clone(),
                origin: "secret",
                loader: var.loader,
            });
        }
    }
    Ok(())
}

/// `PATH` exactly on Unix; any case on Windows (where `Path` is the same variable).
fn name_is_path(name: &str) -> bool {
    if cfg!(windows) {
        name.eq_ignore_ascii_case("PATH")
    } else {
        name == "PATH"
    }
}

/// The valid `secrets` of `opts` that `environ` does not provide (unset or empty), in
/// order: they are not passed, and a caller may want to say so (the CLI does, by name).
/// Names that `validate_secret_name` refuses are left out: they are an error of their
/// own, and one may be a value typed by mistake (`TOKEN=ghp_…`).
pub fn missing_secrets<E, K, V>(opts: &CommandOptions, environ: E) -> Vec<String>
where
    E: IntoIterator<Item = (K, V)>,
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    let environ: Vec<EnvPair> = environ
        .into_iter()
        .map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned()))
        .collect();
    opts.secrets
        .iter()
        .filter(|s| validate_secret_name(s).is_ok())
        .filter(|s| {
            environ
                .iter()
                .rev()
                .find(|(k, _)| k == s.as_str())
                .is_none_or(|(_, v)| v.is_empty())
        })
        .cloned()
        .collect()
}
