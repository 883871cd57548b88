//! `sha256sum` files, as release pages ship them: GNU `HEX  NAME` (text) and
//! `HEX *NAME` (binary), with `\`-escaped names, and the BSD tag form
//! `SHA256 (NAME) = HEX`. Stricter than `sha256sum -c`: a malformed line is an error.

use std::path::{Path, PathBuf};

/// One checksum line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SumLine {
    /// 1-based line number.
    pub line: usize,
    /// The file name as `sha256sum -c` shows it (unescaped).
    pub name: String,
    /// 64 lowercase hex digits (either case is accepted in the file).
    pub sha256: String,
}

impl SumLine {
    /// `sha256:<hex>`.
    pub fn digest(&self) -> String {
        format!("sha256:{}", self.sha256)
    }
}

/// Why a sums file was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SumsError {
    /// A line that is neither GNU nor BSD `sha256sum` format.
    #[error(
        "{file}:{line}: not a sha256sum line (expected `HEX  NAME`, `HEX *NAME` or `SHA256 (NAME) = HEX`)"
    )]
    Malformed {
        /// The sums file.
        file: PathBuf,
        /// The line.
        line: usize,
    },
    /// No line at all.
    #[error("{file}: no checksum lines")]
    Empty {
        /// The sums file.
        file: PathBuf,
    },
}

fn hex64(s: &str) -> Option<String> {
    (s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())).then(|| s.to_ascii_lowercase())
}

/// `\\` → `\`, `\n` → newline, `\r` → CR (coreutils' escaping of odd names).
fn unescape(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next()? {
                '\\' => out.push('\\'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                _ => return None,
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

fn parse_line(l: &str) -> Option<(String, String)> {
    let (escaped, l) = match l.strip_prefix('\\') {
        Some(rest) => (true, rest),
        None => (false, l),
    };
    let name_of = |n: &str| {
        if escaped {
            unescape(n)
        } else {
            Some(n.to_owned())
        }
    };
    if let Some(rest) = l.strip_prefix("SHA256 (") {
        let (name, hex) = rest.rsplit_once(") = ")?;
        return Some((name_of(name)?, hex64(hex)?));
    }
    let (hex, rest) = (l.get(..64)?, l.get(64..)?);
    let name = rest
        .strip_prefix("  ")
        .or_else(|| rest.strip_prefix(" *"))?;
    (!name.is_empty()).then_some(())?;
    Some((name_of(name)?, hex64(hex)?))
}

/// Parses a sums file's text (`file` only for messages). Never panics.
///
/// # Errors
///
/// [`SumsError`] for the first malformed line, or for a file without lines.
pub fn parse(text: &str, file: &Path) -> Result<Vec<SumLine>, SumsError> {
    let mut out = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let (name, sha256) =
            parse_line(l.strip_suffix('\r').unwrap_or(l)).ok_or_else(|| SumsError::Malformed {
                file: file.into(),
                line: i + 1,
            })?;
        out.push(SumLine {
            line: i + 1,
            name,
            sha256,
        });
    }
    if out.is_empty() {
        return Err(SumsError::Empty { file: file.into() });
    }
    Ok(out)
}

/// `./a/./b` and `a/b` name the same file; so do `./tool` and `tool`.
pub fn normalize(name: &str) -> &str {
    let mut n = name;
    while let Some(rest) = n.strip_prefix("./") {
        n = rest.trim_start_matches('/');
    }
    n
}

/// The one line naming `prog` (after [`normalize`]); `Err(count)` for none or several.
///
/// # Errors
///
/// The number of matching lines when it is not exactly one.
pub fn find<'a>(lines: &'a [SumLine], prog: &str) -> Result<&'a SumLine, usize> {
    let want = normalize(prog);
    let hits: Vec<_> = lines
        .iter()
        .filter(|l| normalize(&l.name) == want)
        .collect();
    match hits[..] {
        [one] => Ok(one),
        _ => Err(hits.len()),
    }
}

/// A GNU line for `name` (escaped as coreutils does when it holds `\` or a newline).
pub fn gnu_line(sha256: &str, name: &str) -> String {
    if name.contains(['\\', '\n', '\r']) {
        let esc = name
            .replace('\\', "\\\\")
            .replace('\n', "\\n")
            .replace('\r', "\\r");
        format!("\\{sha256}  {esc}")
    } else {
        format!("{sha256}  {name}")
    }
}
