//! `run --evidence FILE`: the record against the run, refusals on the record, loose or
//! symlinked evidence files refused before anything runs, and 8 concurrent writers.
#![cfg(target_os = "linux")]
mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::{Scratch, ZERO, digest, execsafe, run, stderr, stdout};
use serde_json::Value;

const SECRET_VALUE: &str = "planted-secret-5d1e";
const ENV_VALUE: &str = "planted-env-value-9a7";
const PROXY_PASSWORD: &str = "proxy-pw-3c2b";

fn lines(file: &Path) -> Vec<Value> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("not one JSON record: {e}: {l}"))
        })
        .collect()
}

#[test]
fn the_record_matches_the_run_and_holds_no_value() {
    let s = Scratch::new("evidence");
    let ev = s.0.join("evidence.jsonl");
    let env = Path::new("/usr/bin/env");
    let pin = digest(env);
    let o = run(execsafe()
        .args(["run", "-v", "--evidence"])
        .arg(&ev)
        .args([
            "--secret",
            "MY_TOKEN",
            "--env",
            &format!("MODE={ENV_VALUE}"),
            "--digest",
            &pin,
            "--",
        ])
        .arg(env)
        .env("MY_TOKEN", SECRET_VALUE)
        .env(
            "HTTPS_PROXY",
            format!("http://user:{PROXY_PASSWORD}@proxy:3128"),
        ));
    assert!(o.status.success(), "{}", stderr(&o));
    let recs = lines(&ev);
    assert_eq!(recs.len(), 1, "exec in place: one record");
    let r = &recs[0];
    assert_eq!(r["sha256"], pin.as_str());
    assert_eq!(r["pin_source"], "digest");
    assert_eq!(r["program"], "/usr/bin/env");
    assert_eq!(r["size"], std::fs::metadata(env).unwrap().len());
    assert_eq!(r["supervised"], false);
    // The backend is the one -v names.
    let backend = stderr(&o)
        .split("backend ")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .unwrap()
        .to_owned();
    assert_eq!(r["backend"], backend.as_str());
    // The env keys are the child's keys (std passes them sorted).
    let mut child_keys: Vec<String> = stdout(&o)
        .lines()
        .map(|l| l.split('=').next().unwrap().to_owned())
        .collect();
    let mut recorded: Vec<String> = r["env_keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_owned())
        .collect();
    recorded.sort();
    child_keys.sort();
    assert_eq!(recorded, child_keys);
    assert!(
        recorded.contains(&"MY_TOKEN".to_owned()) && recorded.contains(&"HTTPS_PROXY".to_owned())
    );
    // No value anywhere in the file.
    let text = std::fs::read_to_string(&ev).unwrap();
    for value in [SECRET_VALUE, ENV_VALUE, PROXY_PASSWORD] {
        assert!(!text.contains(value), "{value} is in the evidence file");
    }
    assert!(
        stdout(&o).contains(SECRET_VALUE),
        "the child did get the secret"
    );
    let mode = std::fs::metadata(&ev).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o600);
}

#[test]
fn a_supervised_run_adds_its_exit_and_refusals_are_recorded() {
    let s = Scratch::new("evidence-refusals");
    let ev = s.0.join("evidence.jsonl");
    let f = common::sys_bin("false");
    let pin = digest(&f);
    let o = run(execsafe()
        .args(["run", "--backend", "tempdir", "--evidence"])
        .arg(&ev)
        .args(["--digest", &pin, "--"])
        .arg(&f));
    assert_eq!(o.status.code(), Some(1));
    let o = run(execsafe()
        .args(["run", "--evidence"])
        .arg(&ev)
        .args(["--digest", ZERO, "--"])
        .arg(&f));
    assert_eq!(o.status.code(), Some(125));
    let missing = s.0.join("missing-tool");
    let o = run(execsafe()
        .args(["run", "--evidence"])
        .arg(&ev)
        .args(["--digest", &pin, "--"])
        .arg(&missing));
    assert_eq!(o.status.code(), Some(127));
    let recs = lines(&ev);
    assert_eq!(recs.len(), 4, "{recs:?}");
    assert_eq!(recs[0]["backend"], "tempdir");
    assert_eq!(recs[0]["supervised"], true);
    assert_eq!(recs[1]["exit"]["code"], 1);
    assert!(recs[1]["child_pid"].as_u64().unwrap() > 0);
    let mismatch = recs[2]["refused"].as_str().unwrap();
    assert!(
        mismatch.contains("digest mismatch") && mismatch.contains(f.to_str().unwrap()),
        "{mismatch}"
    );
    let not_found = recs[3]["refused"].as_str().unwrap();
    assert!(
        not_found.contains("no such file") && not_found.contains("missing-tool"),
        "{not_found}"
    );
}

