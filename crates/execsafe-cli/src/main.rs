//! The `execsafe` command — not yet built (see the CLI issue).
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(125);
}
