//! Safe names for the verified copy.

use std::path::Path;

/// The name used when the original's basename is not safe to reuse.
pub(crate) const FALLBACK_NAME: &str = "binary";

/// The original's basename when it is a plain, printable name (`[A-Za-z0-9._+-]`, at
/// most 200 bytes, not `.`/`..`, not starting with `-` or `.`), else `"binary"`.
///
/// Keeping the basename matters to programs that look at their own file name; `.`, `..`,
/// `/` or control characters would break or redirect the copy (Go joined `..` as is).
pub(crate) fn copy_name(original: &Path) -> &str {
    original
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| {
            !n.is_empty()
                && n.len() <= 200
                && !n.starts_with(['-', '.'])
                && n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'+' | b'-'))
        })
        .unwrap_or(FALLBACK_NAME)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_basenames_get_a_fixed_name() {
        for (p, want) in [
            ("/usr/bin/true", "true"),
            ("tool-1.2_x+y", "tool-1.2_x+y"),
            ("/a/..", FALLBACK_NAME),
            (".", FALLBACK_NAME),
            ("/", FALLBACK_NAME),
            ("/a/.hidden", FALLBACK_NAME),
            ("/a/-rf", FALLBACK_NAME),
            ("/a/sp ace", FALLBACK_NAME),
            ("/a/new\nline", FALLBACK_NAME),
            ("/a/ünï", FALLBACK_NAME),
        ] {
            assert_eq!(copy_name(Path::new(p)), want, "{p:?}");
        }
        assert_eq!(copy_name(Path::new(&"x".repeat(201))), FALLBACK_NAME);
    }
}
