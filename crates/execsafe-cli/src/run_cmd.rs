//! `execsafe run [OPTIONS] -- PROGRAM [ARGS]...`

use std::ffi::OsStr;
use std::io;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::ExitStatus;

use execsafe::{CommandOptions, Error, FsError, RestrictedCommand, missing_secrets, safe_path};

use execsafe_cli::sums::find;

use crate::args::RunArgs;
use crate::evidence::Recorder;
use crate::exit::{CANNOT_EXECUTE, FAILURE, NOT_FOUND, chain, report, say};
use crate::pin_source::{load_pins, load_sums, pins_path, sums_path};
use crate::resolve::resolve;
use crate::signals;

/// Verifies and runs; returns the exit status to use (or does not return: exec in place).
///
/// 1. execsafe hardens itself (`harden_process`): non-dumpable, so no process of the same
///    user — the child included — can read `/proc/<pid>/environ` (the credentials
///    execsafe was given) or attach to it; and every inherited descriptor from 3 up is
///    close-on-exec except those kept with `--keep-fd` (each must be open).
/// 2. Signal handlers go in before verification: a SIGTERM while a large binary is
///    copied is honoured after the copy is removed, never by dying with a copy on disk.
/// 3. When nothing needs cleaning up (in place, a memfd copy — scripts included — or
///    `--no-verify`), execsafe replaces itself with the program (`execve`: same PID, the
///    program's signals and exit status). Otherwise (a temp-dir copy: `--backend
///    tempdir`, no executable memfd or no procfs) it spawns,
///    forwards signals, waits, and removes the copy; an ELF copy is removed as soon as the
///    child has exec'd it.
pub(crate) fn run(args: &RunArgs, verbose_flag: bool) -> u8 {
    let Some((program, child_args)) = args.command.split_first() else {
        say("run: missing PROGRAM");
        return FAILURE;
    };
    let mut rec = match Recorder::open(args, program) {
        Ok(r) => r,
        Err(msg) => {
            say(&msg); // nothing can be recorded, nothing runs
            return FAILURE;
        }
    };
    let opts = match args.env.command_options() {
        Ok(o) => CommandOptions {
            work_dir: args.workdir.clone(),
            backend: args.backend,
            max_size: args.max_size,
            ..o
        },
        Err(msg) => return rec.refused(FAILURE, &msg),
    };
    if let Err((code, msg)) = harden(&args.keep_fds) {
        return rec.refused(code, &msg);
    }
    let (path, pin, source) = match pinned(args, program, &opts) {
        Ok(found) => found,
        Err((code, msg)) => return rec.refused(code, &msg),
    };
    rec.pin_source = Some(source);
    for name in missing_secrets(&opts, std::env::vars_os()) {
        say(&format!(
            "note: --secret {name} is unset or empty; not passed"
        ));
    }
    let mut installed = signals::install();
    let built = if let Some(digest) = &pin {
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
        Err(e) => return rec.refused(build_failure(&e), &format!("run: {}", chain(&e))),
    };
    if verbose_flag {
        verbose(&cmd);
    }
    if let Some(sig) = installed.as_mut().and_then(signals::Installed::pending) {
        drop(cmd); // removes the verified copy
        return rec.refused(
            u8::try_from(128 + sig).unwrap_or(FAILURE),
            &format!("signal {sig} before the program started"),
        );
    }
    let supervised = !cmd.can_exec_in_place();
    if let Err(msg) = rec.started(&cmd, &args.keep_fds, supervised) {
        drop(cmd);
        return rec.refused(FAILURE, &msg);
    }
    if !supervised {
        let e = cmd.exec_in_place();
        report("exec", &e);
        return rec.recorded(spawn_failure(&e), &format!("exec: {}", chain(&e)));
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            report("spawn", &e);
            return rec.recorded(spawn_failure(&e), &format!("spawn: {}", chain(&e)));
        }
    };
    // The child has exec'd: an ELF copy may go now (a script's is held by `child`).
    drop(cmd);
    let forwarder = installed.map(|i| i.forward_to(&child));
    let status = child.wait();
    drop(forwarder);
    let child_pid = child.id();
    drop(child); // releases a script's copy
    match status {
        Ok(st) => {
            rec.exited(child_pid, st);
            exit_code(st)
        }
        Err(e) => {
            report("waiting for the child", &e);
            FAILURE
        }
    }
}

