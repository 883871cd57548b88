//! What a verified binary is, on the record.

use crate::verified::VerifiedBinary;

/// What the library knows about a verified binary, for an audit record
/// ([`VerifiedBinary::evidence`]). With the `serde` feature it is `Serialize`; the field
/// names are those of the `execsafe run --evidence` records.
///
/// Paths are decoded lossily (a non-UTF-8 byte becomes U+FFFD): records are text. No
/// field holds an environment value, a secret or anything read from the file but its
/// digest and size.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Evidence {
    /// `sha256:<64 lowercase hex>`: the verified digest (equal to the pin).
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// `in-place`, `memfd` or `tempdir`.
    pub backend: String,
    /// What is executed (`/proc/self/fd/N`, a script's resolved path, or the copy).
    pub exec_path: String,
    /// The path the caller asked to verify.
    pub original_path: String,
    /// The interpreter on a `#!` line, if it is a script.
    pub interpreter: Option<String>,
    /// In place: why only root can change the bytes.
    pub in_place: Option<String>,
    /// A copy made by `Auto`: why it was not run in place.
    pub not_in_place: Option<String>,
}

impl VerifiedBinary {
    /// The record of this verified binary.
    ///
    /// ```
    /// # use execsafe_cmd::{ExecBackend, hash_reader, verified_binary_with};
    /// # let path = if std::path::Path::new("/usr/bin/true").exists() { "/usr/bin/true" } else { "/bin/true" };
    /// let pin = hash_reader(std::fs::File::open(path)?)?.0;
    /// let v = verified_binary_with(path, &pin, ExecBackend::Auto)?;
    /// let e = v.evidence();
    /// assert_eq!(e.sha256, pin.to_string());
    /// assert_eq!(e.backend, v.backend().to_string());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evidence(&self) -> Evidence {
        let lossy = |p: &std::path::Path| p.to_string_lossy().into_owned();
        Evidence {
            sha256: self.digest().to_string(),
            size: self.size(),
            backend: self.backend().to_string(),
            exec_path: lossy(self.exec_path()),
            original_path: lossy(self.original_path()),
            interpreter: self.interpreter().map(lossy),
            in_place: self.in_place_basis().map(|b| b.to_string()),
            not_in_place: self.not_in_place().map(ToString::to_string),
        }
    }
}
