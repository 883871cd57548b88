//! Invariants of the CLI's file formats, of the `pin_files` fuzz target.

use std::path::Path;

use execsafe_cli::{pinfile, sums};

/// Pin-file and sums-file parsers never panic; what parses round-trips through the
/// writers (`pinfile::render`, `sums::gnu_line`) to the same entries.
pub fn pin_files(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = Path::new("fuzz.pins");
    if let Ok(pins) = pinfile::parse(text, file) {
        // A path that is not valid TOML text (not UTF-8) cannot come out of a TOML parse.
        let written = pinfile::render(&pins).expect("parsed pins render");
        let again = pinfile::parse(&written, file)
            .unwrap_or_else(|e| panic!("rendered pins do not parse: {e}\n{written}"));
        assert_eq!(again, pins, "pin round trip");
    }
    if let Ok(lines) = sums::parse(text, file) {
        let written: String = lines
            .iter()
            .map(|l| sums::gnu_line(&l.sha256, &l.name) + "\n")
            .collect();
        let again = sums::parse(&written, file)
            .unwrap_or_else(|e| panic!("rendered sums do not parse: {e}\n{written:?}"));
        let pairs = |v: &[sums::SumLine]| {
            v.iter()
                .map(|l| (l.name.clone(), l.sha256.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(pairs(&again), pairs(&lines), "sums round trip");
        for l in &lines {
            assert!(
                l.sha256.len() == 64
                    && l.sha256
                        .bytes()
                        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            );
        }
    }
}
