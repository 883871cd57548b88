//! `execsafe-digest` — not yet built.
//!
//! This crate is a placeholder in the workspace layout of DESIGN.md; its issue fills it.
//! It exports nothing yet.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
