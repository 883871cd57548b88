//! `execsafe doctor [--json] [PATH...]`: which guarantees hold on this host.

use std::path::Path;

use execsafe::{ExecBackend, auto_plan};
use serde_json::{Value, json};

use crate::args::DoctorArgs;
use crate::exit::FAILURE;

/// One fact: a name, whether it is what execsafe needs, and what it means.
struct Fact {
    name: &'static str,
    ok: bool,
    detail: String,
}

fn read_trimmed(path: &str) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|s| s.trim().to_owned())
}

/// Executable memfds and procfs are Linux's.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn memfd() -> Fact {
    Fact {
        name: "memfd",
        ok: false,
        detail: "memfd is Linux-only: copies go to a temp dir".into(),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn procfs() -> Fact {
    Fact {
        name: "procfs",
        ok: false,
        detail: "not Linux: nothing runs in place".into(),
    }
}

/// Executable memfds: an empty `ExecMemfd` created and dropped.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn memfd() -> Fact {
    let sysctl = read_trimmed("/proc/sys/vm/memfd_noexec").map_or_else(
        || "vm.memfd_noexec absent".to_owned(),
        |v| format!("vm.memfd_noexec={v}"),
    );
    match execsafe::ExecMemfd::create("execsafe:doctor") {
        Ok(m) => {
            drop(m);
            Fact {
                name: "memfd",
                ok: true,
                detail: format!("executable memfds allowed ({sysctl})"),
            }
        }
        Err(e) => Fact {
            name: "memfd",
            ok: false,
            detail: format!("no executable memfd ({sysctl}): {e}; copies go to a temp dir"),
        },
    }
}

/// procfs: `/proc/self/fd/N` names an open file.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn procfs() -> Fact {
    let named = std::fs::File::open("/")
        .ok()
        .is_some_and(|f| execsafe::proc_self_fd(std::os::fd::AsFd::as_fd(&f)).is_ok());
    Fact {
        name: "procfs",
        ok: named,
        detail: if named {
            "mounted: /proc/self/fd/N names the open file".into()
        } else {
            "NOT mounted (or not procfs): nothing runs in place or from a memfd; copies go to a temp dir".into()
        },
    }
}

/// Yama's `ptrace_scope`.
fn ptrace() -> Fact {
    let same_uid = "any process of the same uid may ptrace a dumpable process: the same-uid \
                    guarantees need a host that is non-dumpable from its start (execsafe run \
                    is; a library host calls harden_process first)";
    let (ok, detail) = match read_trimmed("/proc/sys/kernel/yama/ptrace_scope").as_deref() {
        None => (false, format!("Yama absent: {same_uid}")),
        Some("0") => (false, format!("ptrace_scope=0 (classic): {same_uid}")),
        Some("1") => (
            true,
            "ptrace_scope=1: only a parent may ptrace its descendants".into(),
        ),
        Some("2") => (
            true,
            "ptrace_scope=2: only CAP_SYS_PTRACE may ptrace".into(),
        ),
        Some("3") => (true, "ptrace_scope=3: no process may ptrace".into()),
        Some(other) => (false, format!("ptrace_scope={other} (unknown value)")),
    };
    Fact {
        name: "ptrace",
        ok,
        detail,
    }
}

/// The temp base and its ancestors.
fn temp_base() -> Fact {
    match execsafe::temp_base() {
        Ok(p) => Fact {
            name: "temp base",
            ok: true,
            detail: format!(
                "{} (every directory from / owned by root or you, none writable by others unless sticky)",
                p.display()
            ),
        },
        Err(e) => Fact {
            name: "temp base",
            ok: false,
            detail: format!("refused: {e}"),
        },
    }
}

/// The backend `run` would use for `path`, and why; `Err` = a bad argument.
fn path_line(path: &Path) -> Result<(String, Value), String> {
    let plan = auto_plan(path).map_err(|e| e.to_string())?;
    let why = if plan.backend == ExecBackend::InPlace {
        plan.in_place.map_or_else(String::new, |b| b.to_string())
    } else {
        let mut why = plan
            .not_in_place
            .as_ref()
            .map_or_else(String::new, |r| format!("not in place: {r}"));
        if let Some(no) = plan.no_memfd {
            why = format!("{why}; no memfd: {no}");
        }
        why
    };
    let text = format!("{}: {} ({why})", path.display(), plan.backend);
    let value = json!({
        "path": path,
        "backend": plan.backend.to_string(),
        "script": plan.script,
        "in_place": plan.in_place.map(|b| b.to_string()),
        "not_in_place": plan.not_in_place.map(|r| r.to_string()),
        "no_memfd": plan.no_memfd,
    });
    Ok((text, value))
}

pub(crate) fn run(args: &DoctorArgs) -> u8 {
    let facts = [memfd(), procfs(), ptrace(), temp_base()];
    let mut bad = false;
    let mut paths = Vec::new();
    let mut lines = Vec::new();
    for p in &args.paths {
        match path_line(p) {
            Ok((text, value)) => {
                lines.push(text);
                paths.push(value);
            }
            Err(e) => {
                bad = true;
                lines.push(format!("{}: cannot be checked: {e}", p.display()));
                paths.push(json!({ "path": p, "error": e }));
            }
        }
    }
    if args.json {
        let host: serde_json::Map<String, Value> = facts
            .iter()
            .map(|f| {
                (
                    f.name.replace(' ', "_"),
                    json!({ "ok": f.ok, "detail": f.detail }),
                )
            })
            .collect();
        println!("{}", json!({ "host": host, "paths": paths }));
    } else {
        for f in &facts {
            let mark = if f.ok { "ok  " } else { "WARN" };
            println!("{mark} {}: {}", f.name, f.detail);
        }
        for l in &lines {
            println!("{l}");
        }
    }
    if bad { FAILURE } else { 0 }
}
