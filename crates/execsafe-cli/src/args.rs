//! Command-line arguments (clap derive).

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;
use std::str::FromStr;

use clap::{Args, Parser, Subcommand};
use execsafe::{CommandOptions, ExecBackend};

use crate::exit::FAILURE;

/// Pin, verify and run binaries: the bytes that run are the bytes whose SHA-256 you
/// pinned, and the child sees no credential you did not hand it.
#[derive(Debug, Parser)]
#[command(name = "execsafe", version, about, long_about = None)]
pub(crate) struct Cli {
    /// On stderr: what was verified, the backend, and the names of the variables passed.
    #[arg(short, long, global = true)]
    pub(crate) verbose: bool,
    #[command(subcommand)]
    pub(crate) command: Command,
}

impl Cli {
    /// Parses `std::env::args_os()`; on a usage error prints clap's message and exits
    /// with 125 (execsafe's own failure), `--help`/`--version` exit 0.
    pub(crate) fn parse_from_or_exit() -> Self {
        match Self::try_parse() {
            Ok(cli) => cli,
            Err(e) => {
                let code = if e.use_stderr() {
                    i32::from(FAILURE)
                } else {
                    0
                };
                let _ = e.print();
                let args: Vec<_> = std::env::args_os().collect();
                if e.kind() == clap::error::ErrorKind::UnknownArgument
                    && args.get(1).is_some_and(|a| a == "run")
                    && !args.iter().any(|a| a == "--")
                {
                    eprintln!(
                        "tip: the program goes after `--`: execsafe run [OPTIONS] -- PROGRAM [ARGS]..."
                    );
                }
                std::process::exit(code);
            }
        }
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print the sha256 digest of each file, as `sha256:<hex>  <FILE>`.
    #[command(
        after_help = "Examples:\n  execsafe digest /usr/bin/env\n  sha256:…  /usr/bin/env\n  execsafe digest --sha256sum tool > SHA256SUMS   # what `sha256sum -c` reads\n  curl -sL … | execsafe digest -\n\nExit status: 0 every file hashed; 125 execsafe could not hash one (refused: a symlink,\nnot a regular file; missing; unreadable)."
    )]
    Digest(DigestArgs),
    /// Verify PROGRAM against a pin and run the verified copy with a restricted
    /// environment.
    #[command(
        after_help = "Examples:\n  execsafe run --digest \"$(execsafe digest /usr/bin/env | cut -d' ' -f1)\" -- /usr/bin/env\n  execsafe run --digest sha256:… --secret GITHUB_TOKEN -- ./collector --json\n  execsafe run --pins tools.pins -- curl --version\n  execsafe run --sums SHA256SUMS -- ./tool --help\n\nThe pin: --digest, an entry of a pin file (--pins, or EXECSAFE_PINS), or PROGRAM's line\nin a sha256sum file (--sums). Nothing is read from the current directory implicitly.\n\nEvery descriptor from 3 up is closed on exec unless kept with --keep-fd N.\n\nEvidence (--evidence FILE): one JSON line per run, written with one write(2) before the\nprogram starts: time (RFC 3339 UTC), program, pin_source (digest | pins:FILE | sums:FILE\n| none), verified, sha256, size, backend, exec_path, original_path, interpreter,\nin_place / not_in_place (why), env_keys (names only, never values), kept_fds, pid,\nsupervised. A supervised run adds {time, program, pid, child_pid, exit: {code|signal}};\na refusal writes {time, program, pin_source, refused: REASON, pid}.\n\nExit status: the child's (in place and memfd: exec'd, the program's own status);\n128+N if a supervised child died of signal N; 125 execsafe failed (arguments,\nverification, refused input); 126 cannot execute; 127 not found."
    )]
    Run(RunArgs),
    /// Print the environment a child would get, one KEY=VALUE per line.
    #[command(after_help = "Example:\n  execsafe env --secret GITHUB_TOKEN --env MODE=ci")]
    Env(EnvArgs),
    /// Add or update entries of a pin file (TOML): name, path, sha256, size.
    #[command(
        after_help = "Examples:\n  execsafe pin --pins tools.pins /usr/bin/curl /usr/bin/git\n  execsafe pin --pins tools.pins bb=/usr/bin/busybox ./deploy.sh\n\nNAME defaults to the file name. The file is written atomically (temp file + rename),\nmode 0644. Symlinks and non-regular files are refused, as by `digest`.\nExit status: 0 written; 125 nothing written."
    )]
    Pin(PinArgs),
    /// Check pins without running anything: `NAME: OK` or `NAME: FAILED (reason)`.
    #[command(
        after_help = "Examples:\n  execsafe verify --pins tools.pins\n  execsafe verify --pins tools.pins curl git\n  execsafe verify --sums SHA256SUMS     # prints what `sha256sum -c` prints\n  execsafe verify --pins tools.pins --json   # {\"name\":…,\"path\":…,\"ok\":…,\"reason\":…} per line\n\nExit status: 0 all OK; 1 any FAILED; 125 the pin or sums file itself was refused."
    )]
    Verify(VerifyArgs),
    /// What holds on this host: executable memfds, procfs, Yama's `ptrace_scope`, the temp
    /// base; for each PATH, the backend `run` would use and why.
    #[command(
        after_help = "Examples:\n  execsafe doctor\n  execsafe doctor /usr/bin/curl ./deploy.sh\n  execsafe doctor --json /usr/bin/curl\n\nExit status: 0; 125 when a PATH cannot be opened safely (missing, a symlink, not a\nregular file)."
    )]
    Doctor(DoctorArgs),
}

