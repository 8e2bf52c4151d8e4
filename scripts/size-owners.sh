#!/usr/bin/env bash
# Who owns the first load: builds the split release (scripts/build-release.sh) keeping a copy of
# the main module with its function names, then runs twiggy on it (top, dominators, monos) and
# sums the bytes per crate (scripts/wasm-owners.py). Output in target/size/; the table is the
# README's. Not part of `make test` (twiggy: `cargo install --locked twiggy`, or setup.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/target/size"
rm -rf "$out" && mkdir -p "$out"
SPLIT_NAMES_DIR="$out" bash "$root/scripts/build-release.sh"
cd "$out"
twiggy top -n 40 main.wasm > top.txt
twiggy dominators -d 3 -r 40 main.wasm > dominators.txt
twiggy monos -m 20 -n 3 main.wasm > monos.txt
twiggy top -f csv main.wasm | python3 "$root/scripts/wasm-owners.py" 16 > owners.md
cat owners.md
echo "size-owners: twiggy top, dominators and monos in $out"
