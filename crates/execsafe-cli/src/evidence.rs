//! `run --evidence FILE`: one JSON line per run, appended with one `write(2)`.

use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use rustix::fs::{CWD, FileType, Mode, OFlags};
use serde::Serialize;

/// An evidence file, open for appending.
pub(crate) struct EvidenceLog {
    fd: OwnedFd,
    path: PathBuf,
}

impl EvidenceLog {
    /// `--evidence FILE`, else `$EXECSAFE_EVIDENCE` (non-empty).
    pub(crate) fn path(arg: Option<&Path>) -> Option<PathBuf> {
        crate::pin_source::arg_or_env(arg, "EXECSAFE_EVIDENCE")
    }

    /// Opens (creating it 0600) `path` for appending, refused like a loose pin file.
    ///
    /// Syscalls: `openat(AT_FDCWD, path, O_WRONLY|O_APPEND|O_CREAT|O_NOFOLLOW|O_CLOEXEC|
    /// O_NONBLOCK, 0600)` (a symlink is `ELOOP`, a FIFO does not block), then `fstat`: a
    /// regular file owned by the euid or root, not group- or other-writable.
    pub(crate) fn open(path: &Path) -> Result<Self, String> {
        let flags = OFlags::WRONLY
            | OFlags::APPEND
            | OFlags::CREATE
            | OFlags::NOFOLLOW
            | OFlags::CLOEXEC
            | OFlags::NONBLOCK;
        let shown = path.display();
        let fd = rustix::fs::openat(CWD, path, flags, Mode::from_raw_mode(0o600)).map_err(|e| {
            if e == rustix::io::Errno::LOOP {
                format!("evidence file {shown}: refusing a symlink")
            } else {
                format!("evidence file {shown}: {}", std::io::Error::from(e))
            }
        })?;
        let st =
            rustix::fs::fstat(&fd).map_err(|e| format!("fstat of evidence file {shown}: {e}"))?;
        if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
            return Err(format!("evidence file {shown}: not a regular file"));
        }
        #[allow(clippy::useless_conversion, reason = "st_mode is u16 on macOS")]
        let mode = u32::from(st.st_mode);
        crate::pin_source::strict_modes(path, st.st_uid, mode)
            .map_err(|e| format!("evidence file {e}"))?;
        Ok(Self {
            fd,
            path: path.into(),
        })
    }

    /// Appends `record` as one line with a single `write(2)`: with `O_APPEND` the kernel
    /// places it at the end atomically, so concurrent runs never interleave.
    pub(crate) fn append(&self, record: &impl Serialize) -> Result<(), String> {
        let mut line = serde_json::to_vec(record)
            .map_err(|e| format!("evidence record for {}: {e}", self.path.display()))?;
        line.push(b'\n');
        match rustix::io::write(&self.fd, &line) {
            Ok(n) if n == line.len() => Ok(()),
            Ok(n) => Err(format!(
                "evidence file {}: short write ({n} of {} bytes)",
                self.path.display(),
                line.len()
            )),
            Err(e) => Err(format!(
                "writing evidence file {}: {e}",
                self.path.display()
            )),
        }
    }
}

/// Now as RFC 3339 UTC with seconds (`2026-12-04T21:30:00Z`).
pub(crate) fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

/// Seconds since the epoch as RFC 3339 UTC (the proleptic Gregorian calendar; Howard
/// Hinnant's `civil_from_days`).
#[allow(
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::cast_possible_truncation,
    reason = "day counts and calendar fields are small"
)]
fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_709_164_799), "2024-02-28T23:59:59Z");
        assert_eq!(rfc3339(1_709_251_200), "2024-03-01T00:00:00Z");
        assert_eq!(rfc3339(4_102_444_800), "2100-01-01T00:00:00Z");
        // `date -u -d @1796420000 +%FT%TZ`
        assert_eq!(rfc3339(1_796_420_000), "2026-12-04T21:33:20Z");
    }
}

