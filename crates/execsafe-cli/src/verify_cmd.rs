//! `execsafe verify --pins FILE [NAME...]` and `execsafe verify --sums FILE`.

use std::io::Write;
use std::path::Path;

use execsafe::{hash_reader, open_binary_no_follow};

use crate::args::VerifyArgs;
use crate::exit::{FAILURE, say};
use crate::pin_source::{load_pins, load_sums, pins_path, sums_path};

/// One entry's result as a JSON line (`--json`).
fn json_line(out: &mut impl Write, name: &str, path: &Path, reason: Option<&str>) {
    let line = serde_json::json!({
        "name": name,
        "path": path.to_string_lossy(),
        "ok": reason.is_none(),
        "reason": reason,
    });
    let _ = writeln!(out, "{line}");
}

pub(crate) fn run(args: &VerifyArgs) -> u8 {
    if let Some(sums) = &args.source.sums {
        return verify_sums(sums, args.json);
    }
    let Some(file) = pins_path(args.source.pins.as_deref()) else {
        say("verify: --pins FILE, EXECSAFE_PINS or --sums FILE is required");
        return FAILURE;
    };
    let pins = match load_pins(&file) {
        Ok(p) => p,
        Err(msg) => {
            say(&msg);
            return FAILURE;
        }
    };
    if let Some(missing) = args
        .names
        .iter()
        .find(|n| !pins.iter().any(|p| &p.name == *n))
    {
        say(&format!("{missing}: no such pin in {}", file.display()));
        return FAILURE;
    }
    let mut out = std::io::stdout().lock();
    let mut failed = false;
    for p in pins
        .iter()
        .filter(|p| args.names.is_empty() || args.names.contains(&p.name))
    {
        let result = check(&p.path, &p.digest(), Some(p.size));
        failed |= result.is_err();
        if args.json {
            json_line(
                &mut out,
                &p.name,
                &p.path,
                result.as_ref().err().map(String::as_str),
            );
            continue;
        }
        let line = match result {
            Ok(()) => format!("{}: OK", p.name),
            Err(reason) => format!("{}: FAILED ({reason})", p.name),
        };
        let _ = writeln!(out, "{line}");
    }
    u8::from(failed)
}

/// `Ok` when `path` is a regular file of `size` bytes (if given) hashing to `digest`.
fn check(path: &Path, digest: &str, size: Option<u64>) -> Result<(), String> {
    let f = open_binary_no_follow(path).map_err(|e| e.to_string())?;
    let len = f.metadata().map_err(|e| e.to_string())?.len();
    if let Some(want) = size.filter(|&w| w != len) {
        return Err(format!("size {len}, pinned {want}"));
    }
    let (got, _) = hash_reader(f).map_err(|e| format!("reading: {e}"))?;
    if got.to_string() == digest {
        Ok(())
    } else {
        Err("digest mismatch".into())
    }
}

/// Prints what `sha256sum -c FILE` prints on stdout (`NAME: OK`, `NAME: FAILED`,
/// `NAME: FAILED open or read`) and its warnings on stderr; exit 0 or 1 as it does.
fn verify_sums(file: &Path, json: bool) -> u8 {
    let lines = match load_sums(file) {
        Ok(l) => l,
        Err(msg) => {
            say(&msg);
            return FAILURE;
        }
    };
    let (mut mismatched, mut unreadable) = (0, 0);
    let mut out = std::io::stdout().lock();
    for l in &lines {
        let path = sums_path(&l.name);
        let (status, reason) = match open_binary_no_follow(&path) {
            Err(e) => {
                say(&e.to_string());
                unreadable += 1;
                ("FAILED open or read", Some(e.to_string()))
            }
            Ok(f) => match hash_reader(f) {
                Ok((d, _)) if d.to_string() == l.digest() => ("OK", None),
                Ok(_) => {
                    mismatched += 1;
                    ("FAILED", Some("digest mismatch".to_owned()))
                }
                Err(e) => {
                    say(&format!("{}: {e}", l.name));
                    unreadable += 1;
                    ("FAILED open or read", Some(format!("reading: {e}")))
                }
            },
        };
        if json {
            json_line(&mut out, &l.name, &path, reason.as_deref());
        } else {
            let _ = writeln!(out, "{}: {status}", l.name);
        }
    }
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            one.to_owned()
        } else {
            many.to_owned()
        }
    };
    if unreadable > 0 {
        say(&format!(
            "WARNING: {unreadable} listed {} could not be read",
            plural(unreadable, "file", "files")
        ));
    }
    if mismatched > 0 {
        say(&format!(
            "WARNING: {mismatched} computed {} did NOT match",
            plural(mismatched, "checksum", "checksums")
        ));
    }
    u8::from(mismatched + unreadable > 0)
}
