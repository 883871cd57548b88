//! `execsafe digest FILE...`

use std::io::Write;

use execsafe::{FsError, hash_reader, open_binary_no_follow};

use crate::args::DigestArgs;
use crate::exit::{report, say};

/// Prints `sha256:<hex>  <FILE>` per file (`<hex>  <FILE>` with `--sha256sum`; `-` is
/// standard input). Exit 0, or 125 (execsafe's own failure) if any file failed.
pub(crate) fn run(args: &DigestArgs) -> u8 {
    let mut failed = false;
    let stdout = std::io::stdout();
    let print = |digest: &execsafe::Digest, name: &str| {
        let text = digest.to_string();
        let shown = if args.sha256sum {
            execsafe_cli::sums::gnu_line(text.trim_start_matches("sha256:"), name)
        } else {
            format!("{text}  {name}")
        };
        let _ = writeln!(stdout.lock(), "{shown}");
    };
    for path in &args.files {
        if path.as_os_str() == "-" {
            match hash_reader(std::io::stdin().lock()) {
                Ok((digest, _)) => print(&digest, "-"),
                Err(e) => {
                    report("reading standard input", &e);
                    failed = true;
                }
            }
            continue;
        }
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
                Ok((digest, _)) => print(&digest, &path.to_string_lossy()),
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
    if failed { crate::exit::FAILURE } else { 0 }
}
