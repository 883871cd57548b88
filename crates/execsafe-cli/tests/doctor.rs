//! `execsafe doctor`: what holds on this host, checked against hosts where it does not
//! (executable memfds denied in a PID namespace; `/proc` hidden under a tmpfs).
#![cfg(target_os = "linux")]
mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use common::{Scratch, execsafe, is_root, run, stderr, stdout};
use serde_json::Value;

fn json(out: &std::process::Output) -> Value {
    serde_json::from_str(stdout(out).trim())
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(out), stderr(out)))
}

/// A copy of `true` that is not in place (group-writable).
fn copied_true(s: &Scratch) -> std::path::PathBuf {
    let t = s.copy_sys("true", "gw-true");
    std::fs::set_permissions(&t, std::fs::Permissions::from_mode(0o775)).unwrap();
    t
}

#[test]
fn doctor_reports_this_host() {
    let s = Scratch::new("doctor");
    let gw = copied_true(&s);
    let o = run(execsafe()
        .args(["doctor", "--json", "/usr/bin/env"])
        .arg(&gw));
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["host"]["procfs"]["ok"], true);
    assert_eq!(v["host"]["memfd"]["ok"], true);
    let yama = std::fs::read_to_string("/proc/sys/kernel/yama/ptrace_scope").ok();
    let ptrace = &v["host"]["ptrace"];
    match yama.as_deref().map(str::trim) {
        None | Some("0") => {
            assert_eq!(ptrace["ok"], false);
            assert!(
                ptrace["detail"].as_str().unwrap().contains("non-dumpable"),
                "{ptrace}"
            );
        }
        Some(_) => assert_eq!(ptrace["ok"], true),
    }
    let env = &v["paths"][0];
    if is_root() {
        assert_eq!(env["backend"], "in-place", "{env}");
    }
    let gw_plan = &v["paths"][1];
    assert_eq!(gw_plan["backend"], "memfd", "{gw_plan}");
    assert_eq!(gw_plan["not_in_place"], "group-writable");
    // The text form says the same, one line each.
    let o = run(execsafe().args(["doctor"]).arg(&gw));
    let text = stdout(&o);
    assert!(text.contains("procfs: mounted"), "{text}");
    assert!(
        text.contains(&format!(
            "{}: memfd (not in place: group-writable)",
            gw.display()
        )),
        "{text}"
    );
}

#[test]
fn a_bad_path_exits_125_after_the_report() {
    let o = run(execsafe().args(["doctor", "/nonexistent/tool"]));
    assert_eq!(o.status.code(), Some(125));
    assert!(
        stdout(&o).contains("/nonexistent/tool: cannot be checked: no such file"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("memfd:"),
        "the host report still came first"
    );
}

/// `sh -c SCRIPT EXE` in a new PID + mount namespace; `None` when the kernel has no
/// per-namespace `vm.memfd_noexec` (exit 90).
fn in_namespace(script: &str) -> Option<std::process::Output> {
    let o = run(Command::new("unshare")
        .args(["--pid", "--fork", "--mount-proc", "sh", "-c", script])
        .arg(common::EXE));
    (o.status.code() != Some(90)).then_some(o)
}

#[test]
fn doctor_on_a_host_without_executable_memfds_or_procfs() {
    if !is_root() {
        eprintln!("skipped: namespaces need root");
        return;
    }
    let s = Scratch::new("doctor-ns");
    let gw = copied_true(&s);
    let noexec = format!(
        r#"echo 2 > /proc/sys/vm/memfd_noexec || exit 90
"$0" doctor --json /usr/bin/env {}"#,
        gw.display()
    );
    let Some(o) = in_namespace(&noexec) else {
        eprintln!("skipped: no per-namespace vm.memfd_noexec on this kernel");
        return;
    };
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let v = json(&o);
    assert_eq!(v["host"]["memfd"]["ok"], false, "{v}");
    assert!(
        v["host"]["memfd"]["detail"]
            .as_str()
            .unwrap()
            .contains("vm.memfd_noexec=2"),
        "{v}"
    );
    assert_eq!(
        v["paths"][0]["backend"], "in-place",
        "in place needs no memfd: {v}"
    );
    assert_eq!(v["paths"][1]["backend"], "tempdir", "{v}");
    assert!(
        v["paths"][1]["no_memfd"]
            .as_str()
            .unwrap()
            .contains("memfd_noexec"),
        "{v}"
    );

    let hidden = r#"mount -t tmpfs none /proc || exit 91
"$0" doctor --json /usr/bin/env"#;
    let o = in_namespace(hidden).unwrap();
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let v = json(&o);
    assert_eq!(v["host"]["procfs"]["ok"], false, "{v}");
    assert_eq!(v["host"]["memfd"]["ok"], false, "{v}");
    assert_eq!(v["paths"][0]["backend"], "tempdir", "{v}");
    assert_eq!(
        v["paths"][0]["not_in_place"], "procfs is not mounted",
        "{v}"
    );
    assert_eq!(v["paths"][0]["no_memfd"], "procfs is not mounted", "{v}");
}