/// The records of one `execsafe run`, written when an evidence file was asked for.
pub(crate) struct Recorder {
    log: Option<EvidenceLog>,
    program: String,
    /// `digest`, `pins:<file>`, `sums:<file>` or `none`, once known.
    pub(crate) pin_source: Option<String>,
}

#[derive(Serialize)]
struct Started<'a> {
    time: String,
    program: &'a str,
    pin_source: Option<&'a str>,
    verified: bool,
    #[serde(flatten)]
    evidence: Option<execsafe::Evidence>,
    env_keys: Vec<String>,
    kept_fds: &'a [i32],
    pid: u32,
    supervised: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "lowercase")]
enum Exit {
    Code(i32),
    Signal(i32),
}

#[derive(Serialize)]
struct Exited<'a> {
    time: String,
    program: &'a str,
    pid: u32,
    child_pid: u32,
    exit: Exit,
}

#[derive(Serialize)]
#[allow(
    clippy::struct_field_names,
    reason = "`refused` is the record's field name"
)]
struct Refused<'a> {
    time: String,
    program: &'a str,
    pin_source: Option<&'a str>,
    refused: &'a str,
    pid: u32,
}

impl Recorder {
    /// Opens the evidence file of `--evidence` / `EXECSAFE_EVIDENCE`, if any.
    pub(crate) fn open(
        args: &crate::args::RunArgs,
        program: &std::ffi::OsStr,
    ) -> Result<Self, String> {
        let log = EvidenceLog::path(args.evidence.as_deref())
            .map(|p| EvidenceLog::open(&p))
            .transpose()?;
        Ok(Self {
            log,
            program: program.to_string_lossy().into_owned(),
            pin_source: None,
        })
    }

    fn write(&self, record: &impl Serialize) -> Result<(), String> {
        self.log.as_ref().map_or(Ok(()), |l| l.append(record))
    }

    /// Says `why`, records the refusal, returns `code`.
    pub(crate) fn refused(&self, code: u8, why: &str) -> u8 {
        crate::exit::say(why);
        self.recorded(code, why)
    }

    /// Records a refusal already reported on stderr; returns `code`.
    pub(crate) fn recorded(&self, code: u8, why: &str) -> u8 {
        let record = Refused {
            time: now_rfc3339(),
            program: &self.program,
            pin_source: self.pin_source.as_deref(),
            refused: why,
            pid: std::process::id(),
        };
        if let Err(e) = self.write(&record) {
            crate::exit::say(&e);
        }
        code
    }

    /// The record written before the program starts. An evidence file that cannot be
    /// written is an error: nothing runs without its record.
    pub(crate) fn started(
        &self,
        cmd: &execsafe::RestrictedCommand,
        kept_fds: &[i32],
        supervised: bool,
    ) -> Result<(), String> {
        let record = Started {
            time: now_rfc3339(),
            program: &self.program,
            pin_source: self.pin_source.as_deref(),
            verified: cmd.verified().is_some(),
            evidence: cmd.verified().map(execsafe::VerifiedBinary::evidence),
            env_keys: cmd
                .env()
                .iter()
                .map(|(k, _)| k.to_string_lossy().into_owned())
                .collect(),
            kept_fds,
            pid: std::process::id(),
            supervised,
        };
        self.write(&record)
    }

    /// The second record of a supervised run.
    pub(crate) fn exited(&self, child_pid: u32, status: std::process::ExitStatus) {
        use std::os::unix::process::ExitStatusExt;
        let exit = match (status.code(), status.signal()) {
            (Some(c), _) => Exit::Code(c),
            (None, Some(s)) => Exit::Signal(s),
            (None, None) => Exit::Code(-1),
        };
        let record = Exited {
            time: now_rfc3339(),
            program: &self.program,
            pid: std::process::id(),
            child_pid,
            exit,
        };
        if let Err(e) = self.write(&record) {
            crate::exit::say(&e);
        }
    }
}
