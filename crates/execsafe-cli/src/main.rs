//! `execsafe` — pin, verify and run a binary with a restricted environment.
//!
//! Exit status of `run`: the child's; 128+N if it died of signal N; 125 for execsafe's own
//! failure (bad arguments, verification failure, refused input); 126 when the program
//! exists but cannot be executed; 127 when it is not found.
#![forbid(unsafe_code)]

mod args;
mod digest_cmd;
mod doctor_cmd;
mod env_cmd;
mod evidence;
mod exit;
mod pin_cmd;
mod pin_source;
mod resolve;
mod run_cmd;
mod signals;
mod verify_cmd;

fn main() -> std::process::ExitCode {
    let cli = args::Cli::parse_from_or_exit();
    // Everything a command owns (a verified copy above all) is dropped inside `run`,
    // before the process exits.
    let code = match cli.command {
        args::Command::Digest(a) => digest_cmd::run(&a),
        args::Command::Run(a) => run_cmd::run(&a, cli.verbose),
        args::Command::Env(a) => env_cmd::run(&a),
        args::Command::Pin(a) => pin_cmd::run(&a),
        args::Command::Verify(a) => verify_cmd::run(&a),
        args::Command::Doctor(a) => doctor_cmd::run(&a),
    };
    std::process::ExitCode::from(code)
}
