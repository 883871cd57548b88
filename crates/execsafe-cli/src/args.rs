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
                std::process::exit(code);
            }
        }
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print the sha256 digest of each file, as `sha256:<hex>  <FILE>`.
    #[command(after_help = "Example:\n  execsafe digest /usr/bin/env\n  sha256:…  /usr/bin/env")]
    Digest(DigestArgs),
    /// Verify PROGRAM against --digest and run the verified copy with a restricted
    /// environment.
    #[command(
        after_help = "Examples:\n  execsafe run --digest \"$(execsafe digest /usr/bin/env | cut -d' ' -f1)\" -- /usr/bin/env\n  execsafe run --digest sha256:… --secret GITHUB_TOKEN -- ./collector --json\n\nExit status: the child's; 128+N if it died of signal N; 125 execsafe failed\n(arguments, verification, refused input); 126 cannot execute; 127 not found."
    )]
    Run(RunArgs),
    /// Print the environment a child would get, one KEY=VALUE per line.
    #[command(after_help = "Example:\n  execsafe env --secret GITHUB_TOKEN --env MODE=ci")]
    Env(EnvArgs),
}

#[derive(Debug, Args)]
pub(crate) struct DigestArgs {
    /// Files to hash (symlinks are refused: pin the file `run` will accept).
    #[arg(required = true)]
    pub(crate) files: Vec<PathBuf>,
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
    /// The pinned digest, sha256:<64 lowercase hex>. Required unless --no-verify.
    #[arg(long, value_name = "sha256:HEX", required_unless_present = "no_verify")]
    pub(crate) digest: Option<String>,
    /// Run without verification: restricted environment only (says so on stderr).
    #[arg(long, conflicts_with = "digest")]
    pub(crate) no_verify: bool,
    #[command(flatten)]
    pub(crate) env: EnvOptions,
    /// The child's working directory.
    #[arg(long, value_name = "DIR")]
    pub(crate) workdir: Option<PathBuf>,
    /// Where the verified copy lives: auto, memfd or tempdir.
    #[arg(long, default_value = "auto", value_parser = ExecBackend::from_str)]
    pub(crate) backend: ExecBackend,
    /// Refuse programs larger than this many bytes.
    #[arg(long, value_name = "BYTES")]
    pub(crate) max_size: Option<u64>,
    /// On stderr: backend, digest, size and the names of the variables passed.
    #[arg(short, long)]
    pub(crate) verbose: bool,
    /// The program (a path, or a name looked up in the child's PATH) and its arguments.
    #[arg(last = true, required = true, value_name = "PROGRAM [ARGS]...")]
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
