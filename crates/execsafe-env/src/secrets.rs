//! Secret names: which variables a caller may hand to a child by name.

use std::ffi::OsString;

use crate::allowlist::DENIED_SECRET_PREFIXES;
use crate::entry::EnvPair;

/// Why a secret name is refused. Names are shown (quoted and escaped), values never: a
/// name containing `=` is kept only up to it (`"TOKEN=…"`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretNameError {
    /// The name is empty.
    #[error("secret name cannot be empty")]
    Empty,
    /// The name starts with one of [`DENIED_SECRET_PREFIXES`] (ASCII case-insensitive).
    #[error("secret {name:?} uses reserved prefix {prefix:?}")]
    ReservedPrefix {
        /// The refused name.
        name: String,
        /// The prefix it matched.
        prefix: &'static str,
    },
    /// The name contains a byte outside `[A-Za-z0-9_]` (such as `=`, NUL, `-`, a space).
    #[error("secret name {name:?} contains {found:?}; only A-Z, a-z, 0-9 and _ are allowed")]
    InvalidCharacter {
        /// The refused name.
        name: String,
        /// The first offending character.
        found: char,
    },
    /// The name starts with a digit, which no shell accepts as a variable name.
    #[error("secret name {name:?} starts with a digit")]
    LeadingDigit {
        /// The refused name.
        name: String,
    },
    /// Several names were refused; each reason is kept, in input order.
    #[error("invalid secret names: {}", list_names(.0))]
    Several(Vec<SecretNameError>),
}

impl SecretNameError {
    /// The refused name (empty for [`SecretNameError::Empty`] and
    /// [`SecretNameError::Several`]).
    pub fn name(&self) -> &str {
        match self {
            Self::ReservedPrefix { name, .. }
            | Self::InvalidCharacter { name, .. }
            | Self::LeadingDigit { name } => name,
            Self::Empty | Self::Several(_) => "",
        }
    }
}

fn list_names(errors: &[SecretNameError]) -> String {
    errors
        .iter()
        .map(|e| format!("{:?}", e.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The name as errors keep it: cut at the first `=` (`GITHUB_TOKEN=ghp_…` is a name
/// followed by a value typed by mistake; the value is never kept).
fn shown(name: &str) -> String {
    match name.split_once('=') {
        Some((head, _)) => format!("{head}=…"),
        None => name.to_owned(),
    }
}

/// Checks that `name` may be passed to a child as a secret.
///
/// Refused, in this order: the empty name; a name starting with a
/// [`DENIED_SECRET_PREFIXES`] entry compared ASCII case-insensitively (`ld_preload` too;
/// `LDAP_HOST`, `EPACKAGE`, `DYLAN` are fine); a character outside `[A-Za-z0-9_]`
/// (`=`, NUL, `-`, space, non-ASCII); a leading digit. `PATH`, `HOME` and the like are
/// accepted: the operator who names them is trusted.
///
/// # Errors
///
/// The [`SecretNameError`] variant for the first rule the name breaks.
///
/// ```
/// use execsafe_env::{validate_secret_name, SecretNameError};
/// assert!(validate_secret_name("GITHUB_TOKEN").is_ok());
/// assert!(matches!(validate_secret_name("LD_PRELOAD"),
///                  Err(SecretNameError::ReservedPrefix { prefix: "LD_", .. })));
/// ```
pub fn validate_secret_name(name: &str) -> Result<(), SecretNameError> {
    if name.is_empty() {
        return Err(SecretNameError::Empty);
    }
    for prefix in DENIED_SECRET_PREFIXES {
        let head = name.as_bytes().get(..prefix.len());
        if head.is_some_and(|h| h.eq_ignore_ascii_case(prefix.as_bytes())) {
            return Err(SecretNameError::ReservedPrefix {
                name: shown(name),
                prefix,
            });
        }
    }
    if let Some(found) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Err(SecretNameError::InvalidCharacter {
            name: shown(name),
            found,
        });
    }
    if name.as_bytes()[0].is_ascii_digit() {
        return Err(SecretNameError::LeadingDigit { name: shown(name) });
    }
    Ok(())
}

/// Checks every name; one error lists every refused name, in order. Empty input is `Ok`.
///
/// A single refused name gives its own error; two or more give
/// [`SecretNameError::Several`].
///
/// # Errors
///
/// When at least one name is refused.
pub fn validate_secret_names<I: IntoIterator<Item = S>, S: AsRef<str>>(
    names: I,
) -> Result<(), SecretNameError> {
    let mut errors: Vec<SecretNameError> = names
        .into_iter()
        .filter_map(|n| validate_secret_name(n.as_ref()).err())
        .collect();
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(SecretNameError::Several(errors)),
    }
}

/// The valid names, in order.
pub fn filter_valid_secrets<I: IntoIterator<Item = S>, S: AsRef<str>>(names: I) -> Vec<String> {
    names
        .into_iter()
        .filter(|n| validate_secret_name(n.as_ref()).is_ok())
        .map(|n| n.as_ref().to_owned())
        .collect()
}

/// Appends `(name, value)` for each valid name whose value `getenv` finds non-empty, in
/// order.
///
/// Invalid names are skipped silently (the Go behaviour; `RestrictedCommand` in
/// `execsafe-cmd` validates up front and errors instead). Missing and empty values are not
/// passed, not even as `NAME=`. No de-duplication: the caller's last-wins rule applies.
pub fn append_allowed_secrets<S: AsRef<str>>(
    dst: &mut Vec<EnvPair>,
    names: &[S],
    mut getenv: impl FnMut(&str) -> Option<OsString>,
) {
    for name in names {
        let name = name.as_ref();
        if validate_secret_name(name).is_err() {
            continue;
        }
        if let Some(value) = getenv(name).filter(|v| !v.is_empty()) {
            dst.push((name.into(), value));
        }
    }
}
