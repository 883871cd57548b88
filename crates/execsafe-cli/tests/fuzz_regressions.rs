//! Replays the committed seeds and regressions of the `pin_files` fuzz target through its
//! invariant checks (`fuzz/cli_checks.rs`).
#[path = "../../../fuzz/cli_checks.rs"]
mod cli_checks;

#[test]
fn pin_files() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut n = 0;
    for dir in [
        root.join("corpus/pin_files"),
        root.join("regressions/pin_files"),
    ] {
        let Ok(rd) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in rd {
            let p = e.unwrap().path();
            if p.file_name().unwrap().to_string_lossy().starts_with('.') {
                continue;
            }
            cli_checks::pin_files(&std::fs::read(&p).unwrap());
            n += 1;
        }
    }
    assert!(n >= 2, "no seeds for pin_files");
}