#[test]
fn a_symlinked_or_loose_evidence_file_is_refused_and_nothing_runs() {
    let s = Scratch::new("evidence-loose");
    let marker = s.0.join("ran");
    let script = s.write_exec(
        "mark.sh",
        format!("#!/bin/sh\ntouch {}\n", marker.display()).as_bytes(),
    );
    let pin = digest(&script);
    let real = s.file("real.jsonl", b"", 0o600);
    let link = s.0.join("link.jsonl");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let loose = s.file("loose.jsonl", b"", 0o620);
    for (file, why) in [(&link, "symlink"), (&loose, "group- or other-writable")] {
        let o = run(execsafe()
            .args(["run", "--evidence"])
            .arg(file)
            .args(["--digest", &pin, "--"])
            .arg(&script));
        assert_eq!(o.status.code(), Some(125), "{}", stderr(&o));
        assert!(
            stderr(&o).contains(why) && stderr(&o).contains(file.to_str().unwrap()),
            "{}",
            stderr(&o)
        );
        assert!(!marker.exists(), "the program ran without its record");
    }
    // EXECSAFE_EVIDENCE is the same.
    let o = run(execsafe()
        .args(["run", "--digest", &pin, "--"])
        .arg(&script)
        .env("EXECSAFE_EVIDENCE", &loose));
    assert_eq!(o.status.code(), Some(125));
    assert!(!marker.exists());
    assert_eq!(
        std::fs::read(&real).unwrap(),
        b"",
        "nothing written through the link"
    );
}

const THREADS: usize = 8;
const RUNS: usize = 100;

/// 8 × 100 concurrent runs, half supervised: every line is one well-formed record.
#[test]
fn concurrent_runs_never_interleave_their_records() {
    let s = Scratch::new("evidence-concurrent");
    let ev = s.0.join("evidence.jsonl");
    let t = common::sys_bin("true");
    let pin = digest(&t);
    // Long records (~2 KiB: 60 env keys) make a torn or interleaved write visible.
    let envs: Vec<String> = (0..60)
        .map(|i| format!("EXECSAFE_PADDING_VARIABLE_{i:02}=x"))
        .collect();
    std::thread::scope(|scope| {
        for th in 0..THREADS {
            let (ev, pin, t, envs) = (&ev, &pin, &t, &envs);
            scope.spawn(move || {
                for i in 0..RUNS {
                    let mut c = execsafe();
                    c.args(["run", "--evidence"]).arg(ev);
                    if (th + i) % 2 == 0 {
                        c.args(["--backend", "tempdir"]);
                    }
                    for e in envs {
                        c.args(["--env", e]);
                    }
                    c.args(["--digest", pin, "--"]).arg(t);
                    let o = run(&mut c);
                    assert!(o.status.success(), "{}", stderr(&o));
                }
            });
        }
    });
    let recs = lines(&ev);
    let started = recs.iter().filter(|r| r.get("sha256").is_some()).count();
    let exits = recs.iter().filter(|r| r.get("exit").is_some()).count();
    println!(
        "{} records: {started} started, {exits} exit lines, every line one JSON object",
        recs.len()
    );
    assert_eq!(started, THREADS * RUNS);
    assert_eq!(exits, THREADS * RUNS / 2);
    assert_eq!(recs.len(), started + exits);
    assert!(
        recs.iter()
            .filter(|r| r.get("sha256").is_some())
            .all(|r| r["env_keys"].as_array().unwrap().len() > 60)
    );
}

#[test]
fn verify_json_has_one_object_per_entry_and_the_same_exit_status() {
    let s = Scratch::new("verify-json");
    let a = s.copy_sys("true", "a");
    let b = s.copy_sys("echo", "b");
    let pins = s.0.join("tools.pins");
    let o = run(execsafe()
        .args(["pin", "--pins"])
        .arg(&pins)
        .arg(&a)
        .arg(&b));
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(execsafe().args(["verify", "--json", "--pins"]).arg(&pins));
    assert_eq!(o.status.code(), Some(0));
    let objs: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objs.len(), 2);
    assert_eq!(objs[0]["name"], "a");
    assert_eq!(objs[0]["path"], a.to_str().unwrap());
    assert_eq!(objs[0]["ok"], true);
    assert_eq!(objs[0]["reason"], Value::Null);
    std::fs::write(&b, b"tampered").unwrap();
    let o = run(execsafe().args(["verify", "--json", "--pins"]).arg(&pins));
    assert_eq!(o.status.code(), Some(1));
    let objs: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        (objs[0]["ok"].clone(), objs[1]["ok"].clone()),
        (Value::Bool(true), Value::Bool(false))
    );
    assert!(
        objs[1]["reason"].as_str().unwrap().contains("size"),
        "{}",
        objs[1]
    );
    // sums: the same exit status as sha256sum -c.
    let sums = s.file(
        "SHA256SUMS",
        format!("{}  a\n{}  b\n", &digest(&a)[7..], "0".repeat(64)).as_bytes(),
        0o644,
    );
    let o = run(execsafe()
        .args(["verify", "--json", "--sums"])
        .arg(&sums)
        .current_dir(&s.0));
    assert_eq!(o.status.code(), Some(1));
    let objs: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objs.len(), 2);
    assert_eq!(objs[0]["ok"], true);
    assert_eq!(objs[1]["reason"], "digest mismatch");
}
