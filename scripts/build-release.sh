#!/usr/bin/env bash
# The release build of a Trunk app (the console, or the benchmark's baseline counter), built for
# size: Trunk with wasm-opt -Oz as index.html asks, on the dated nightly of scripts/versions.env
# so that std itself is rebuilt for size and panics abort at once (no message formatting, no
# source locations), and with Leptos's `erase_components` (components return type-erased views:
# fewer monomorphised copies). Together about 20 % less wasm than a stable release build; the
# figures are in the README. Usage: scripts/build-release.sh [app-dir]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.env
source "$root/scripts/versions.env"
cd "${1:-$root}"
export RUSTUP_TOOLCHAIN="$RELEASE_TOOLCHAIN"
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
export RUSTFLAGS="--cfg erase_components -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none"
exec trunk build --release --offline
