//! Variables that load code, tried end to end: each payload is real and works when the
//! caller opts out (`--dangerously-allow-code-loading-env`), and without the opt-out
//! execsafe exits 125 before anything runs: the marker is never written.
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Scratch, digest, execsafe, run, stderr, stdout, sys_bin};

const OPT_OUT: &str = "--dangerously-allow-code-loading-env";

struct Case {
    scratch: Scratch,
    marker: PathBuf,
}

impl Case {
    fn new(tag: &str) -> Self {
        let s = Scratch::new(tag);
        let marker = s.0.join("MARKER");
        Self { scratch: s, marker }
    }
    fn dir(&self) -> &Path {
        self.marker.parent().unwrap()
    }
    fn file(&self, name: &str, body: &str, mode: u32) -> PathBuf {
        self.scratch.file(name, body.as_bytes(), mode)
    }
}

/// Runs `execsafe run <flags> --digest <pin of prog> -- prog args` with `env` set, once
/// without and once with the opt-out: refused (125, no marker), then the payload works.
fn refused_then_works(
    case: &Case,
    flags: &[&str],
    env: &[(&str, &str)],
    prog: &Path,
    args: &[&str],
) {
    let go = |opt_out: bool| {
        let mut c = execsafe();
        c.arg("run").args(flags);
        if opt_out {
            c.arg(OPT_OUT);
        }
        c.args(["--digest", &digest(prog), "--"])
            .arg(prog)
            .args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        run(&mut c)
    };
    let out = go(false);
    assert_eq!(out.status.code(), Some(125), "{flags:?}: {}", stderr(&out));
    let name = flags[1].split('=').next().unwrap();
    assert!(
        stderr(&out).contains(name),
        "{name} not named: {}",
        stderr(&out)
    );
    assert!(!case.marker.exists(), "{flags:?}: the injected code ran");
    let out = go(true);
    assert!(
        case.marker.exists(),
        "{flags:?}: the payload itself does not work: {}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn ld_preload_of_a_real_library_is_refused() {
    let case = Case::new("ld-preload");
    let src = case.file(
        "evil.c",
        &format!(
            "#include <fcntl.h>\n__attribute__((constructor)) static void f(void) {{ open(\"{}\", O_CREAT|O_WRONLY, 0644); }}\n",
            case.marker.display()
        ),
        0o644,
    );
    let so = case.dir().join("evil.so");
    let built = Command::new("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&so)
        .arg(&src)
        .status();
    if !built.is_ok_and(|s| s.success()) {
        eprintln!("skipped: no C compiler to build the LD_PRELOAD library");
        return;
    }
    let kv = format!("LD_PRELOAD={}", so.display());
    refused_then_works(&case, &["--env", &kv], &[], &sys_bin("true"), &[]);
    let kv = format!("LD_AUDIT={}", so.display());
    let out = run(execsafe()
        .args([
            "run",
            "--env",
            &kv,
            "--digest",
            &digest(&sys_bin("true")),
            "--",
        ])
        .arg(sys_bin("true")));
    assert_eq!(out.status.code(), Some(125), "{}", stderr(&out));
}

#[test]
fn bash_env_and_exported_functions_are_refused() {
    let case = Case::new("bash-env");
    let bash = sys_bin("bash");
    let rc = case.file(
        "rc.sh",
        &format!("touch {}\n", case.marker.display()),
        0o644,
    );
    refused_then_works(
        &case,
        &["--secret", "BASH_ENV"],
        &[("BASH_ENV", rc.to_str().unwrap())],
        &bash,
        &["-c", "true"],
    );
    let case = Case::new("bash-func");
    let kv = format!("BASH_FUNC_ls%%=() {{ touch {}; }}", case.marker.display());
    refused_then_works(&case, &["--env", &kv], &[], &bash, &["-c", "ls"]);
}

#[test]
fn pythonpath_sitecustomize_is_refused() {
    let case = Case::new("pythonpath");
    let py = std::fs::canonicalize("/usr/bin/python3").unwrap();
    case.file(
        "sitecustomize.py",
        &format!(
            "open({:?}, 'w').close()\n",
            case.marker.display().to_string()
        ),
        0o644,
    );
    let dir = case.dir().to_str().unwrap().to_owned();
    refused_then_works(
        &case,
        &["--secret", "PYTHONPATH"],
        &[("PYTHONPATH", &dir)],
        &py,
        &["-c", "pass"],
    );
}

#[test]
fn a_secret_path_with_a_fake_interpreter_is_refused() {
    let case = Case::new("secret-path");
    let bin = case.dir().join("fakebin");
    std::fs::create_dir(&bin).unwrap();
    std::fs::write(
        bin.join("python3"),
        format!("#!/bin/sh\n/usr/bin/touch {}\n", case.marker.display()),
    )
    .unwrap();
    std::fs::set_permissions(
        bin.join("python3"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let script = case.file(
        "tool.py",
        "#!/usr/bin/env python3\nprint('real python')\n",
        0o755,
    );
    let out = run(execsafe()
        .args([
            "run",
            "--secret",
            "PATH",
            "--digest",
            &digest(&script),
            "--",
        ])
        .arg(&script)
        .env("PATH", &bin));
    assert_eq!(out.status.code(), Some(125), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("PATH") && stderr(&out).contains("--inherit-path"),
        "{}",
        stderr(&out)
    );
    assert!(!case.marker.exists());
    refused_then_works(
        &case,
        &["--secret", "PATH"],
        &[("PATH", bin.to_str().unwrap())],
        &script,
        &[],
    );
}

#[test]
fn glibc_and_runtime_variables_are_refused_in_env() {
    let t = sys_bin("true");
    for kv in [
        "GLIBC_TUNABLES=glibc.malloc.check=3",
        "GCONV_PATH=/tmp/x",
        "LOCPATH=/tmp/x",
        "PERL5OPT=-Mevil",
        "RUBYOPT=-revil",
        "NODE_OPTIONS=--require=/tmp/x.js",
    ] {
        let out = run(execsafe()
            .args(["run", "--env", kv, "--digest", &digest(&t), "--"])
            .arg(&t));
        assert_eq!(out.status.code(), Some(125), "{kv}: {}", stderr(&out));
        let (name, value) = kv.split_once('=').unwrap();
        assert!(
            stderr(&out).contains(name) && !stderr(&out).contains(value),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn no_parse_error_echoes_a_value() {
    let t = sys_bin("true");
    for args in [
        vec![
            "run",
            "--env",
            "ghp_VALUE1234567890",
            "--digest",
            "sha256:x",
            "--",
        ],
        vec!["run", "--env=ghp_VALUE1234567890", "--no-verify", "--"],
        vec!["env", "--env", "=ghp_VALUE1234567890"],
        vec![
            "run",
            "--secret",
            "GITHUB_TOKEN=ghp_VALUE1234567890",
            "--no-verify",
            "--",
        ],
        vec!["env", "--secret", "GITHUB_TOKEN=ghp_VALUE1234567890"],
    ] {
        let mut c = execsafe();
        c.args(&args);
        if args[0] == "run" {
            c.arg(&t);
        }
        let out = run(&mut c);
        assert_eq!(out.status.code(), Some(125), "{args:?}: {}", stderr(&out));
        assert!(
            !stderr(&out).contains("ghp_VALUE"),
            "{args:?} echoed: {}",
            stderr(&out)
        );
    }
}

#[test]
fn missing_workdir_and_interpreter_are_named() {
    let t = sys_bin("true");
    let out = run(execsafe()
        .args([
            "run",
            "--workdir",
            "/nonexistent/wd-77",
            "--digest",
            &digest(&t),
            "--",
        ])
        .arg(&t));
    assert_eq!(out.status.code(), Some(125), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("/nonexistent/wd-77"),
        "{}",
        stderr(&out)
    );
    let s = Scratch::new("interp");
    let script = s.write_exec("tool", b"#!/nonexistent/interp-42 -x\necho hi\n");
    let out = run(execsafe()
        .args(["run", "--digest", &digest(&script), "--"])
        .arg(&script));
    assert_eq!(out.status.code(), Some(127), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("interpreter /nonexistent/interp-42"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_unset_secret_gets_a_note_by_name() {
    let t = sys_bin("true");
    let out = run(execsafe()
        .args([
            "run",
            "--secret",
            "EXECSAFE_TEST_UNSET_X",
            "--secret",
            "EXECSAFE_TEST_SET_Y",
            "--digest",
            &digest(&t),
            "--",
        ])
        .arg(&t)
        .env_remove("EXECSAFE_TEST_UNSET_X")
        .env("EXECSAFE_TEST_SET_Y", "value-y"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--secret EXECSAFE_TEST_UNSET_X is unset"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("EXECSAFE_TEST_SET_Y") && !stderr(&out).contains("value-y"));
}

#[test]
fn execsafe_env_escapes_control_characters() {
    let out = run(execsafe().args(["env", "--env", "X=a\nFAKE=1\x1b[2J\\"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.lines().any(|l| l == "X=a\\nFAKE=1\\x1b[2J\\\\"),
        "{text}"
    );
    assert!(!text.lines().any(|l| l.starts_with("FAKE=")), "{text}");
}
