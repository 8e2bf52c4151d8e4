#!/usr/bin/env bash
# The release build of a Trunk app (the console, or the benchmark's baseline counter), built for
# size: Trunk with wasm-opt -Oz as index.html asks, with the toolchain and flags of
# scripts/release-env.sh. Together about 20 % less wasm than a stable release build.
# Offline: scripts/setup.sh has fetched every crate it needs (scripts/crates.sh).
# Usage: scripts/build-release.sh [app-dir]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.env
source "$root/scripts/versions.env"
# shellcheck source=release-env.sh
source "$root/scripts/release-env.sh"
# The project's wasm-opt (npm binaryen) and the tools scripts/setup.sh installed, also when this
# script is run on its own rather than from make.
export TRUNK_SKIP_VERSION_CHECK=true
export PATH="$root/.tools/bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
app="${1:-$root}"
cd "$app"
if [[ "$app" -ef "$root" ]]; then
  # The console: pages and dialogs as chunks. The splitter (scripts/split-wasm.sh, Trunk's
  # post_build hook) reads wasm-ld's relocations.
  export RUSTFLAGS="$RUSTFLAGS -Clink-args=--emit-relocs"
  exec trunk build --release --offline --features split
fi
exec trunk build --release --offline
