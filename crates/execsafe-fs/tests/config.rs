//! `write_secure_config_file`: 0600 file, 0700 dir, JSON round trip, removed on Drop.

use std::os::unix::fs::MetadataExt;

use execsafe_fs::{CONFIG_FILE_NAME, write_secure_config_file};
use serde_json::{Map, Value, json};

#[test]
fn empty_map_writes_nothing() {
    assert!(
        write_secure_config_file(&Map::new(), "cfg-empty-")
            .unwrap()
            .is_none()
    );
}

#[test]
fn file_is_0600_in_a_0700_dir_and_round_trips() {
    let Value::Object(map) = json!({"b": [1, 2, {"c": null}], "a": "x<y>&z", "n": 1.5}) else {
        unreachable!()
    };
    let cfg = write_secure_config_file(&map, "cfg-").unwrap().unwrap();
    let path = cfg.path().to_path_buf();
    let dir = path.parent().unwrap().to_path_buf();
    assert_eq!(path.file_name().unwrap(), CONFIG_FILE_NAME);
    assert_eq!(std::fs::metadata(&path).unwrap().mode() & 0o7777, 0o600);
    assert_eq!(std::fs::metadata(&dir).unwrap().mode() & 0o7777, 0o700);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains('\n') && !text.contains(": "),
        "not compact: {text}"
    );
    assert!(text.starts_with(r#"{"a":"#), "keys not sorted: {text}");
    let back: Map<String, Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(back, map);
    drop(cfg);
    assert!(!dir.exists(), "dir left behind");
}

#[test]
fn cleanup_reports_and_removes() {
    let mut map = Map::new();
    map.insert("k".into(), "v".into());
    let cfg = write_secure_config_file(&map, "cfg-clean-")
        .unwrap()
        .unwrap();
    let dir = cfg.path().parent().unwrap().to_path_buf();
    cfg.cleanup().unwrap();
    assert!(!dir.exists());
}
