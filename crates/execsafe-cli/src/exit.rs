//! Exit statuses (the conventions of `env`, `chroot`, `timeout`) and error printing.

/// execsafe itself failed: arguments, verification, refused input.
pub(crate) const FAILURE: u8 = 125;
/// The program exists but cannot be executed.
pub(crate) const CANNOT_EXECUTE: u8 = 126;
/// The program was not found.
pub(crate) const NOT_FOUND: u8 = 127;

/// `<error>: <cause>: …` on one line.
pub(crate) fn chain(err: &dyn std::error::Error) -> String {
    let mut line = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        line.push_str(": ");
        line.push_str(&s.to_string());
        source = s.source();
    }
    line.replace('\n', " ")
}

/// Prints `execsafe: <what>: <error>: <cause>: …` on one line of stderr.
pub(crate) fn report(what: &str, err: &dyn std::error::Error) {
    eprintln!("execsafe: {what}: {}", chain(err));
}

/// Prints `execsafe: <message>`.
pub(crate) fn say(message: &str) {
    eprintln!("execsafe: {message}");
}
