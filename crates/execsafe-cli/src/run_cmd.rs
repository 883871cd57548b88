//! `execsafe run [OPTIONS] -- PROGRAM [ARGS]...`

use std::io;
use std::os::unix::process::ExitStatusExt;

use execsafe::{CommandOptions, Error, FsError, RestrictedCommand, safe_path};

use crate::args::RunArgs;
use crate::exit::{CANNOT_EXECUTE, FAILURE, NOT_FOUND, report, say};
use crate::resolve::resolve;
use crate::signals;

/// Verifies and runs; returns the exit status to use. The command (and with it the
/// verified copy) is dropped before this returns, whatever the child did.
pub(crate) fn run(args: &RunArgs) -> u8 {
    let Some((program, child_args)) = args.command.split_first() else {
        say("run: missing PROGRAM");
        return FAILURE;
    };
    let opts = CommandOptions {
        work_dir: args.workdir.clone(),
        backend: args.backend,
        max_size: args.max_size,
        ..args.env.command_options()
    };
    let search_path = if opts.inherit_path {
        std::env::var_os("PATH").unwrap_or_else(|| safe_path().into())
    } else {
        safe_path().into()
    };
    let Some(path) = resolve(program, &search_path) else {
        say(&format!("{}: not found in PATH", program.to_string_lossy()));
        return NOT_FOUND;
    };
    let built = if let Some(digest) = &args.digest {
        RestrictedCommand::new_verified(&path, digest, child_args, &opts)
    } else {
        say(&format!(
            "warning: --no-verify: running {} WITHOUT digest verification (restricted environment only)",
            path.display()
        ));
        RestrictedCommand::new(&path, child_args, &opts)
    };
    let cmd = match built {
        Ok(cmd) => cmd,
        Err(e) => return build_failure(&e),
    };
    if args.verbose {
        verbose(&cmd);
    }
    let installed = signals::install();
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            report(&format!("executing {}", path.display()), &e);
            return if e.kind() == io::ErrorKind::NotFound {
                NOT_FOUND
            } else {
                CANNOT_EXECUTE
            };
        }
    };
    let forwarder = installed.map(|i| i.forward_to(&child));
    let status = child.wait();
    drop(forwarder);
    drop(cmd); // removes the verified copy
    match status {
        Ok(st) => match (st.code(), st.signal()) {
            (Some(code), _) => u8::try_from(code).unwrap_or(FAILURE),
            (None, Some(sig)) => u8::try_from(128 + sig).unwrap_or(FAILURE),
            (None, None) => FAILURE,
        },
        Err(e) => {
            report("waiting for the child", &e);
            FAILURE
        }
    }
}

/// Maps a construction error to an exit status, after printing it.
fn build_failure(e: &Error) -> u8 {
    report("run", e);
    match e {
        Error::Open(FsError::NotFound { .. }) => NOT_FOUND,
        _ => FAILURE,
    }
}

fn verbose(cmd: &RestrictedCommand) {
    if let Some(v) = cmd.verified() {
        say(&format!(
            "verified {} ({} bytes, {}), running from {} backend {}",
            v.original_path().display(),
            v.size(),
            v.digest(),
            v.exec_path().display(),
            v.backend()
        ));
    }
    let keys: Vec<_> = cmd.env().iter().map(|(k, _)| k.to_string_lossy()).collect();
    say(&format!("child environment keys: {}", keys.join(" ")));
}
