//! Whether a file may run **in place** — from the fd that was hashed, with no copy —
//! because no process that is not root can change its bytes.
//!
//! The rule (all of it, checked on the held fd, never on a path):
//!
//! * a regular file, executable by the caller, on a mount that is not `noexec`;
//! * on a **local** filesystem: `fstatfs` `f_type` in [`LOCAL_FILESYSTEMS`] — never FUSE,
//!   NFS, CIFS/SMB, 9p, ceph or anything unknown, whose server may serve other bytes on
//!   the next read;
//! * and one of: owned by uid 0 with no group/other write bit (with POSIX ACLs the group
//!   bits are the ACL mask, so no ACL entry can grant write either); `FS_IMMUTABLE_FL`
//!   set; fs-verity enabled.
//!
//! The decision is a pure function of [`InPlaceFacts`] so that every branch — fs-verity
//! included, which this project's CI kernel lacks — is unit-tested.

use std::fmt;
use std::fs::File;

/// Why a file may run in place: who alone can change its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InPlace {
    /// Owned by root, writable by nobody else.
    RootOwned,
    /// `FS_IMMUTABLE_FL` (`chattr +i`): nobody can write it until root clears the flag.
    Immutable,
    /// fs-verity: every read is checked against a Merkle tree; the bytes cannot change.
    Verity,
}

impl fmt::Display for InPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::RootOwned => "owned by root and writable by nobody else",
            Self::Immutable => "immutable (chattr +i)",
            Self::Verity => "fs-verity protected",
        })
    }
}

/// Why a file may **not** run in place. `Display` names the fact.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotInPlace {
    /// Owned by a user other than root (and neither immutable nor fs-verity).
    Owner {
        /// The owner.
        uid: u32,
    },
    /// Group write bit set (or an ACL mask that grants write).
    GroupWritable,
    /// World write bit set.
    OtherWritable,
    /// A filesystem whose server or driver may serve other bytes on the next read.
    Filesystem {
        /// Its name, or `"unknown"`.
        name: &'static str,
        /// `f_type` from `fstatfs`.
        magic: u64,
    },
    /// No execute bit applies to the caller.
    NotExecutable,
    /// The mount is `noexec`.
    Noexec,
    /// `/proc/self/fd/N` does not name the file (no procfs): it cannot be executed by fd.
    ProcUnavailable,
    /// A `#!` script: a directory on the way to it could let a non-root user swap the
    /// path that the interpreter opens.
    UnsafeAncestor {
        /// The directory.
        dir: std::path::PathBuf,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A `#!` script whose path no longer names the file that was opened.
    PathChanged,
    /// Not supported on this platform (the check needs Linux's `fstatfs` types).
    Unsupported,
    /// A syscall needed for the check failed.
    Syscall {
        /// The syscall.
        op: &'static str,
        /// Its errno.
        errno: i32,
    },
}

impl fmt::Display for NotInPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Owner { uid } => write!(f, "owned by uid {uid}"),
            Self::GroupWritable => f.write_str("group-writable"),
            Self::OtherWritable => f.write_str("world-writable"),
            Self::Filesystem { name, magic } => {
                write!(f, "on a {name} filesystem (f_type {magic:#x})")
            }
            Self::NotExecutable => f.write_str("not executable"),
            Self::Noexec => f.write_str("mounted noexec"),
            Self::ProcUnavailable => f.write_str("procfs is not mounted"),
            Self::UnsafeAncestor { dir, reason } => {
                write!(f, "a script whose directory {} is {reason}", dir.display())
            }
            Self::PathChanged => f.write_str("a script whose path changed since it was opened"),
            Self::Unsupported => f.write_str("not supported on this platform"),
            Self::Syscall { op, errno } => write!(f, "{op} failed (errno {errno})"),
        }
    }
}

impl std::error::Error for NotInPlace {}

