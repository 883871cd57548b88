//! Nothing here: the figures are the `figures` bench target (`cargo xtask bench`). A
//! crate of its own keeps the measuring code out of the facade, which holds only
//! re-exports.
#![forbid(unsafe_code)]
