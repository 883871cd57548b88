//! Helpers shared by the execsafe test suites: scratch dirs, re-running a test in a child
//! process (as uid 65534, or with its own environment), `noexec` mounts, and attackers as
//! real second processes. A dev-dependency only; never published.
#![forbid(unsafe_code)]
#![allow(
    missing_docs,
    clippy::missing_panics_doc,
    reason = "test helpers: they panic on purpose, with messages, when a setup step fails"
)]

pub mod attack;
pub mod noexec;
pub mod rerun;
pub mod scratch;
pub mod unprivileged;