/// `f_type` values of local filesystems that serve the bytes they store (linux/magic.h).
pub const LOCAL_FILESYSTEMS: &[(&str, u64)] = &[
    ("ext2/3/4", 0xEF53),
    ("xfs", 0x5846_5342),
    ("btrfs", 0x9123_683E),
    ("tmpfs", 0x0102_1994),
    ("overlayfs", 0x794C_7630),
    ("squashfs", 0x7371_7368),
    ("erofs", 0xE0F5_E1E2),
    ("f2fs", 0xF2F5_2010),
    ("zfs", 0x2FC1_2FC1),
    ("bcachefs", 0xCA45_1A4E),
];

/// Names for refused filesystems, for messages only (anything not in
/// [`LOCAL_FILESYSTEMS`] is refused, named or not).
const REMOTE_FILESYSTEMS: &[(&str, u64)] = &[
    ("fuse", 0x6573_5546),
    ("nfs", 0x6969),
    ("cifs", 0xFF53_4D42),
    ("smb2", 0xFE53_4D42),
    ("smb", 0x517B),
    ("9p", 0x0102_1997),
    ("ceph", 0x00C3_6400),
    ("afs", 0x5346_414F),
    ("coda", 0x7375_7245),
    ("ramfs", 0x8584_58F6),
];

/// The facts the decision rests on, read from an open fd by [`InPlaceFacts::of`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "each bool is one independent fact the kernel reports; an enum would merge them"
)]
pub struct InPlaceFacts {
    /// `st_mode` (type and permission bits).
    pub mode: u32,
    /// `st_uid`.
    pub uid: u32,
    /// `st_gid`.
    pub gid: u32,
    /// `fstatfs` `f_type`.
    pub fs_magic: u64,
    /// `ST_NOEXEC` in `fstatvfs` `f_flag`.
    pub noexec: bool,
    /// `FS_IMMUTABLE_FL` from `ioctl(FS_IOC_GETFLAGS)` (false where unsupported).
    pub immutable: bool,
    /// `STATX_ATTR_VERITY` from `statx` (false where unsupported).
    pub verity: bool,
    /// The caller's effective uid.
    pub euid: u32,
    /// Whether the caller is in the file's group (effective gid or supplementary).
    pub in_group: bool,
}

impl InPlaceFacts {
    /// Reads the facts from `file`.
    ///
    /// Syscalls: `fstat`; `fstatfs` (`f_type`); `fstatvfs` (`ST_NOEXEC`);
    /// `ioctl(FS_IOC_GETFLAGS)` (`ENOTTY`/`EOPNOTSUPP`/`EINVAL` = no flags);
    /// `statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS)` (`STATX_ATTR_VERITY`);
    /// `geteuid`, `getegid`, `getgroups`.
    ///
    /// # Errors
    ///
    /// [`NotInPlace::Syscall`] when `fstat`, `fstatfs`, `fstatvfs` or `getgroups` fail;
    /// [`NotInPlace::Unsupported`] off Linux.
    #[doc(alias = "fstatfs")]
    #[doc(alias = "fstatvfs")]
    #[doc(alias = "FS_IOC_GETFLAGS")]
    #[doc(alias = "statx")]
    pub fn of(file: &File) -> Result<Self, NotInPlace> {
        linux::facts(file)
    }

