//! The first-load size of the release `dist/`, checked on every `make test` with the same
//! measurement as `make bench`, and printed (run with `--nocapture` to see it; `make test`
//! does).
//!
//! Two limits. `CEILING_GZIP` is what CI enforces today: the figure after the size work, plus
//! about 2 %, so that any growth fails the build and is looked at. The budget
//! (`size::BUDGET_GZIP`, 200 KB) is printed beside it; the console does not meet it yet, and
//! the ceiling comes down as the size does (360,000 → 330,000 after the 323,852 B build; up to
//! 340,000 for the 334,302 B build of the error-handling work; 345,000 for the 340,503 B build
//! of the house-keeping that shows the cost notice's unused lines and moves timers and
//! listeners to gloo; looked at each time: the split build takes pages and the dialog out of
//! the first load).

use e2e::size::{BUDGET_GZIP, GOAL_GZIP, first_load};
use e2e::workspace_root;

/// Enforced ceiling for everything on first load, gzip -9, bytes.
const CEILING_GZIP: u64 = 345_000;

#[test]
fn first_load_transfer_stays_under_its_ceiling() {
    let dist = workspace_root().join("dist");
    let rows = first_load(&dist).expect("dist/ measured (run `make dist` first)");
    for r in &rows {
        println!(
            "size: first load {:<5} raw {:>9} B  gzip -9 {:>8} B  brotli -q 11 {:>8} B",
            r.kind, r.raw, r.gzip, r.brotli
        );
    }
    let total = rows.last().expect("a total row").gzip;
    let wasm = rows.iter().find(|r| r.kind == "wasm").expect("a wasm row");
    assert!(wasm.raw > 0, "no wasm in {}: not a release build", dist.display());
    println!(
        "size: first load total {total} B gzip -9; CI ceiling {CEILING_GZIP} B; issue budget {BUDGET_GZIP} B ({}); goal {GOAL_GZIP} B",
        if total <= BUDGET_GZIP { "met".to_owned() } else { format!("over by {} B", total - BUDGET_GZIP) }
    );
    assert!(total <= CEILING_GZIP, "first load grew to {total} B gzip, over the {CEILING_GZIP} B ceiling");
}
