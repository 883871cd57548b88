//! `execsafe digest FILE...`

use std::io::Write;

use execsafe::{FsError, hash_reader, open_binary_no_follow};

use crate::args::DigestArgs;
use crate::exit::{report, say};

/// Prints `sha256:<hex>  <FILE>` per file. Exit 0, or 1 if any file failed.
pub(crate) fn run(args: &DigestArgs) -> u8 {
    let mut failed = false;
    let stdout = std::io::stdout();
    for path in &args.files {
        let result = open_binary_no_follow(path).map_err(|e| {
            if matches!(e, FsError::Symlink { .. })
                && let Ok(target) = std::fs::canonicalize(path)
            {
                say(&format!(
                    "{}: refusing to hash a symlink; `run` refuses it too: pin its target {}",
                    path.display(),
                    target.display()
                ));
                return None;
            }
            Some(e)
        });
        match result {
            Ok(file) => match hash_reader(file) {
                Ok((digest, _)) => {
                    let _ = writeln!(stdout.lock(), "{digest}  {}", path.display());
                }
                Err(e) => {
                    report(&format!("reading {}", path.display()), &e);
                    failed = true;
                }
            },
            Err(Some(e)) => {
                report("digest", &e);
                failed = true;
            }
            Err(None) => failed = true,
        }
    }
    u8::from(failed)
}