    /// The decision, from the facts alone.
    ///
    /// # Errors
    ///
    /// The first [`NotInPlace`] reason found, in this order: filesystem, `noexec`, not
    /// executable, then owner and write bits (only when neither immutable nor
    /// fs-verity).
    pub fn decide(&self) -> Result<InPlace, NotInPlace> {
        let local = LOCAL_FILESYSTEMS.iter().any(|&(_, m)| m == self.fs_magic);
        if !local {
            let name = REMOTE_FILESYSTEMS
                .iter()
                .find(|&&(_, m)| m == self.fs_magic)
                .map_or("unknown", |&(n, _)| n);
            return Err(NotInPlace::Filesystem {
                name,
                magic: self.fs_magic,
            });
        }
        if self.noexec {
            return Err(NotInPlace::Noexec);
        }
        let x_bit = if self.euid == 0 {
            0o111
        } else if self.uid == self.euid {
            0o100
        } else if self.in_group {
            0o010
        } else {
            0o001
        };
        if self.mode & x_bit == 0 {
            return Err(NotInPlace::NotExecutable);
        }
        if self.verity {
            return Ok(InPlace::Verity);
        }
        if self.immutable {
            return Ok(InPlace::Immutable);
        }
        if self.uid != 0 {
            return Err(NotInPlace::Owner { uid: self.uid });
        }
        if self.mode & 0o020 != 0 {
            return Err(NotInPlace::GroupWritable);
        }
        if self.mode & 0o002 != 0 {
            return Err(NotInPlace::OtherWritable);
        }
        Ok(InPlace::RootOwned)
    }
}

/// Whether `file` may run in place: [`InPlaceFacts::of`] then [`InPlaceFacts::decide`].
///
/// This checks the file only. Running an ELF binary in place also needs procfs
/// (`/proc/self/fd/N` must name the fd), and a `#!` script needs a path that no
/// non-root user can redirect ([`check_script_path`]).
///
/// # Errors
///
/// The reason it may not.
///
/// ```
/// # #[cfg(target_os = "linux")] {
/// let f = std::fs::File::open("/bin/sh")?;
/// match execsafe_fs::in_place_check(&f) {
///     Ok(why) => println!("in place: {why}"),
///     Err(why) => println!("copied: {why}"),
/// }
/// # }
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn in_place_check(file: &File) -> Result<InPlace, NotInPlace> {
    InPlaceFacts::of(file)?.decide()
}

