//! `cargo xtask tidy`: the Architecture Invariants of ARCHITECTURE.md that a machine can
//! check, read from `cargo metadata` and the sources.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::tools::{Result, cargo, root};

/// The leaf crates: none may depend on another `execsafe-*` crate.
const LEAVES: &[&str] = &["execsafe-env", "execsafe-digest", "execsafe-fs"];
/// The crates that must not print (their library roots deny it).
const LIBRARIES: &[&str] = &[
    "execsafe-env",
    "execsafe-digest",
    "execsafe-fs",
    "execsafe-cmd",
    "execsafe",
];

/// Runs every check; one error listing every violation.
pub(crate) fn run_tidy(args: &[String]) -> Result {
    if let Some(a) = args.first() {
        return Err(format!("tidy takes no arguments (got {a:?})"));
    }
    let out = cargo()
        .args(["metadata", "--format-version", "1", "--no-deps", "--locked"])
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let meta: Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let packages = meta["packages"]
        .as_array()
        .ok_or("cargo metadata: no packages")?;
    let mut problems = Vec::new();
    for p in packages {
        let name = p["name"].as_str().unwrap_or_default();
        layering(name, p, &mut problems);
        for t in p["targets"].as_array().into_iter().flatten() {
            let kinds: Vec<&str> = t["kind"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if kinds
                .iter()
                .any(|k| matches!(*k, "lib" | "bin" | "bench" | "proc-macro"))
            {
                let src = PathBuf::from(t["src_path"].as_str().unwrap_or_default());
                root_attributes(name, &kinds, &src, &mut problems);
            }
        }
        if name == "execsafe" {
            facade_is_reexports_only(
                Path::new(p["manifest_path"].as_str().unwrap_or_default()),
                &mut problems,
            );
        }
    }
    no_path_includes(&root(), &mut problems);
    workspace_deps_used(packages, &mut problems);
    if problems.is_empty() {
        eprintln!("tidy: ok ({} packages)", packages.len());
        Ok(())
    } else {
        Err(format!(
            "tidy: {} problem(s):\n  {}",
            problems.len(),
            problems.join("\n  ")
        ))
    }
}

/// Architecture Invariant: leaves never depend on another `execsafe-*` crate.
fn layering(name: &str, p: &Value, problems: &mut Vec<String>) {
    if !LEAVES.contains(&name) {
        return;
    }
    for d in p["dependencies"].as_array().into_iter().flatten() {
        let dep = d["name"].as_str().unwrap_or_default();
        // The test-only helper crate (a dev-dependency, never published) is not a layer.
        if dep.starts_with("execsafe") && dep != "execsafe-test-support" {
            problems.push(format!("{name} (a leaf) depends on {dep}"));
        }
    }
}

/// Architecture Invariant: every crate root forbids `unsafe`; library roots deny printing.
fn root_attributes(name: &str, kinds: &[&str], src: &Path, problems: &mut Vec<String>) {
    let Ok(text) = std::fs::read_to_string(src) else {
        problems.push(format!("{name}: cannot read {}", src.display()));
        return;
    };
    if !text.contains("#![forbid(unsafe_code)]") {
        problems.push(format!("{}: no #![forbid(unsafe_code)]", src.display()));
    }
    if kinds.contains(&"lib")
        && LIBRARIES.contains(&name)
        && !text.contains("#![deny(clippy::print_stdout, clippy::print_stderr)]")
    {
        problems.push(format!(
            "{}: a library root must deny print_stdout/print_stderr",
            src.display()
        ));
    }
}

/// Architecture Invariant: the facade holds nothing but `pub use`.
fn facade_is_reexports_only(manifest: &Path, problems: &mut Vec<String>) {
    let lib = manifest.with_file_name("src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap_or_default();
    let mut in_attr = false;
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if in_attr {
            in_attr = !l.ends_with(']');
            continue;
        }
        if l.is_empty() || l.starts_with("//") {
            continue;
        }
        if l.starts_with("#[") || l.starts_with("#![") {
            in_attr = !l.ends_with(']');
            continue;
        }
        if !(l.starts_with("pub use ") && l.ends_with(';')) {
            problems.push(format!(
                "{}:{}: the facade holds only `pub use`: {l}",
                lib.display(),
                i + 1
            ));
        }
    }
    if std::fs::read_dir(lib.with_file_name("")).map_or(0, Iterator::count) > 1 {
        problems.push(format!(
            "{}: the facade has other source files",
            lib.parent().unwrap().display()
        ));
    }
}

/// No `#[path]` include anywhere (shared code is a crate, not an included file).
fn no_path_includes(dir: &Path, problems: &mut Vec<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "target" {
            continue;
        }
        if p.is_dir() {
            no_path_includes(&p, problems);
        } else if name.ends_with(".rs") {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            for (i, l) in text.lines().enumerate() {
                if l.trim_start().starts_with("#[path") {
                    problems.push(format!("{}:{}: #[path] include", p.display(), i + 1));
                }
            }
        }
    }
}

/// Every `[workspace.dependencies]` entry is used by some member with `workspace = true`.
fn workspace_deps_used(packages: &[Value], problems: &mut Vec<String>) {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap_or_default();
    let Some(section) = manifest.split("[workspace.dependencies]").nth(1) else {
        return;
    };
    let section = section.split("\n[").next().unwrap_or_default();
    let manifests: Vec<String> = packages
        .iter()
        .filter_map(|p| p["manifest_path"].as_str())
        .map(|m| std::fs::read_to_string(m).unwrap_or_default())
        .collect();
    for key in section
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, _)| k.trim())
    {
        if key.is_empty() || key.starts_with('#') {
            continue;
        }
        let used = manifests.iter().any(|m| {
            m.lines().any(|l| {
                let l = l.trim();
                l.starts_with(&format!("{key}.workspace"))
                    || (l.starts_with(&format!("{key} =")) && l.contains("workspace = true"))
            })
        });
        if !used {
            problems.push(format!("workspace dependency {key} is used by no member"));
        }
    }
}
