#!/usr/bin/env bash
# Installs everything the project needs to build, run and test, idempotently.
# Takes seconds when all is already there. Versions come from scripts/versions.env.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=versions.env
source scripts/versions.env
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

# 1. Debian packages: the browser and its driver (same source package, same version), brotli for
#    the size report.
need_apt=()
for pkg in chromium chromium-driver brotli; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$pkg")
done
if ((${#need_apt[@]})); then
  log "apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# 2. The wasm target (RUSTUP_AUTO_INSTALL=0 here, so rust-toolchain.toml alone will not add it).
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 2a. The lint layer of `make test` (cargo fmt --check, cargo clippy) needs these components.
for comp in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$comp-"; then
    log "rustup component add $comp"
    rustup component add "$comp"
  fi
done

# 2b. The release toolchain (scripts/build-release.sh): a dated nightly with std's source, which
#     the size build recompiles. The minimal profile: about 10 s to install.
if ! rustup +"$RELEASE_TOOLCHAIN" component list --installed 2>/dev/null | grep -q '^rust-src'; then
  log "rustup toolchain install $RELEASE_TOOLCHAIN (+ rust-src)"
  rustup toolchain install "$RELEASE_TOOLCHAIN" --profile minimal --component rust-src --no-self-update
fi

# 3. wasm-bindgen CLI at exactly the crate's version (a mismatch is a hard error at build time).
if [[ -f Cargo.lock ]]; then
  locked=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
  if [[ -n "$locked" && "$locked" != "$WASM_BINDGEN_VERSION" ]]; then
    echo "setup: Cargo.lock has wasm-bindgen $locked but scripts/versions.env pins $WASM_BINDGEN_VERSION" >&2
    exit 1
  fi
fi
if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
  log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 5 min)"
  # Not --locked: the CLI's own lockfile names a webpki-roots release the registry lacks.
  cargo install --quiet wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# 4. Trunk (0.22 needs a newer rustc than this machine's).
if [[ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]]; then
  log "cargo install trunk $TRUNK_VERSION (about 9 min)"
  cargo install --quiet --locked trunk --version "$TRUNK_VERSION" --force
fi

# 5. npm packages (binaryen's wasm-opt, axe-core), exactly as package-lock.json says.
if [[ ! -x node_modules/.bin/wasm-opt ]] || ! cmp -s package-lock.json node_modules/.package-lock.json.copy 2>/dev/null; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.package-lock.json.copy
fi

# 6. Put the project's wasm-opt first on PATH for Trunk (Makefile adds .tools/bin).
mkdir -p .tools/bin
ln -sf "$root/node_modules/.bin/wasm-opt" .tools/bin/wasm-opt
got=$(.tools/bin/wasm-opt --version)
[[ "$got" == *"($WASM_OPT_VERSION)"* ]] || { echo "setup: wasm-opt is '$got', want $WASM_OPT_VERSION" >&2; exit 1; }

log "ready: $(trunk --version), $(wasm-bindgen --version), wasm-opt $WASM_OPT_VERSION, release $RELEASE_TOOLCHAIN, $(chromium --version 2>/dev/null | head -1)"
