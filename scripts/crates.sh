#!/usr/bin/env bash
# The crates every build of the project needs, fetched ahead so that offline builds resolve.
#
#   scripts/crates.sh fetch          fetch them into $CARGO_HOME (scripts/setup.sh runs this)
#   scripts/crates.sh check-offline  prove that what `fetch` fetches is enough (make test runs this)
#
# The release build (scripts/build-release.sh) runs offline and rebuilds std, so it needs std's
# own crates (`wasip1`, `libc`, ... in the release toolchain's library/Cargo.lock) as well as the
# workspace's. A developer's cache always holds them; a fresh machine holds only what `fetch`
# put there. `check-offline` builds a scratch cargo home from exactly the packages of the
# lockfiles `fetch` fetches (hard links into $CARGO_HOME: nothing is downloaded again), then
# resolves every offline build in it with --offline. A build that needs a crate no fetched
# lockfile names fails there, on every machine, however warm its cache.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.env
source "$root/scripts/versions.env"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"

# The manifests whose lockfiles `fetch` fetches, one "toolchain manifest" pair per line: the
# workspace (console, server, tests, bench) for both toolchains, and std for the release one.
manifests() {
  local sysroot
  sysroot="$(rustc +"$RELEASE_TOOLCHAIN" --print sysroot)"
  echo "default $root/Cargo.toml"
  echo "$RELEASE_TOOLCHAIN $root/Cargo.toml"
  echo "$RELEASE_TOOLCHAIN $sysroot/lib/rustlib/src/rust/library/Cargo.toml"
}

# "default" is the toolchain of the tests, the lint and the server (rustup's default).
toolchain_arg() { [[ "$1" == default ]] || echo "+$1"; }

fetch() {
  local toolchain manifest
  while read -r toolchain manifest; do
    cargo $(toolchain_arg "$toolchain") fetch --locked --quiet --manifest-path "$manifest"
  done < <(manifests)
}

# "name version" of every crates.io package a lockfile names.
registry_packages() {
  awk '/^\[\[package\]\]/ { name = ""; version = "" }
       /^name = /         { name = $3 }
       /^version = /      { version = $3 }
       /^source = "registry\+/ { gsub(/"/, "", name); gsub(/"/, "", version); print name, version }' "$1"
}

# Where cargo's sparse index cache keeps a crate's entry (the crates.io index layout, lower case).
index_path() {
  local n="${1,,}"
  case ${#n} in
    1) echo "1/$n" ;;
    2) echo "2/$n" ;;
    3) echo "3/${n:0:1}/$n" ;;
    *) echo "${n:0:2}/${n:2:2}/$n" ;;
  esac
}

check_offline() {
  local started=$SECONDS
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  local -a registries
  mapfile -t registries < <(cd "$cargo_home/registry/index" && ls)
  ((${#registries[@]})) || { echo "check-offline: $cargo_home holds no registry: run scripts/setup.sh" >&2; exit 1; }

  # The scratch home: for each package of the fetched lockfiles, its index entry, its .crate and
  # (when a build already unpacked it) its sources, as hard links.
  local toolchain manifest name version reg entry
  local -a packages
  mapfile -t packages < <(manifests | while read -r toolchain manifest; do
    registry_packages "$(dirname "$manifest")/Cargo.lock"
  done | sort -u)
  for reg in "${registries[@]}"; do
    for name_version in "${packages[@]}"; do
      read -r name version <<<"$name_version"
      entry="$(index_path "$name")"
      if [[ -f "$cargo_home/registry/index/$reg/.cache/$entry" ]]; then
        mkdir -p "$scratch/registry/index/$reg/.cache/$(dirname "$entry")"
        ln -f "$cargo_home/registry/index/$reg/.cache/$entry" "$scratch/registry/index/$reg/.cache/$entry"
      fi
      if [[ -f "$cargo_home/registry/cache/$reg/$name-$version.crate" ]]; then
        mkdir -p "$scratch/registry/cache/$reg"
        ln -f "$cargo_home/registry/cache/$reg/$name-$version.crate" "$scratch/registry/cache/$reg/"
      fi
      if [[ -d "$cargo_home/registry/src/$reg/$name-$version" && ! -e "$scratch/registry/src/$reg/$name-$version" ]]; then
        mkdir -p "$scratch/registry/src/$reg"
        cp -al "$cargo_home/registry/src/$reg/$name-$version" "$scratch/registry/src/$reg/"
      fi
    done
  done
  for reg in "${registries[@]}"; do
    [[ -f "$cargo_home/registry/index/$reg/config.json" ]] &&
      cp "$cargo_home/registry/index/$reg/config.json" "$scratch/registry/index/$reg/"
  done

  # Every offline resolution the project does, in that home: the workspace on both toolchains
  # (all targets, all platforms), and the release build exactly as scripts/build-release.sh sets
  # it up (std rebuilt), for the console and for the benchmark's baseline.
  export CARGO_HOME="$scratch" CARGO_NET_OFFLINE=true
  trap 'echo "check-offline: an offline build needs a crate that scripts/setup.sh does not fetch: add its lockfile to manifests() in scripts/crates.sh" >&2' ERR
  cargo metadata --locked --format-version 1 --manifest-path "$root/Cargo.toml" >/dev/null
  (
    # shellcheck source=release-env.sh
    source "$root/scripts/release-env.sh"
    cargo metadata --locked --format-version 1 --manifest-path "$root/Cargo.toml" >/dev/null
    # The console as scripts/build-release.sh builds it (with its split points), and the bench's
    # baseline.
    for app in "backup-console --features split" bench-counter; do
      read -r name features <<<"$app"
      # shellcheck disable=SC2086
      cargo build --locked --release --target wasm32-unknown-unknown --manifest-path "$root/Cargo.toml" \
        -p "$name" --bin "$name" $features --unit-graph -Zunstable-options >/dev/null
    done
  )
  echo "check-offline: the offline builds resolve from the ${#packages[@]} crates that scripts/setup.sh fetches ($((SECONDS - started)) s)"
}

case "${1:-}" in
  fetch) fetch ;;
  check-offline) check_offline ;;
  *) echo "usage: scripts/crates.sh fetch|check-offline" >&2; exit 2 ;;
esac
