//! `execsafe pin --pins FILE [NAME=]PATH...`

use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use execsafe::{hash_reader, open_binary_no_follow};
use execsafe_cli::pinfile::{self, Pin, is_valid_name};

use crate::args::PinArgs;
use crate::exit::{FAILURE, say};
use crate::pin_source::{load_pins, pins_path};

/// Hashes each program and writes the pin file atomically; prints one line per pin.
pub(crate) fn run(args: &PinArgs) -> u8 {
    match pin(args) {
        Ok(()) => 0,
        Err(msg) => {
            say(&msg);
            FAILURE
        }
    }
}

fn pin(args: &PinArgs) -> Result<(), String> {
    let file =
        pins_path(args.pins.as_deref()).ok_or("pin: --pins FILE (or EXECSAFE_PINS) is required")?;
    let mut pins = if file.exists() {
        load_pins(&file)?
    } else {
        Vec::new()
    };
    let mut lines = Vec::new();
    for spec in &args.programs {
        let (name, path) = split_spec(spec.as_bytes())?;
        let path = std::path::absolute(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let f = open_binary_no_follow(&path).map_err(|e| e.to_string())?;
        let (digest, size) =
            hash_reader(f).map_err(|e| format!("reading {}: {e}", path.display()))?;
        let sha256 = digest.to_string().trim_start_matches("sha256:").to_owned();
        lines.push(format!(
            "pinned {name} {digest} ({size} bytes) {}",
            path.display()
        ));
        pinfile::upsert(
            &mut pins,
            Pin {
                name,
                path,
                sha256,
                size,
            },
        );
    }
    let text = pinfile::render(&pins).map_err(|e| format!("{}: {e}", file.display()))?;
    write_atomically(&file, text.as_bytes())?;
    let mut out = std::io::stdout().lock();
    for l in lines {
        let _ = writeln!(out, "{l}");
    }
    Ok(())
}

/// `NAME=PATH` when the part before the first `=` is a valid name without `/`; else the
/// name is the file name of PATH.
fn split_spec(spec: &[u8]) -> Result<(String, PathBuf), String> {
    use std::ffi::OsStr;
    if let Some(eq) = spec.iter().position(|&b| b == b'=')
        && let Ok(name) = std::str::from_utf8(&spec[..eq])
        && is_valid_name(name)
    {
        return Ok((
            name.to_owned(),
            PathBuf::from(OsStr::from_bytes(&spec[eq + 1..])),
        ));
    }
    let path = PathBuf::from(OsStr::from_bytes(spec));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| is_valid_name(n))
        .ok_or_else(|| format!("{}: no usable NAME; write NAME=PATH", path.display()))?
        .to_owned();
    Ok((name, path))
}

/// Temp file (0644, `O_EXCL`) in the same dir, `fsync`, `rename` over the target.
fn write_atomically(file: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let base = file
        .file_name()
        .ok_or_else(|| format!("{}: not a file name", file.display()))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        base.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .open(&tmp)?;
        f.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644))?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, file)
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("writing {}: {e}", file.display())
    })
}
