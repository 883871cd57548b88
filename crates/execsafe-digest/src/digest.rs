//! The `Digest` type and its strict text form.

use std::fmt;
use std::str::FromStr;

use crate::error::DigestError;

const PREFIX: &str = "sha256:";
const HEX: &[u8; 16] = b"0123456789abcdef";
/// How much of a rejected input an error quotes.
const QUOTE_MAX_CHARS: usize = 80;

/// A SHA-256 digest (32 bytes). Text form: `sha256:<64 lowercase hex>`.
///
/// Parsing is strict ([`parse_digest`]); `Display` always gives the canonical form.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest([u8; 32]);

impl Digest {
    /// A digest from its 32 raw bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The 32 raw bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = [0u8; 64];
        for (i, b) in self.0.iter().enumerate() {
            text[2 * i] = HEX[usize::from(b >> 4)];
            text[2 * i + 1] = HEX[usize::from(b & 0xf)];
        }
        f.write_str(PREFIX)?;
        // Only ASCII hex digits were written.
        f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({self})")
    }
}

impl FromStr for Digest {
    type Err = DigestError;

    /// Accepts exactly `^sha256:[0-9a-f]{64}$`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let format_error = || DigestError::Format {
            input: s.chars().take(QUOTE_MAX_CHARS).collect(),
        };
        let hex = s.strip_prefix(PREFIX).ok_or_else(format_error)?.as_bytes();
        if hex.len() != 64 {
            return Err(format_error());
        }
        let mut out = [0u8; 32];
        for (i, pair) in hex.chunks_exact(2).enumerate() {
            let hi = nibble(pair[0]).ok_or_else(format_error)?;
            let lo = nibble(pair[1]).ok_or_else(format_error)?;
            out[i] = (hi << 4) | lo;
        }
        Ok(Self(out))
    }
}

/// A lowercase hex digit's value; anything else (upper case included) is `None`.
fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Parses `sha256:<64 lowercase hex>` strictly; same as [`str::parse::<Digest>`].
///
/// Refused: bare hex, upper- or mixed-case hex, 63 or 65 digits, any whitespace or
/// trailing newline, other algorithms (`sha512:`), non-hex characters.
///
/// # Errors
///
/// [`DigestError::Format`], quoting at most the first 80 characters of `s`.
///
/// ```
/// use execsafe_digest::parse_digest;
/// let hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// assert!(parse_digest(&format!("sha256:{hex}")).is_ok());
/// assert!(parse_digest(hex).is_err());
/// assert!(parse_digest(&format!("sha256:{}", hex.to_uppercase())).is_err());
/// assert!(parse_digest(&format!("sha256:{hex}\n")).is_err());
/// ```
pub fn parse_digest(s: &str) -> Result<Digest, DigestError> {
    s.parse()
}
