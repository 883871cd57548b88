//! Pin files: TOML, one `[[pin]]` table per pinned program, in file order.
//!
//! ```toml
//! [[pin]]
//! name = "curl"
//! path = "/usr/bin/curl"
//! sha256 = "…64 lowercase hex…"
//! size = 260328
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The comment every written pin file starts with.
pub const HEADER: &str = "\
# execsafe pin file: programs pinned by SHA-256.
# Written by `execsafe pin`; read by `execsafe run --pins FILE -- NAME` and
# `execsafe verify --pins FILE`. One [[pin]] per program: name, path, sha256 (64
# lowercase hex digits) and size (bytes). Keep it writable by its owner only.

";

/// One pinned program.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pin {
    /// What `execsafe run --pins FILE -- NAME` names it by.
    pub name: String,
    /// The program's path.
    pub path: PathBuf,
    /// 64 lowercase hex digits.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
}

impl Pin {
    /// The pin as a digest string, `sha256:<hex>`.
    pub fn digest(&self) -> String {
        format!("sha256:{}", self.sha256)
    }
}

/// Why a pin file was refused. Names the file and, where it can, the line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PinFileError {
    /// Not TOML, an unknown key, a missing field, a wrong type (the parser's message
    /// carries the line and column).
    #[error("{file}: {message}")]
    Syntax {
        /// The pin file.
        file: PathBuf,
        /// The TOML parser's message.
        message: String,
    },
    /// A `sha256` that is not 64 lowercase hex digits.
    #[error("{file}:{line}: pin {name:?}: sha256 must be 64 lowercase hex digits")]
    BadHex {
        /// The pin file.
        file: PathBuf,
        /// The line of the value.
        line: usize,
        /// The pin's name.
        name: String,
    },
    /// An empty name, or one with `=`, `/` or a control character.
    #[error(
        "{file}:{line}: invalid pin name {name:?} (empty, or contains '=', '/' or a control character)"
    )]
    BadName {
        /// The pin file.
        file: PathBuf,
        /// The line of the name.
        line: usize,
        /// The name.
        name: String,
    },
    /// Two pins with one name.
    #[error("{file}:{line}: duplicate pin name {name:?} (first at line {first})")]
    Duplicate {
        /// The pin file.
        file: PathBuf,
        /// The line of the second one.
        line: usize,
        /// The line of the first one.
        first: usize,
        /// The name.
        name: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    pin: Vec<RawPin>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPin {
    name: toml::Spanned<String>,
    path: PathBuf,
    sha256: toml::Spanned<String>,
    size: u64,
}

#[derive(Serialize)]
struct OutFile<'a> {
    pin: &'a [Pin],
}

/// Whether `name` may name a pin: non-empty, no `=`, `/` or control characters.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['=', '/']) && !name.chars().any(char::is_control)
}

fn is_lower_hex_64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn line_of(text: &str, offset: usize) -> usize {
    // Pieces between newlines before `offset`: the 1-based line number.
    text.as_bytes()[..offset.min(text.len())]
        .split(|&b| b == b'\n')
        .count()
}

/// Parses a pin file's text (`file` is only for messages). Never panics.
///
/// # Errors
///
/// [`PinFileError`], naming `file` and the line.
pub fn parse(text: &str, file: &Path) -> Result<Vec<Pin>, PinFileError> {
    let raw: RawFile = toml::from_str(text).map_err(|e| PinFileError::Syntax {
        file: file.into(),
        message: e.to_string().trim_end().replace('\n', " "),
    })?;
    let mut pins: Vec<(usize, Pin)> = Vec::with_capacity(raw.pin.len());
    for p in raw.pin {
        let line = line_of(text, p.name.span().start);
        let name = p.name.into_inner();
        if !is_valid_name(&name) {
            return Err(PinFileError::BadName {
                file: file.into(),
                line,
                name,
            });
        }
        if !is_lower_hex_64(p.sha256.get_ref()) {
            return Err(PinFileError::BadHex {
                file: file.into(),
                line: line_of(text, p.sha256.span().start),
                name,
            });
        }
        if let Some((first, _)) = pins.iter().find(|(_, q)| q.name == name) {
            return Err(PinFileError::Duplicate {
                file: file.into(),
                line,
                first: *first,
                name,
            });
        }
        pins.push((
            line,
            Pin {
                name,
                path: p.path,
                sha256: p.sha256.into_inner(),
                size: p.size,
            },
        ));
    }
    Ok(pins.into_iter().map(|(_, p)| p).collect())
}

/// The text of a pin file holding `pins`: [`HEADER`], then one `[[pin]]` per entry.
///
/// # Errors
///
/// A path that is not UTF-8 (TOML strings are).
pub fn render(pins: &[Pin]) -> Result<String, toml::ser::Error> {
    Ok(format!(
        "{HEADER}{}",
        toml::to_string(&OutFile { pin: pins })?
    ))
}

/// Adds `pin`, or replaces the entry of the same name in place.
pub fn upsert(pins: &mut Vec<Pin>, pin: Pin) {
    match pins.iter_mut().find(|p| p.name == pin.name) {
        Some(old) => *old = pin,
        None => pins.push(pin),
    }
}
