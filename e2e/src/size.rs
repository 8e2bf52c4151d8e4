//! First-load transfer of a release build: every file the browser fetches to show the first page
//! (html, css, js, wasm), raw, gzip -9 and brotli -q 11. One measurement for both `make bench`
//! and the size check in `make test`.

use std::path::Path;
use std::process::Command;

use crate::Error;

/// The budget for everything on first load, gzip -9, and the goal beyond it (bytes).
pub const BUDGET_GZIP: u64 = 200_000;
pub const GOAL_GZIP: u64 = 100_000;

/// Bytes of one kind of file (or of all of them, kind "total").
#[derive(Debug, Clone, PartialEq)]
pub struct Transfer {
    pub kind: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

fn compressed(cmd: &str, args: &[&str], file: &Path) -> Result<u64, Error> {
    let out = Command::new(cmd).args(args).arg(file).output().map_err(|e| format!("{cmd}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{cmd} failed on {}", file.display()).into());
    }
    Ok(out.stdout.len() as u64)
}

/// One row per kind (html, css, js, wasm) and a last row, "total".
pub fn first_load(dist: &Path) -> Result<Vec<Transfer>, Error> {
    let mut rows = Vec::new();
    for kind in ["html", "css", "js", "wasm"] {
        let mut row = Transfer { kind: kind.to_owned(), raw: 0, gzip: 0, brotli: 0 };
        for entry in std::fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))? {
            let path = entry?.path();
            if path.extension().and_then(|e| e.to_str()) == Some(kind) {
                row.raw += std::fs::metadata(&path)?.len();
                row.gzip += compressed("gzip", &["-9", "-c"], &path)?;
                row.brotli += compressed("brotli", &["-q", "11", "-c"], &path)?;
            }
        }
        rows.push(row);
    }
    let total = rows.iter().fold(Transfer { kind: "total".into(), raw: 0, gzip: 0, brotli: 0 }, |t, r| Transfer {
        raw: t.raw + r.raw,
        gzip: t.gzip + r.gzip,
        brotli: t.brotli + r.brotli,
        ..t
    });
    rows.push(total);
    Ok(rows)
}
