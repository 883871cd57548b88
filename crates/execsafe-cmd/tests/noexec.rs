//! A temp base on a `noexec` mount: `Auto` still runs ELF and scripts via memfd; an
//! explicit `TempDir` fails with an error saying "noexec".
mod common;
use execsafe_test_support::noexec;
use execsafe_test_support::rerun;

use common::{Scratch, digest_of, entries};
use execsafe_cmd::{CommandOptions, Error, ExecBackend, RestrictedCommand};
use noexec::TmpfsMount;
use rerun::{in_child, rerun};

#[test]
fn noexec_temp_base() {
    if in_child() {
        let bins = std::path::PathBuf::from(std::env::var_os("EXECSAFE_BIN_DIR").unwrap());
        let (t, script) = (bins.join("true"), bins.join("s.sh"));
        let auto = RestrictedCommand::new_verified(
            &t,
            &digest_of(&t),
            [] as [&str; 0],
            &CommandOptions::default(),
        )
        .unwrap();
        assert_eq!(auto.verified().unwrap().backend(), ExecBackend::Memfd);
        assert!(auto.status().unwrap().success());
        let o = CommandOptions {
            backend: ExecBackend::TempDir,
            ..CommandOptions::default()
        };
        let err =
            RestrictedCommand::new_verified(&t, &digest_of(&t), [] as [&str; 0], &o).unwrap_err();
        assert!(matches!(err, Error::Noexec { .. }), "{err:?}");
        assert!(err.to_string().contains("noexec"), "{err}");
        // v0.2 needed a temp dir for a script (and failed here); its sealed memfd runs.
        let s = RestrictedCommand::new_verified(
            &script,
            &digest_of(&script),
            [] as [&str; 0],
            &CommandOptions::default(),
        )
        .unwrap();
        assert_eq!(s.verified().unwrap().backend(), ExecBackend::Memfd);
        assert!(s.status().unwrap().success());
        assert!(entries(&std::env::temp_dir()).is_empty());
        println!("NOEXEC-CHECKED: auto ran via memfd, tempdir refused with: {err}");
        return;
    }
    let Some(mnt) = TmpfsMount::new("cmd-noexec", "noexec") else {
        return;
    };
    let bins = Scratch::new("noexec-bins");
    common::make_copied(&bins.copy_sys("true", "true"));
    common::make_copied(&bins.write_exec("s.sh", b"#!/bin/sh\nexit 0\n"));
    let out = rerun(
        "noexec_temp_base",
        &[
            ("TMPDIR", mnt.0.as_os_str()),
            ("EXECSAFE_BIN_DIR", bins.0.as_os_str()),
        ],
        &["XDG_RUNTIME_DIR"],
    );
    assert!(out.contains("NOEXEC-CHECKED"), "{out}");
    assert!(entries(&mnt.0).is_empty());
}
