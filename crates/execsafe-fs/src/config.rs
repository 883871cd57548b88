//! `config.json` (0600) in a private temp dir.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::FsError;
use crate::temp_dir::{SecureTempDir, secure_temp_dir};

/// The file name the configuration is written under.
pub const CONFIG_FILE_NAME: &str = "config.json";

/// A `config.json` (0600) inside its own private 0700 directory; the whole directory is
/// removed on `Drop` or [`SecureConfigFile::cleanup`].
#[derive(Debug)]
pub struct SecureConfigFile {
    path: PathBuf,
    dir: SecureTempDir,
}

impl SecureConfigFile {
    /// The path of `config.json`, to hand to a child.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Removes the file and its directory, reporting failure.
    ///
    /// # Errors
    ///
    /// As [`SecureTempDir::cleanup`].
    pub fn cleanup(self) -> std::io::Result<()> {
        self.dir.cleanup()
    }
}

/// Writes `config` as compact JSON (keys sorted) to `<private dir>/config.json`, mode 0600.
///
/// Returns `Ok(None)` for an empty map: no directory, no file. Otherwise the directory is
/// made by [`secure_temp_dir`]`(prefix)` and the file with
/// `openat(dir, "config.json", O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, 0600)` +
/// `fchmod(0600)`, then `write(2)`. On any error the directory is removed.
///
/// Unlike Go's `json.Marshal`, `<`, `>` and `&` are not HTML-escaped (the output is the
/// same JSON value).
///
/// # Errors
///
/// Those of [`secure_temp_dir`], [`FsError::Json`], or [`FsError::Io`] for the write.
///
/// ```
/// let mut map = serde_json::Map::new();
/// map.insert("region".into(), "eu-west-1".into());
/// let file = execsafe_fs::write_secure_config_file(&map, "doc-config-")?.expect("non-empty");
/// assert_eq!(std::fs::read_to_string(file.path()).unwrap(), r#"{"region":"eu-west-1"}"#);
/// # Ok::<(), execsafe_fs::FsError>(())
/// ```
pub fn write_secure_config_file(
    config: &Map<String, Value>,
    prefix: &str,
) -> Result<Option<SecureConfigFile>, FsError> {
    if config.is_empty() {
        return Ok(None);
    }
    let dir = secure_temp_dir(prefix)?;
    let path = dir.path().join(CONFIG_FILE_NAME);
    let json = serde_json::to_vec(config).map_err(|source| FsError::Json {
        path: path.clone(),
        source,
    })?;
    let mut file = dir.create_file(CONFIG_FILE_NAME, 0o600)?;
    file.write_all(&json)
        .map_err(|e| FsError::io("writing", &path, e))?;
    drop(file);
    Ok(Some(SecureConfigFile { path, dir }))
}