#[derive(Debug, Args)]
pub(crate) struct DoctorArgs {
    /// One JSON object on stdout instead of lines.
    #[arg(long)]
    pub(crate) json: bool,
    /// Programs to check.
    pub(crate) paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct DigestArgs {
    /// Print plain `HEX  FILE` lines, which `sha256sum -c` accepts.
    #[arg(long)]
    pub(crate) sha256sum: bool,
    /// Files to hash (`-` = standard input). Symlinks are refused: pin the file `run`
    /// will accept.
    #[arg(required = true)]
    pub(crate) files: Vec<PathBuf>,
}

/// Where the pins come from: a pin file or a sums file.
#[derive(Debug, Args)]
#[allow(
    clippy::doc_markdown,
    reason = "field docs are clap --help text, shown without Markdown: no backticks"
)]
pub(crate) struct PinSource {
    /// A pin file (TOML, written by `execsafe pin`). Default: $EXECSAFE_PINS.
    #[arg(long, value_name = "FILE", conflicts_with = "sums")]
    pub(crate) pins: Option<PathBuf>,
    /// A sha256sum file (GNU `HEX  NAME` / `HEX *NAME`, or BSD `SHA256 (NAME) = HEX`).
    #[arg(long, value_name = "FILE")]
    pub(crate) sums: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[allow(
    clippy::doc_markdown,
    reason = "field docs are clap --help text, shown without Markdown: no backticks"
)]
pub(crate) struct PinArgs {
    /// The pin file to create or update. Default: $EXECSAFE_PINS.
    #[arg(long, value_name = "FILE")]
    pub(crate) pins: Option<PathBuf>,
    /// `[NAME=]PATH` of each program to pin.
    #[arg(required = true, value_name = "[NAME=]PATH")]
    pub(crate) programs: Vec<OsString>,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    #[command(flatten)]
    pub(crate) source: PinSource,
    /// Only these entries of the pin file (default: all, in file order).
    #[arg(value_name = "NAME", conflicts_with = "sums")]
    pub(crate) names: Vec<String>,
    /// One JSON object per entry on stdout: name, path, ok, reason (null when ok).
    #[arg(long)]
    pub(crate) json: bool,
}

/// Options shared by `run` and `env`: how the child environment is built.
#[derive(Debug, Args)]
#[allow(
    clippy::doc_markdown,
    reason = "field docs are clap --help text, shown without Markdown: no backticks"
)]
pub(crate) struct EnvOptions {
    /// Pass this variable from execsafe's own environment (repeatable). Linker and
    /// protocol names (LD_*, DYLD_*, EPACK_*, _*), variables that load code (BASH_ENV,
    /// PYTHONPATH, NODE_OPTIONS, …) and PATH are refused.
    #[arg(long = "secret", value_name = "NAME")]
    pub(crate) secrets: Vec<String>,
    /// Add KEY=VALUE after filtering (repeatable). KEY may be PATH; variables that load
    /// code (LD_PRELOAD, BASH_ENV, …) are refused.
    // Taken as raw text and split here, so that no parse error can echo a value.
    #[arg(long = "env", value_name = "KEY=VALUE", value_parser = clap::value_parser!(OsString))]
    pub(crate) env: Vec<OsString>,
    /// Pass the caller's PATH instead of the safe PATH.
    #[arg(long)]
    pub(crate) inherit_path: bool,
    /// Keep credentials in *_PROXY variables (they are stripped by default).
    #[arg(long)]
    pub(crate) keep_proxy_credentials: bool,
    /// Let --env and --secret pass variables that make the program load other code
    /// (LD_PRELOAD, BASH_ENV, PYTHONPATH, …) and PATH as a secret. The pin then no longer
    /// says everything about what runs.
    #[arg(long)]
    pub(crate) dangerously_allow_code_loading_env: bool,
}

