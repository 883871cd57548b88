//! Pin files, sums files and `verify`, end to end with real binaries and real files;
//! `sha256sum` itself is the reference for the sums format and `verify --sums` output.
mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use common::{Scratch, execsafe, is_root, run, stderr, stdout};

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Three tools and a script, copied into a scratch dir.
fn tools(tag: &str) -> Scratch {
    let s = Scratch::new(tag);
    s.copy_sys("true", "true");
    s.copy_sys("echo", "echo");
    s.copy_sys("cat", "cat");
    s.write_exec("deploy.sh", b"#!/bin/sh\necho \"deploying $1\"\n");
    s
}

#[test]
fn pin_verify_run_then_tamper() {
    let s = tools("pins-e2e");
    let pins = s.0.join("tools.pins");
    let out = run(execsafe()
        .args(["pin", "--pins"])
        .arg(&pins)
        .arg(s.0.join("true"))
        .arg(s.0.join("echo"))
        .arg(format!("kitty={}", s.0.join("cat").display()))
        .arg(s.0.join("deploy.sh")));
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&pins).unwrap();
    assert!(text.starts_with("# execsafe pin file"), "{text}");
    assert_eq!(
        std::fs::metadata(&pins).unwrap().permissions().mode() & 0o777,
        0o644
    );
    assert!(
        !s.entries()
            .iter()
            .any(|e| e.to_string_lossy().contains(".tmp-")),
        "temp file left"
    );

    let verify = run(execsafe().args(["verify", "--pins"]).arg(&pins));
    assert_eq!(
        stdout(&verify),
        "true: OK\necho: OK\nkitty: OK\ndeploy.sh: OK\n"
    );
    assert_eq!(verify.status.code(), Some(0));

    let by_name = |name: &str, args: &[&str]| {
        run(execsafe()
            .args(["run", "--pins"])
            .arg(&pins)
            .args(["--", name])
            .args(args))
    };
    assert!(by_name("true", &[]).status.success());
    assert_eq!(stdout(&by_name("echo", &["hi"])), "hi\n");
    // argv[0] is the pinned path (the copy runs as /proc/self/fd/N).
    let cmdline = stdout(&by_name("kitty", &["/proc/self/cmdline"]));
    assert_eq!(
        cmdline.split('\0').next(),
        Some(s.0.join("cat").to_str().unwrap())
    );
    assert_eq!(stdout(&by_name("deploy.sh", &["prod"])), "deploying prod\n");
    // EXECSAFE_PINS names the file when --pins is absent.
    let via_env = run(execsafe()
        .args(["run", "--", "echo", "env"])
        .env("EXECSAFE_PINS", &pins));
    assert_eq!(stdout(&via_env), "env\n");

    // Tamper with the script, same size: verify says FAILED for it only; run refuses it.
    let marker = s.0.join("MARKER");
    let evil = format!("#!/bin/sh\ntouch {}\n", marker.display());
    let orig = std::fs::read(s.0.join("deploy.sh")).unwrap();
    let mut bytes = evil.into_bytes();
    bytes.resize(orig.len().max(bytes.len()), b'#');
    let sized = bytes.len() == orig.len();
    std::fs::write(s.0.join("deploy.sh"), &bytes).unwrap();
    let verify = run(execsafe().args(["verify", "--pins"]).arg(&pins));
    let want_reason = if sized { "digest mismatch" } else { "size" };
    assert!(
        stdout(&verify).contains(&format!("deploy.sh: FAILED ({want_reason}")),
        "{}",
        stdout(&verify)
    );
    assert!(stdout(&verify).contains("true: OK\necho: OK\nkitty: OK\n"));
    assert_eq!(verify.status.code(), Some(1));
    let out = by_name("deploy.sh", &["prod"]);
    assert_eq!(out.status.code(), Some(125), "{}", stderr(&out));
    assert!(!marker.exists(), "the tampered script ran");
    // Only some names.
    let some = run(execsafe()
        .args(["verify", "--pins"])
        .arg(&pins)
        .args(["echo", "true"]));
    assert_eq!(stdout(&some), "true: OK\necho: OK\n");
    let unknown = run(execsafe()
        .args(["run", "--pins"])
        .arg(&pins)
        .args(["--", "nope"]));
    assert_eq!(unknown.status.code(), Some(125));
    assert!(
        stderr(&unknown).contains("nope: no such pin"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn a_size_change_is_refused_before_hashing() {
    let s = tools("pins-size");
    let pins = s.0.join("p.toml");
    assert!(
        run(execsafe()
            .args(["pin", "--pins"])
            .arg(&pins)
            .arg(s.0.join("echo")))
        .status
        .success()
    );
    // Grown to 4 GiB (sparse): refused from its size alone.
    std::fs::OpenOptions::new()
        .write(true)
        .open(s.0.join("echo"))
        .unwrap()
        .set_len(4 << 30)
        .unwrap();
    let t = std::time::Instant::now();
    let out = run(execsafe()
        .args(["run", "--pins"])
        .arg(&pins)
        .args(["--", "echo", "x"]));
    assert_eq!(out.status.code(), Some(125));
    assert!(
        stderr(&out).contains("refusing before hashing"),
        "{}",
        stderr(&out)
    );
    assert!(t.elapsed().as_secs() < 10, "4 GiB were hashed");
}

#[test]
fn loose_or_foreign_pin_files_are_refused() {
    let s = tools("pins-modes");
    let pins = s.0.join("p.toml");
    assert!(
        run(execsafe()
            .args(["pin", "--pins"])
            .arg(&pins)
            .arg(s.0.join("true")))
        .status
        .success()
    );
    for mode in [0o664, 0o646] {
        chmod(&pins, mode);
        for args in [vec!["verify", "--pins"], vec!["run", "--pins"]] {
            let mut c = execsafe();
            c.args(&args).arg(&pins);
            if args[0] == "run" {
                c.args(["--", "true"]);
            }
            let out = run(&mut c);
            assert_eq!(out.status.code(), Some(125), "{mode:o}");
            assert!(
                stderr(&out).contains(&*pins.to_string_lossy())
                    && stderr(&out).contains("writable"),
                "{}",
                stderr(&out)
            );
        }
    }
    chmod(&pins, 0o644);
    if is_root() {
        std::os::unix::fs::chown(&pins, Some(65534), Some(65534)).unwrap();
        let out = run(execsafe().args(["verify", "--pins"]).arg(&pins));
        assert_eq!(out.status.code(), Some(125));
        assert!(
            stderr(&out).contains("owned by another user"),
            "{}",
            stderr(&out)
        );
    }
    // A symlink to a pin file is refused, as `digest` refuses one.
    std::os::unix::fs::chown(&pins, Some(0), Some(0)).ok();
    std::os::unix::fs::symlink(&pins, s.0.join("link.toml")).unwrap();
    let out = run(execsafe()
        .args(["verify", "--pins"])
        .arg(s.0.join("link.toml")));
    assert_eq!(out.status.code(), Some(125), "{}", stderr(&out));
}

#[test]
fn malformed_pin_files_name_the_line() {
    let s = Scratch::new("pins-bad");
    let hex = "a".repeat(64);
    for (body, want) in [
        (
            format!(
                "[[pin]]\nname = \"a\"\npath = \"/x\"\nsha256 = \"{hex}\"\nsize = 1\ncolour = \"red\"\n"
            ),
            "colour",
        ),
        (
            format!(
                "[[pin]]\nname = \"a\"\npath = \"/x\"\nsha256 = \"{}\"\nsize = 1\n",
                "A".repeat(64)
            ),
            ":4:",
        ),
        (
            format!(
                "[[pin]]\nname = \"a\"\npath = \"/x\"\nsha256 = \"{hex}\"\nsize = 1\n\n[[pin]]\nname = \"a\"\npath = \"/y\"\nsha256 = \"{hex}\"\nsize = 2\n"
            ),
            ":8: duplicate pin name \"a\" (first at line 2)",
        ),
        ("[[pin]]\nname = \"a\"\n".to_owned(), "missing field"),
        ("this is not toml".to_owned(), "line 1"),
    ] {
        let f = s.file("bad.toml", body.as_bytes(), 0o644);
        let out = run(execsafe().args(["verify", "--pins"]).arg(&f));
        assert_eq!(out.status.code(), Some(125), "{body}");
        assert!(
            stderr(&out).contains(want),
            "{want:?} not in {}",
            stderr(&out)
        );
    }
}

#[test]
fn sums_files_from_sha256sum_itself() {
    let s = tools("sums");
    let sha = |args: &[&str]| {
        let out = Command::new("sha256sum")
            .args(args)
            .current_dir(&s.0)
            .output()
            .unwrap();
        (String::from_utf8(out.stdout).unwrap(), out.status.code())
    };
    let (gnu, _) = sha(&["true", "echo", "deploy.sh"]);
    s.file("SHA256SUMS", gnu.as_bytes(), 0o644);
    let (tag, _) = sha(&["--tag", "cat"]);
    s.file("TAGSUMS", tag.as_bytes(), 0o644);
    let (binary, _) = sha(&["-b", "./echo"]);
    s.file("BINSUMS", binary.as_bytes(), 0o644);
    let es = |args: &[&str]| run(execsafe().args(args).current_dir(&s.0));
    // run --sums: `tool` and `./tool` match the same line; every form.
    for (sums, prog, args, want) in [
        ("SHA256SUMS", "echo", vec!["a"], "a\n"),
        ("SHA256SUMS", "./echo", vec!["b"], "b\n"),
        ("SHA256SUMS", "./deploy.sh", vec!["x"], "deploying x\n"),
        ("BINSUMS", "echo", vec!["c"], "c\n"),
        ("TAGSUMS", "./cat", vec!["/proc/self/comm"], ""),
    ] {
        let mut a = vec!["run", "--sums", sums, "--", prog];
        a.extend(&args);
        let out = es(&a);
        assert!(out.status.success(), "{sums} {prog}: {}", stderr(&out));
        if !want.is_empty() {
            assert_eq!(stdout(&out), want);
        }
    }
    for missing in ["cat", "nothing"] {
        let out = es(&["run", "--sums", "SHA256SUMS", "--", missing]);
        assert_eq!(out.status.code(), Some(125));
        assert!(
            stderr(&out).contains(&format!("{missing}: 0 lines")),
            "{}",
            stderr(&out)
        );
    }
    // verify --sums prints exactly what sha256sum -c prints, OK and FAILED.
    let (theirs, their_code) = sha(&["-c", "SHA256SUMS"]);
    let ours = es(&["verify", "--sums", "SHA256SUMS"]);
    assert_eq!((stdout(&ours), ours.status.code()), (theirs, their_code));
    std::fs::write(s.0.join("echo"), b"tampered").unwrap();
    let (theirs, their_code) = sha(&["-c", "SHA256SUMS"]);
    let ours = es(&["verify", "--sums", "SHA256SUMS"]);
    assert!(theirs.contains("echo: FAILED"), "{theirs}");
    assert_eq!((stdout(&ours), ours.status.code()), (theirs, their_code));
    let out = es(&["run", "--sums", "SHA256SUMS", "--", "echo", "x"]);
    assert_eq!(out.status.code(), Some(125));
    // Tag form too.
    let (theirs, their_code) = sha(&["-c", "TAGSUMS"]);
    let ours = es(&["verify", "--sums", "TAGSUMS"]);
    assert_eq!((stdout(&ours), ours.status.code()), (theirs, their_code));
    // A malformed line is an error (sha256sum only warns).
    s.file("BAD", format!("{gnu}garbage line\n").as_bytes(), 0o644);
    let out = es(&["verify", "--sums", "BAD"]);
    assert_eq!(out.status.code(), Some(125));
    assert!(stderr(&out).contains("BAD:4:"), "{}", stderr(&out));
}

#[test]
fn digest_prints_sha256sum_lines_and_reads_stdin() {
    let s = tools("digest-v02");
    let out = run(execsafe()
        .args(["digest", "--sha256sum", "true", "echo"])
        .current_dir(&s.0));
    assert!(out.status.success());
    s.file("OURS", &out.stdout, 0o644);
    let check = Command::new("sha256sum")
        .args(["-c", "OURS"])
        .current_dir(&s.0)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let mut child = execsafe()
        .args(["digest", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"abc").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        stdout(&out),
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  -\n"
    );
    let out = run(execsafe().args(["digest", "/nonexistent/x"]));
    assert_eq!(out.status.code(), Some(125));
}

#[test]
fn usage_and_help() {
    let help = run(execsafe().arg("--help"));
    assert!(stdout(&help).contains("verify") && stdout(&help).contains("pin"));
    let run_help = run(execsafe().args(["run", "--help"]));
    assert!(
        stdout(&run_help).contains("-- <PROGRAM>..."),
        "{}",
        stdout(&run_help)
    );
    assert!(!stdout(&run_help).contains("...>..."));
    for sub in ["pin", "verify"] {
        let h = run(execsafe().args([sub, "--help"]));
        assert!(stdout(&h).contains("Examples:"), "{sub}");
    }
    // -v before or after the subcommand.
    for args in [
        vec!["-v", "run", "--no-verify", "--", "/bin/true"],
        vec!["run", "-v", "--no-verify", "--", "/bin/true"],
    ] {
        let out = run(execsafe().args(&args));
        assert!(
            out.status.success() && stderr(&out).contains("child environment keys"),
            "{args:?}"
        );
    }
    let out = run(execsafe().args(["run", "--no-verify", "/bin/true"]));
    assert_eq!(out.status.code(), Some(125));
    assert!(
        stderr(&out).contains("tip: the program goes after `--`"),
        "{}",
        stderr(&out)
    );
    let out = run(execsafe()
        .args(["run", "--", "/bin/true"])
        .env_remove("EXECSAFE_PINS"));
    assert_eq!(out.status.code(), Some(125));
    assert!(stderr(&out).contains("a pin is needed"), "{}", stderr(&out));
}
