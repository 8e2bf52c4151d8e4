//! The state file: loaded at start, rewritten atomically (temporary file, then rename) after
//! every change, so a crash mid-write never leaves a half-written file.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::sim::state::{SCHEMA_VERSION, SimState};

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read the state file {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("the state file {0} is not valid ({1}); start with --reset to replace it with the seed")]
    Parse(PathBuf, serde_json::Error),
}

/// `Ok(None)` when there is no file yet, or it is from an older layout (then the caller seeds).
pub fn load(path: &Path) -> Result<Option<SimState>, LoadError> {
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(LoadError::Read(path.to_path_buf(), e)),
    };
    // Check the version first, so an old layout is replaced instead of failing to parse.
    let version = serde_json::from_slice::<serde_json::Value>(&text)
        .map_err(|e| LoadError::Parse(path.to_path_buf(), e))?
        .get("schemaVersion")
        .and_then(serde_json::Value::as_u64);
    if version != Some(u64::from(SCHEMA_VERSION)) {
        eprintln!("warning: {} has another layout (version {version:?}); starting from the seed", path.display());
        return Ok(None);
    }
    serde_json::from_slice(&text).map(Some).map_err(|e| LoadError::Parse(path.to_path_buf(), e))
}

pub fn save(path: &Path, state: &SimState) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(state).map_err(std::io::Error::other)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&json)?;
        f.write_all(b"\n")?;
    }
    std::fs::rename(&tmp, path)
}