/// Refuses a `--keep-fd` that is not open (naming it), then `harden_process(keep)`:
/// `/proc/<pid>/environ` (and `mem`, `fd/`) become root-owned and closed to every process
/// of the same user, and only the kept fds survive `execve`. The program gets a fresh
/// dumpable state at `execve`.
fn harden(keep: &[i32]) -> Result<(), (u8, String)> {
    let open = execsafe::open_fds(0);
    if let Some(fd) = keep.iter().find(|fd| !open.contains(fd)) {
        return Err((
            FAILURE,
            format!("run: --keep-fd {fd}: file descriptor {fd} is not open"),
        ));
    }
    execsafe::harden_process(keep).map_err(|e| {
        (
            FAILURE,
            format!("harden_process (prctl(PR_SET_DUMPABLE, 0)): {}", chain(&e)),
        )
    })
}

/// The program's path, its pin (`None` with `--no-verify`) and where the pin came from
/// (`digest`, `pins:<file>`, `sums:<file>`, `none`), from `--digest`, a pin file (`--pins`
/// / `EXECSAFE_PINS`) or a sums file; `Err((exit status, why))`.
fn pinned(
    args: &RunArgs,
    program: &OsStr,
    opts: &CommandOptions,
) -> Result<(PathBuf, Option<String>, String), (u8, String)> {
    let fail = |msg: String| (FAILURE, msg);
    let name = program.to_string_lossy();
    if let Some(sums) = &args.source.sums {
        let lines = load_sums(sums).map_err(fail)?;
        let line = find(&lines, &name).map_err(|n| {
            fail(format!(
                "{name}: {n} lines in {} name it (need exactly one)",
                sums.display()
            ))
        })?;
        let source = format!("sums:{}", sums.display());
        return Ok((sums_path(&line.name), Some(line.digest()), source));
    }
    let explicit = args.digest.is_some() || args.no_verify;
    if let Some(file) = pins_path(args.source.pins.as_deref()).filter(|_| !explicit) {
        let pins = load_pins(&file).map_err(fail)?;
        let pin = pins
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| fail(format!("{name}: no such pin in {}", file.display())))?;
        // Refused before a byte is hashed: the file is not the one pinned.
        // (A missing or unreadable file is left to the verification, which names it.)
        let len = std::fs::symlink_metadata(&pin.path).map(|m| m.len()).ok();
        if let Some(len) = len.filter(|&l| l != pin.size) {
            return Err(fail(format!(
                "{name}: {} is {len} bytes, pinned at {}; refusing before hashing",
                pin.path.display(),
                pin.size
            )));
        }
        let source = format!("pins:{}", file.display());
        return Ok((pin.path.clone(), Some(pin.digest()), source));
    }
    if !explicit {
        return Err(fail(
            "run: a pin is needed: --digest, --pins FILE (or EXECSAFE_PINS), --sums FILE, or --no-verify"
                .into(),
        ));
    }
    let search_path = if opts.inherit_path {
        std::env::var_os("PATH").unwrap_or_else(|| safe_path().into())
    } else {
        safe_path().into()
    };
    let Some(path) = resolve(program, &search_path) else {
        return Err((NOT_FOUND, format!("{name}: not found in PATH")));
    };
    let source = if args.digest.is_some() {
        "digest"
    } else {
        "none"
    };
    Ok((path, args.digest.clone(), source.into()))
}

fn exit_code(st: ExitStatus) -> u8 {
    match (st.code(), st.signal()) {
        (Some(code), _) => u8::try_from(code).unwrap_or(FAILURE),
        (None, Some(sig)) => u8::try_from(128 + sig).unwrap_or(FAILURE),
        (None, None) => FAILURE,
    }
}

fn spawn_failure(e: &io::Error) -> u8 {
    if e.kind() == io::ErrorKind::NotFound {
        NOT_FOUND
    } else {
        CANNOT_EXECUTE
    }
}

/// Maps a construction error to an exit status.
fn build_failure(e: &Error) -> u8 {
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
        if let Some(basis) = v.in_place_basis() {
            say(&format!("in place: {basis}"));
        }
        if let Some(why) = v.not_in_place() {
            say(&format!("not in place: {why}"));
        }
        if let Some(interp) = v.interpreter() {
            say(&format!(
                "interpreter {} (not verified; trusted like a system library): {}",
                interp.display(),
                interpreter_trust(interp)
            ));
        }
    }
    let keys: Vec<_> = cmd.env().iter().map(|(k, _)| k.to_string_lossy()).collect();
    say(&format!("child environment keys: {}", keys.join(" ")));
}

/// Whether only root can change a script's interpreter (it is not verified).
fn interpreter_trust(interp: &std::path::Path) -> String {
    let resolved = std::fs::canonicalize(interp).unwrap_or_else(|_| interp.into());
    match execsafe::open_binary_no_follow(&resolved) {
        Ok(f) => match execsafe::in_place_check(&f) {
            Ok(basis) => format!("only root can change it ({basis})"),
            Err(why) => format!("NOT only root can change it: {why}"),
        },
        Err(e) => format!("cannot be checked: {e}"),
    }
}
