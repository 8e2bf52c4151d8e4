#!/usr/bin/env bash
# Trunk's post_build hook (Trunk.toml): splits the console's release wasm into a main module and
# one chunk per page and dialog (the `split_view!` functions of src/components/lazy_view.rs),
# then replaces the js/wasm Trunk staged. Trunk cannot split by itself (trunk-rs/trunk#1022).
#
# Steps, on the raw module rustc linked with --emit-relocs (still in target/):
#   wasm-split-cli (wasm_split_cli_support)   main module + split_<page>.wasm + chunk_<n>.wasm
#   wasm-bindgen --keep-lld-exports           the JS glue; the chunks need the lld exports
#   wasm-opt -Oz                              on the main module and every chunk
#   terser                                    the JS glue and the chunk loader, minified
# Chunks get content-hashed names (cached for a year; an old tab gets a 404 after a redeploy and
# shows Retry), index.html's integrity hashes are rewritten, and every file is pre-compressed
# (gzip -9, brotli -q 11) for the server and for static hosts (not index.html or config.json,
# which operators may edit at deploy time).
#
# A no-op unless this is a release build with the `split` feature (scripts/build-release.sh):
# `trunk serve` and debug builds never split.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stage="${TRUNK_STAGING_DIR:?run by Trunk as a post_build hook}"
name=backup-console

shopt -s nullglob
js_files=("$stage/$name"-*.js)
((${#js_files[@]} == 1)) || { echo "split-wasm: expected one $name-*.js in $stage, found ${#js_files[@]}" >&2; exit 1; }
js="${js_files[0]}"
base="$(basename "$js" .js)"
if [[ "${TRUNK_PROFILE:-}" != release ]] || ! grep -q __wasm_split_placeholder__ "$js"; then
  exit 0
fi

source "$root/scripts/versions.env"
have="$(wasm-bindgen --version | awk '{print $2}')"
[[ "$have" == "$WASM_BINDGEN_VERSION" ]] || { echo "split-wasm: wasm-bindgen $have on PATH, need $WASM_BINDGEN_VERSION" >&2; exit 1; }
command -v wasm-split-cli >/dev/null || { echo "split-wasm: wasm-split-cli missing (run scripts/setup.sh)" >&2; exit 1; }

target_dir="${CARGO_TARGET_DIR:-$root/target}"
raw="$target_dir/wasm32-unknown-unknown/release/$name.wasm"
[[ -f "$raw" ]] || { echo "split-wasm: no raw module at $raw" >&2; exit 1; }

sri() { printf 'sha384-%s' "$(openssl dgst -sha384 -binary "$1" | openssl base64 -A)"; }
old_js_sri="$(sri "$js")"
old_wasm_sri="$(sri "$stage/${base}_bg.wasm")"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
wasm-split-cli --target web --out-name "$base" "$raw" "$work"
wasm-bindgen --target web --keep-lld-exports --no-demangle --no-typescript \
  --out-dir "$work/bindgen" --out-name "$base" "$work/$base.wasm"
rm "$work/$base.wasm"
mv "$work/bindgen/$base.js" "$work/bindgen/${base}_bg.wasm" "$work/"
if [[ -d "$work/bindgen/snippets" ]]; then mv "$work/bindgen/snippets" "$work/"; fi
rm -rf "$work/bindgen"

# For scripts/size-owners.sh: the main module as shipped, but with its function names.
if [[ -n "${SPLIT_NAMES_DIR:-}" ]]; then
  mkdir -p "$SPLIT_NAMES_DIR"
  wasm-opt -Oz -g --enable-bulk-memory --enable-nontrapping-float-to-int "$work/${base}_bg.wasm" -o "$SPLIT_NAMES_DIR/main.wasm"
fi
for wasm in "$work"/*.wasm; do
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$wasm" -o "$wasm"
done
# Trunk's own minifier cannot parse the split glue: terser (npm, package.json) minifies it.
for js in "$work"/*.js; do
  "$root/node_modules/.bin/terser" --module --compress --mangle --output "$js" "$js"
done

# Content-hashed chunk names, rewritten in the loader (plain JS: the wasm never names a chunk).
loader="$work/__wasm_split.js"
[[ -f "$loader" ]] || { echo "split-wasm: the splitter wrote no loader" >&2; exit 1; }
chunks=("$work"/split_*.wasm "$work"/chunk_*.wasm)
((${#chunks[@]} > 0)) || { echo "split-wasm: no chunks: is the split feature on?" >&2; exit 1; }
for chunk in "${chunks[@]}"; do
  stem="$(basename "$chunk" .wasm)"
  hash="$(sha256sum "$chunk" | cut -c1-16)"
  mv "$chunk" "$work/$stem-$hash.wasm"
  sed -i -E "s#([\"'])\\./$stem\\.wasm([\"'])#\\1./$stem-$hash.wasm\\2#g" "$loader"
  grep -q "$stem-$hash.wasm" "$loader" || { echo "split-wasm: $stem.wasm not named in the loader" >&2; exit 1; }
done

if grep -q __wasm_split_placeholder__ "$work/$base.js"; then
  echo "split-wasm: the split JS still imports the placeholder module" >&2
  exit 1
fi

cp -r "$work"/* "$stage/"
sed -i -e "s|$old_js_sri|$(sri "$js")|" -e "s|$old_wasm_sri|$(sri "$stage/${base}_bg.wasm")|" "$stage/index.html"

for f in "$stage"/*.{js,wasm,css}; do
  gzip -9 -k -f -n "$f"
  brotli -q 11 -k -f "$f"
done
echo "split-wasm: main $(stat -c %s "$stage/${base}_bg.wasm") B, ${#chunks[@]} chunks"
