//! Writes the price table (`data/backup-prices.json`) as Rust for `rules::cost`, after checking
//! it: a table that does not pass `price_table::parse` fails the build with its reason.

use std::path::PathBuf;

fn main() {
    const FILE: &str = "data/backup-prices.json";
    println!("cargo::rerun-if-changed={FILE}");
    let json = std::fs::read_to_string(FILE).unwrap_or_else(|e| panic!("{FILE}: {e}"));
    let regions = price_table::parse(&json).unwrap_or_else(|e| panic!("{FILE}: {e}"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("price_table.rs");
    std::fs::write(&out, price_table::to_rust(&regions)).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
