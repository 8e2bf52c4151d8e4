//! The state file: loaded at start, rewritten atomically (temporary file, then rename) after
//! every change, so a crash mid-write never leaves a half-written file. A file this server does
//! not understand is refused, never overwritten; `--reset` sets it aside first. A lock file
//! beside it keeps a second server off the same state.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::sim::state::{SCHEMA_VERSION, SimState};

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read the state file {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error(
        "the state file {0} is not valid ({1}); start with --reset to replace it with the seed (the file is kept beside it)"
    )]
    Parse(PathBuf, String),
    #[error(
        "the state file {0} has another layout ({1}; this server writes schemaVersion {SCHEMA_VERSION}); \
         start with --reset to replace it with the seed (the file is kept beside it), or use another --state"
    )]
    Layout(PathBuf, String),
    #[error(
        "another server is using the state file {0} (its lock {1} is held): stop it, or give this one another --state"
    )]
    Locked(PathBuf, PathBuf),
    #[error("cannot lock the state file {0}: {1}")]
    Lock(PathBuf, std::io::Error),
    #[error("cannot set the state file {0} aside before --reset: {1}")]
    SetAside(PathBuf, std::io::Error),
}

/// `Ok(None)` when there is no file yet (then the caller seeds).
pub fn load(path: &Path) -> Result<Option<SimState>, LoadError> {
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(LoadError::Read(path.to_path_buf(), e)),
    };
    // The version first, so that another layout says so instead of failing on some field.
    let value: serde_json::Value =
        serde_json::from_slice(&text).map_err(|e| LoadError::Parse(path.to_path_buf(), e.to_string()))?;
    let version = value.get("schemaVersion");
    if version.and_then(serde_json::Value::as_u64) != Some(u64::from(SCHEMA_VERSION)) {
        let found = match version {
            Some(v) => format!("schemaVersion {v}"),
            None if value.is_object() => "no schemaVersion".to_owned(),
            None => "not an object".to_owned(),
        };
        return Err(LoadError::Layout(path.to_path_buf(), found));
    }
    let state: SimState =
        serde_json::from_value(value).map_err(|e| LoadError::Parse(path.to_path_buf(), e.to_string()))?;
    state.check().map_err(|e| LoadError::Parse(path.to_path_buf(), e))?;
    Ok(Some(state))
}

/// `--reset`: moves an existing state file to `<file>.replaced-<unix seconds>` so that nothing
/// is lost, and says where.
pub fn set_aside(path: &Path, now_secs: u64) -> Result<Option<PathBuf>, LoadError> {
    if !path.exists() {
        return Ok(None);
    }
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".replaced-{now_secs}"));
    let kept = PathBuf::from(name);
    std::fs::rename(path, &kept).map_err(|e| LoadError::SetAside(path.to_path_buf(), e))?;
    Ok(Some(kept))
}

/// Held for the server's life: an advisory lock on `<file>.lock` (released by the operating
/// system when the process ends, however it ends).
#[derive(Debug)]
pub struct StateLock {
    _file: File,
}

pub fn lock(path: &Path) -> Result<StateLock, LoadError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| LoadError::Lock(path.to_path_buf(), e))?;
    }
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    let lock_path = PathBuf::from(name);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| LoadError::Lock(path.to_path_buf(), e))?;
    match file.try_lock() {
        Ok(()) => Ok(StateLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(LoadError::Locked(path.to_path_buf(), lock_path)),
        Err(std::fs::TryLockError::Error(e)) => Err(LoadError::Lock(path.to_path_buf(), e)),
    }
}

/// Written compact: the file is for the server, not for reading (`jq . <file>` prints it).
pub fn encode(state: &SimState) -> std::io::Result<Vec<u8>> {
    serde_json::to_vec(state).map_err(std::io::Error::other)
}

pub fn save(path: &Path, json: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    {
        let mut f = File::create(&tmp)?;
        f.write_all(json)?;
        f.write_all(b"\n")?;
    }
    std::fs::rename(&tmp, path)
}