impl EnvOptions {
    /// The library options these flags stand for (the rest at their secure defaults).
    ///
    /// # Errors
    ///
    /// A message (naming the argument's position, never its text) for an `--env` without
    /// `=` or with an empty KEY.
    pub(crate) fn command_options(&self) -> Result<CommandOptions, String> {
        let additional_env = self
            .env
            .iter()
            .enumerate()
            .map(|(i, kv)| {
                split_key_value(kv).ok_or_else(|| {
                    format!(
                        "--env #{}: expected KEY=VALUE with a non-empty KEY (the argument is not shown: it may hold a secret)",
                        i + 1
                    )
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(CommandOptions {
            inherit_path: self.inherit_path,
            strip_proxy_credentials: !self.keep_proxy_credentials,
            additional_env,
            secrets: self.secrets.clone(),
            dangerously_allow_code_loading_env: self.dangerously_allow_code_loading_env,
            ..CommandOptions::default()
        })
    }
}

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// The pinned digest, sha256:<64 lowercase hex>.
    #[arg(long, value_name = "sha256:HEX", conflicts_with_all = ["pins", "sums", "no_verify"])]
    pub(crate) digest: Option<String>,
    #[command(flatten)]
    pub(crate) source: PinSource,
    /// Run without verification: restricted environment only (says so on stderr).
    #[arg(long, conflicts_with_all = ["pins", "sums"])]
    pub(crate) no_verify: bool,
    #[command(flatten)]
    pub(crate) env: EnvOptions,
    /// The child's working directory.
    #[arg(long, value_name = "DIR")]
    pub(crate) workdir: Option<PathBuf>,
    /// How the verified program runs: auto (in place when only root can change the file,
    /// else a sealed memfd, else a temp dir), in-place, memfd or tempdir.
    #[arg(long, default_value = "auto", value_parser = ExecBackend::from_str)]
    pub(crate) backend: ExecBackend,
    /// Append a JSON record of this run to FILE (created 0600; refused when others can
    /// write it, or a symlink). Default: $EXECSAFE_EVIDENCE. See "Evidence" below.
    #[arg(long, value_name = "FILE")]
    #[allow(
        clippy::doc_markdown,
        reason = "clap --help text, shown without Markdown"
    )]
    pub(crate) evidence: Option<PathBuf>,
    /// Pass file descriptor N to the program (repeatable). Every other descriptor from 3
    /// up is closed on exec, as sudo does; N must be open.
    #[arg(long = "keep-fd", value_name = "N")]
    pub(crate) keep_fds: Vec<i32>,
    /// Refuse programs larger than this many bytes.
    #[arg(long, value_name = "BYTES")]
    pub(crate) max_size: Option<u64>,
    /// After `--`: the program (a path, a name looked up in the child's PATH, or with
    /// --pins the entry's NAME) and its arguments.
    #[arg(last = true, required = true, value_name = "PROGRAM")]
    pub(crate) command: Vec<OsString>,
}

#[derive(Debug, Args)]
pub(crate) struct EnvArgs {
    #[command(flatten)]
    pub(crate) env: EnvOptions,
    /// Print secret values instead of `<redacted>`.
    #[arg(long)]
    pub(crate) show_secrets: bool,
}

/// `KEY=VALUE` split at the first `=` (bytes: values need not be UTF-8); `None` without
/// `=` or with an empty KEY. The key is checked later (named in the error).
fn split_key_value(kv: &OsStr) -> Option<(OsString, OsString)> {
    use std::os::unix::ffi::OsStrExt;
    let bytes = kv.as_bytes();
    let eq = bytes.iter().position(|&b| b == b'=').filter(|&i| i > 0)?;
    Some((
        OsStr::from_bytes(&bytes[..eq]).to_owned(),
        OsStr::from_bytes(&bytes[eq + 1..]).to_owned(),
    ))
}
