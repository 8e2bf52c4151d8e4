#!/usr/bin/env bash
# Installs everything the project needs to build, run and test, idempotently: one progress line
# per step, seconds in all when everything is there. Versions come from scripts/versions.env.
# The first time on a fresh machine it takes about 9 minutes, most of it compiling Trunk and
# wasm-bindgen-cli (the README has the measured figures).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=versions.env
source scripts/versions.env
cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$cargo_bin:$PATH"

steps=9 step=0 step_started=0 setup_started=$SECONDS
# Bold only on a terminal: CI logs and files get plain text.
if [[ -t 1 ]]; then bold() { printf '\033[1m%s\033[0m' "$*"; }; else bold() { printf '%s' "$*"; }; fi
# begin "what": starts the next step; then either present, or working "how (estimate)" ... done.
begin() { step=$((step + 1)) step_started=$SECONDS what="$*"; }
present() { printf '%s %s: present\n' "$(bold "setup [$step/$steps]")" "$what"; }
working() { printf '%s %s: %s\n' "$(bold "setup [$step/$steps]")" "$what" "$*"; }
done_() { printf '%s %s: done in %s\n' "$(bold "setup [$step/$steps]")" "$what" "$(elapsed $((SECONDS - step_started)))"; }
elapsed() { if (($1 >= 60)); then echo "$(($1 / 60)) min $(($1 % 60)) s"; else echo "$1 s"; fi; }

# 1. Debian packages: the browser and its driver (same source package, same version), brotli for
#    the size report, nginx (with its brotli module) for the static-hosting journeys and Caddy to
#    check the Caddyfile in docs/hosting.md. Package scripts may not start services here: the
#    tests start nginx themselves, on a free port, with the repo's config.
begin "Debian packages chromium, chromium-driver, brotli, nginx, caddy"
need_apt=()
for pkg in chromium chromium-driver brotli nginx libnginx-mod-http-brotli-static caddy; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$pkg")
done
if ((${#need_apt[@]})); then
  working "apt-get install ${need_apt[*]} (about 30 s)"
  apt-get update -qq
  policy=/usr/sbin/policy-rc.d ours=""
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && ours=1
    trap 'rm -f "$policy"' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  if [[ -n "$ours" ]]; then rm -f "$policy" && trap - EXIT; fi
  done_
else
  present
fi

# 2. The default toolchain's wasm target (RUSTUP_AUTO_INSTALL=0 here, so nothing adds it by
#    itself), and rustfmt and clippy for the lint layer of `make test`.
begin "Rust: wasm32 target, rustfmt, clippy"
need_rustup=()
rustup target list --installed | grep -qx wasm32-unknown-unknown || need_rustup+=(target)
for comp in rustfmt clippy; do
  rustup component list --installed | grep -q "^$comp-" || need_rustup+=("$comp")
done
if ((${#need_rustup[@]})); then
  working "rustup adds ${need_rustup[*]/target/the wasm32 target} (seconds)"
  for what_to_add in "${need_rustup[@]}"; do
    if [[ "$what_to_add" == target ]]; then
      rustup target add wasm32-unknown-unknown
    else
      rustup component add "$what_to_add"
    fi
  done
  done_
else
  present
fi

# 3. The release toolchain (scripts/build-release.sh): a dated nightly with std's source, which
#    the size build recompiles. The minimal profile.
begin "release toolchain $RELEASE_TOOLCHAIN with rust-src"
if rustup +"$RELEASE_TOOLCHAIN" component list --installed 2>/dev/null | grep -q '^rust-src'; then
  present
else
  working "rustup toolchain install (about 10 s)"
  rustup toolchain install "$RELEASE_TOOLCHAIN" --profile minimal --component rust-src --no-self-update
  done_
fi

# 4. wasm-bindgen CLI at exactly the crate's version (a mismatch is a hard error at build time).
begin "wasm-bindgen-cli $WASM_BINDGEN_VERSION"
if [[ -f Cargo.lock ]]; then
  locked=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
  if [[ -n "$locked" && "$locked" != "$WASM_BINDGEN_VERSION" ]]; then
    echo "setup: Cargo.lock has wasm-bindgen $locked but scripts/versions.env pins $WASM_BINDGEN_VERSION" >&2
    exit 1
  fi
fi
if [[ "$(wasm-bindgen --version 2>/dev/null)" == "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
  present
else
  working "cargo install, compiling it (about 2 min on 2 cores, first time only)"
  # Not --locked: the CLI's own lockfile names a webpki-roots release the registry lacks. The
  # fallback keeps dependencies within this rustc's version.
  CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback \
    cargo install --quiet wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  done_
fi

# 5. The wasm splitter of the release build (scripts/split-wasm.sh): 0.2.4 is the first that
#    knows wasm-bindgen 0.2.128's renamed descriptor import.
begin "wasm-split-cli (wasm_split_cli_support $WASM_SPLIT_CLI_VERSION)"
if cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_CLI_VERSION:"; then
  present
else
  working "cargo install, compiling it (about 2 min on 2 cores, first time only)"
  cargo install --quiet --locked wasm_split_cli_support --version "$WASM_SPLIT_CLI_VERSION" \
    --features build-binary --force
  done_
fi

# 6. Trunk (0.22 needs a newer rustc than this machine's).
begin "Trunk $TRUNK_VERSION"
if [[ "$(trunk --version 2>/dev/null)" == "trunk $TRUNK_VERSION" ]]; then
  present
else
  working "cargo install, compiling it (about 7 min on 2 cores, first time only)"
  cargo install --quiet --locked trunk --version "$TRUNK_VERSION" --force
  done_
fi

# 7. leptosfmt: `make lint` checks the markup inside `view!` with it.
begin "leptosfmt $LEPTOSFMT_VERSION"
if [[ "$(leptosfmt --version 2>/dev/null)" == "leptosfmt $LEPTOSFMT_VERSION" ]]; then
  present
else
  working "cargo install, compiling it (about 1 min on 2 cores, first time only)"
  cargo install --quiet --locked leptosfmt --version "$LEPTOSFMT_VERSION" --force
  done_
fi

# 8. npm packages (binaryen's wasm-opt, terser, axe-core), exactly as package-lock.json says; the
#    project's wasm-opt first on PATH for Trunk (the Makefile and build-release.sh add .tools/bin).
begin "npm packages binaryen $BINARYEN_VERSION, terser, axe-core"
if [[ -x node_modules/.bin/wasm-opt ]] && cmp -s package-lock.json node_modules/.package-lock.json.copy 2>/dev/null; then
  present
else
  working "npm ci (about 10 s)"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.package-lock.json.copy
  done_
fi
mkdir -p .tools/bin
ln -sf "$root/node_modules/.bin/wasm-opt" .tools/bin/wasm-opt
got=$(.tools/bin/wasm-opt --version)
[[ "$got" == *"($WASM_OPT_VERSION)"* ]] || { echo "setup: wasm-opt is '$got', want $WASM_OPT_VERSION" >&2; exit 1; }

# 9. Every crate the builds need, so that the offline release build resolves (std's own crates
#    included): scripts/crates.sh, which `make test` also checks.
begin "crates for the workspace and the release build's std"
bash scripts/crates.sh fetch
done_

printf '%s %s, %s, wasm-opt %s, release %s, %s (%s)\n' "$(bold "setup: ready:")" "$(trunk --version)" \
  "$(wasm-bindgen --version)" "$WASM_OPT_VERSION" "$RELEASE_TOOLCHAIN" "$(chromium --version 2>/dev/null | head -1)" \
  "$(elapsed $((SECONDS - setup_started)))"
