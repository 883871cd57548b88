//! Portable reads of `struct stat` fields, whose types differ between Unixes
//! (`st_mode` is `u16` and `st_dev` is `i32` on macOS, `u32`/`u64` on Linux).

use rustix::fs::Stat;

/// `st_mode` as `u32`.
#[allow(clippy::useless_conversion, reason = "u16 on macOS, u32 on Linux")]
pub(crate) fn mode(st: &Stat) -> u32 {
    u32::from(st.st_mode)
}

/// `st_dev` as `u64` (its bits are the identity; the sign does not matter).
#[allow(
    clippy::useless_conversion,
    clippy::cast_sign_loss,
    clippy::cast_lossless,
    clippy::unnecessary_cast,
    reason = "i32 on macOS, u64 on Linux"
)]
pub(crate) fn dev(st: &Stat) -> u64 {
    st.st_dev as u64
}

/// `st_ino` as `u64`.
#[allow(
    clippy::useless_conversion,
    reason = "u64 everywhere we build, kept for symmetry"
)]
pub(crate) fn ino(st: &Stat) -> u64 {
    u64::from(st.st_ino)
}

/// Permission bits as a `Mode` (`mode_t` is `u16` on macOS).
#[allow(
    clippy::useless_conversion,
    clippy::unnecessary_fallible_conversions,
    reason = "u16 on macOS, u32 on Linux"
)]
pub(crate) fn to_mode(bits: u32) -> rustix::fs::Mode {
    let raw = rustix::fs::RawMode::try_from(bits & 0o7777).unwrap_or(0);
    rustix::fs::Mode::from_raw_mode(raw)
}

/// A full `st_mode` value (type and permission bits) as `RawMode`.
#[allow(
    clippy::cast_possible_truncation,
    clippy::unnecessary_cast,
    reason = "RawMode is u16 on macOS (S_IFMT fits), u32 on Linux"
)]
pub(crate) fn raw_mode(mode: u32) -> rustix::fs::RawMode {
    mode as rustix::fs::RawMode
}

/// `st_mtime` in seconds (`i64` on Linux, `time_t` elsewhere; `u64` in the raw Linux ABI).
#[allow(
    clippy::useless_conversion,
    clippy::cast_possible_wrap,
    clippy::unnecessary_cast,
    reason = "the field's type differs between targets"
)]
pub(crate) fn mtime_secs(st: &Stat) -> i64 {
    st.st_mtime as i64
}
