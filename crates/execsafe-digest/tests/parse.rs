//! Strict parsing: the Go `internal/digest` `TestParse` vectors and the hardened edges.

use execsafe_digest::{Digest, DigestError, parse_digest};

const HEX: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

#[test]
fn go_test_parse_vectors() {
    assert!(parse_digest(&format!("sha256:{HEX}")).is_ok());
    let bad = [
        String::new(),
        HEX.to_string(),                                 // no prefix
        format!("sha256:{}", HEX.to_uppercase()),        // upper case
        format!("sha256:{}E{}", &HEX[..10], &HEX[11..]), // mixed case
        format!("sha256:{}", &HEX[..63]),                // 63
        format!("sha256:{HEX}0"),                        // 65
        format!("sha512:{HEX}"),                         // other algorithm
        format!("sha256:{}g", &HEX[..63]),               // non-hex
    ];
    for s in bad {
        assert!(
            matches!(parse_digest(&s), Err(DigestError::Format { .. })),
            "{s:?} accepted"
        );
    }
}

#[test]
fn whitespace_and_case_of_prefix_are_refused() {
    for s in [
        format!(" sha256:{HEX}"),
        format!("sha256:{HEX} "),
        format!("sha256:{HEX}\n"),
        format!("SHA256:{HEX}"),
        format!("sha256: {}", &HEX[1..]),
        format!("sha256:{}é", &HEX[..62]),
    ] {
        assert!(parse_digest(&s).is_err(), "{s:?} accepted");
    }
}

#[test]
fn display_round_trips_and_bytes_agree() {
    let d: Digest = format!("sha256:{HEX}").parse().unwrap();
    assert_eq!(d.to_string(), format!("sha256:{HEX}"));
    assert_eq!(Digest::from_bytes(*d.as_bytes()), d);
    assert_eq!(d.as_bytes()[0], 0xe3);
    assert_eq!(format!("{d:?}"), format!("Digest(sha256:{HEX})"));
}

#[test]
fn errors_quote_at_most_80_chars() {
    let long = "x".repeat(10_000);
    let err = parse_digest(&long).unwrap_err();
    let DigestError::Format { input } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(input.chars().count(), 80);
    assert!(err.to_string().len() < 200);
}

#[test]
fn errors_quote_multibyte_input_without_panicking() {
    let s = "é".repeat(100);
    let DigestError::Format { input } = parse_digest(&s).unwrap_err() else {
        panic!()
    };
    assert_eq!(input.chars().count(), 80);
}