pub use crate::script_path::check_script_path;

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux {
    use std::fs::File;

    use rustix::fs::{AtFlags, IFlags, StatVfsMountFlags, StatxAttributes, StatxFlags};
    use rustix::io::Errno;

    use super::{InPlaceFacts, NotInPlace};

    fn sys(op: &'static str) -> impl FnOnce(Errno) -> NotInPlace {
        move |e| NotInPlace::Syscall {
            op,
            errno: e.raw_os_error(),
        }
    }

    #[allow(
        clippy::cast_sign_loss,
        clippy::useless_conversion,
        reason = "f_type is a signed c_long holding an unsigned magic number"
    )]
    pub(super) fn facts(file: &File) -> Result<InPlaceFacts, NotInPlace> {
        let st = rustix::fs::fstat(file).map_err(sys("fstat"))?;
        let fs = rustix::fs::fstatfs(file).map_err(sys("fstatfs"))?;
        let vfs = rustix::fs::fstatvfs(file).map_err(sys("fstatvfs"))?;
        let immutable = match rustix::fs::ioctl_getflags(file) {
            Ok(flags) => flags.contains(IFlags::IMMUTABLE),
            Err(Errno::NOTTY | Errno::OPNOTSUPP | Errno::INVAL | Errno::NOSYS) => false,
            Err(e) => return Err(sys("ioctl(FS_IOC_GETFLAGS)")(e)),
        };
        let verity = rustix::fs::statx(file, "", AtFlags::EMPTY_PATH, StatxFlags::BASIC_STATS)
            .is_ok_and(|x| x.stx_attributes.contains(StatxAttributes::VERITY));
        let euid = rustix::process::geteuid().as_raw();
        let group = rustix::process::getegid().as_raw();
        let in_group = group == st.st_gid
            || rustix::process::getgroups()
                .map_err(sys("getgroups"))?
                .iter()
                .any(|g| g.as_raw() == st.st_gid);
        Ok(InPlaceFacts {
            mode: crate::stat::mode(&st),
            uid: st.st_uid,
            gid: st.st_gid,
            fs_magic: (fs.f_type as u64) & 0xFFFF_FFFF,
            noexec: vfs.f_flag.contains(StatVfsMountFlags::NOEXEC),
            immutable,
            verity,
            euid,
            in_group,
        })
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
mod linux {
    use std::fs::File;

    use super::{InPlaceFacts, NotInPlace};

    pub(super) fn facts(_: &File) -> Result<InPlaceFacts, NotInPlace> {
        Err(NotInPlace::Unsupported)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root_binary() -> InPlaceFacts {
        InPlaceFacts {
            mode: 0o100_755,
            uid: 0,
            gid: 0,
            fs_magic: 0xEF53,
            noexec: false,
            immutable: false,
            verity: false,
            euid: 65534,
            in_group: false,
        }
    }

    #[test]
    fn root_owned_0755_on_ext4_runs_in_place() {
        assert_eq!(root_binary().decide(), Ok(InPlace::RootOwned));
    }

    #[test]
    fn each_fact_refuses_on_its_own() {
        let f = |edit: fn(&mut InPlaceFacts)| {
            let mut x = root_binary();
            edit(&mut x);
            x.decide()
        };
        assert_eq!(f(|x| x.uid = 1000), Err(NotInPlace::Owner { uid: 1000 }));
        assert_eq!(f(|x| x.mode = 0o100_775), Err(NotInPlace::GroupWritable));
        assert_eq!(f(|x| x.mode = 0o100_757), Err(NotInPlace::OtherWritable));
        assert_eq!(f(|x| x.mode = 0o100_750), Err(NotInPlace::NotExecutable));
        assert_eq!(f(|x| x.noexec = true), Err(NotInPlace::Noexec));
        assert_eq!(
            f(|x| x.fs_magic = 0x6573_5546),
            Err(NotInPlace::Filesystem {
                name: "fuse",
                magic: 0x6573_5546
            })
        );
        assert_eq!(
            f(|x| x.fs_magic = 0x1234),
            Err(NotInPlace::Filesystem {
                name: "unknown",
                magic: 0x1234
            })
        );
        for remote in [0x6969, 0xFF53_4D42, 0x0102_1997, 0x00C3_6400] {
            let mut x = root_binary();
            x.fs_magic = remote;
            assert!(matches!(x.decide(), Err(NotInPlace::Filesystem { .. })));
        }
    }

    #[test]
    fn immutable_or_verity_make_a_users_file_eligible() {
        let mut x = root_binary();
        x.uid = 65534;
        x.euid = 65534;
        x.mode = 0o100_777;
        assert_eq!(x.decide(), Err(NotInPlace::Owner { uid: 65534 }));
        x.immutable = true;
        assert_eq!(x.decide(), Ok(InPlace::Immutable));
        x.immutable = false;
        x.verity = true;
        assert_eq!(x.decide(), Ok(InPlace::Verity));
        // Never on a remote filesystem, whatever the flags say.
        x.fs_magic = 0x6969;
        assert!(x.decide().is_err());
    }

    #[test]
    fn execute_bit_is_the_callers() {
        let mut x = root_binary();
        x.mode = 0o100_710; // owner and group only
        assert_eq!(x.decide(), Err(NotInPlace::NotExecutable));
        x.in_group = true;
        assert_eq!(x.decide(), Ok(InPlace::RootOwned));
        x.euid = 0;
        x.in_group = false;
        x.mode = 0o100_700;
        assert_eq!(x.decide(), Ok(InPlace::RootOwned));
        x.mode = 0o100_600;
        assert_eq!(x.decide(), Err(NotInPlace::NotExecutable));
    }

    #[test]
    fn every_reason_names_its_fact() {
        assert_eq!(
            NotInPlace::Owner { uid: 1000 }.to_string(),
            "owned by uid 1000"
        );
        assert!(
            NotInPlace::Filesystem {
                name: "fuse",
                magic: 0x6573_5546
            }
            .to_string()
            .contains("fuse")
        );
        assert_eq!(NotInPlace::Noexec.to_string(), "mounted noexec");
    }
}
