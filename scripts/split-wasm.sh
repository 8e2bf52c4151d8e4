#!/usr/bin/env bash
# Trunk's post_build hook (Trunk.toml): splits the console's release wasm into a main module and
# one chunk per page and dialog (the `split_fn!`/`split_view!` functions of src/split.rs), then
# replaces the js/wasm Trunk staged. Trunk cannot split by itself (trunk-rs/trunk#1022).
#
# Steps, on the raw module rustc linked with --emit-relocs (still in the cargo target dir):
#   wasm-split-cli (wasm_split_cli_support)   main module + split_<part>.wasm + chunk_<n>.wasm
#   merge-chunks.py (binaryen's wasm-merge)   the chunk_<n>.wasm become one chunk_shared.wasm
#   wasm-bindgen --keep-lld-exports           the JS glue; the chunks need the lld exports
#   wasm-opt -Oz                              on the main module and every chunk
#   terser                                    the JS glue and the chunk loader, minified
#   index-html.py                             Trunk's inline loader moved to start-<hash>.js
# Every file is named by a hash of its content (a chunk: of all chunks), so it is cached for a
# year (an old tab gets a 404 for a chunk after a redeploy and offers Retry); index.html's
# references and integrity hashes are rewritten, and every js/wasm/css file is pre-compressed
# (gzip -9, brotli -q 11) for the server and for static hosts (not index.html or config.json,
# which operators may edit).
#
# Only a release build with the `split` feature (scripts/build-release.sh) is split; any other
# build (`trunk serve`, debug) passes through untouched, and a split build that would not be
# split (debug with the feature) fails here rather than ship a page that cannot start.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stage="${TRUNK_STAGING_DIR:?run by Trunk as a post_build hook}"
name=backup-console
fail() { echo "split-wasm: $*" >&2; exit 1; }

shopt -s nullglob
staged_js=("$stage/$name"-*.js)
if ! grep -qs __wasm_split_placeholder__ "${staged_js[@]}"; then
  exit 0 # built without the split feature
fi
[[ "${TRUNK_PROFILE:-}" == release ]] || fail "the split feature needs a release build (scripts/build-release.sh)"
((${#staged_js[@]} == 1)) || fail "expected one $name-*.js in $stage, found ${#staged_js[@]}"
old_base="$(basename "${staged_js[0]}" .js)"
old_js="$stage/$old_base.js"
old_wasm="$stage/${old_base}_bg.wasm"

source "$root/scripts/versions.env"
have="$(wasm-bindgen --version | awk '{print $2}')"
[[ "$have" == "$WASM_BINDGEN_VERSION" ]] || fail "wasm-bindgen $have on PATH, need $WASM_BINDGEN_VERSION"
command -v wasm-split-cli >/dev/null || fail "wasm-split-cli missing (run scripts/setup.sh)"

# The raw module cargo just linked, wherever cargo's configuration puts the target dir.
target_dir="$(cargo metadata --format-version 1 --no-deps --offline --manifest-path "$root/Cargo.toml" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
raw="$target_dir/wasm32-unknown-unknown/release/$name.wasm"
[[ -f "$raw" ]] || fail "no raw module at $raw"

sri() { printf 'sha384-%s' "$(openssl dgst -sha384 -binary "$1" | openssl base64 -A)"; }
old_js_sri="$(sri "$old_js")"
old_wasm_sri="$(sri "$old_wasm")"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$work/out"
mkdir -p "$out"
wasm-split-cli --target web --out-name main "$raw" "$out"
# Its ~120 shared chunks become one (a page: 2 files, not 40 to 70); why it is sound: the script.
bin="$root/node_modules/.bin"
WASM_MERGE="$bin/wasm-merge" WASM_DIS="$bin/wasm-dis" WASM_AS="$bin/wasm-as" python3 "$root/scripts/merge-chunks.py" "$out"
wasm-bindgen --target web --keep-lld-exports --no-demangle --no-typescript \
  --out-dir "$work/bindgen" --out-name main "$out/main.wasm"
rm "$out/main.wasm"
mv "$work/bindgen/main.js" "$work/bindgen/main_bg.wasm" "$out/"
if [[ -d "$work/bindgen/snippets" ]]; then mv "$work/bindgen/snippets" "$out/"; fi

# For scripts/size-owners.sh: the main module as shipped, but with its function names.
if [[ -n "${SPLIT_NAMES_DIR:-}" ]]; then
  mkdir -p "$SPLIT_NAMES_DIR"
  wasm-opt -Oz -g --enable-bulk-memory --enable-nontrapping-float-to-int "$out/main_bg.wasm" -o "$SPLIT_NAMES_DIR/main.wasm"
fi
for module in "$out"/*.wasm; do
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$module" -o "$module"
done
# Trunk's own minifier cannot parse the split glue: terser (npm, package.json) minifies it.
for script in "$out"/*.js; do
  "$root/node_modules/.bin/terser" --module --compress --mangle --output "$script" "$script"
done

# Content-hashed names. The loader (plain JS) names the chunks and the glue; the glue imports the
# loader. Only `from"<file>"` specifiers are rewritten: the same strings used as keys of the
# wasm's import object must stay as the wasm names them.
loader="$out/__wasm_split.js"
[[ -f "$loader" ]] || fail "the splitter wrote no loader"
hash16() { cat "$@" | sha256sum | cut -c1-16; }
rename_in() { # rename_in FILE PATTERN REPLACEMENT: must match at least once
  grep -qE "$2" "$1" || fail "no $2 in $(basename "$1")"
  sed -i -E "s#$2#$3#g" "$1"
}
chunks=("$out"/split_*.wasm "$out"/chunk_*.wasm)
((${#chunks[@]} > 0)) || fail "no chunks: is the split feature on?"
# Every chunk carries the hash of all chunks together, not its own: the loader (in the first
# load) names every chunk, and one repeated hash compresses to almost nothing. Little is lost:
# any code change moves the table indexes and addresses every chunk holds.
chunks_hash="$(hash16 "${chunks[@]}")"
for chunk in "${chunks[@]}"; do
  stem="$(basename "$chunk" .wasm)"
  hashed="$stem-$chunks_hash.wasm"
  mv "$chunk" "$out/$hashed"
  rename_in "$loader" "([\"'])\\./$stem\\.wasm([\"'])" "\\1./$hashed\\2"
done
# The glue and the main module are hashed together with every chunk (they are one program).
build_hash="$(hash16 "$out"/*.wasm "$out/main.js" "$loader")"
new_base="$name-$build_hash"
rename_in "$loader" "from ?([\"'])\\./main\\.js([\"'])" "from\\1./$new_base.js\\2"
mv "$loader" "$out/__wasm_split-$build_hash.js"
rename_in "$out/main.js" "from ?([\"'])\\./__wasm_split\\.js([\"'])" "from\\1./__wasm_split-$build_hash.js\\2"
mv "$out/main.js" "$out/$new_base.js"
mv "$out/main_bg.wasm" "$out/${new_base}_bg.wasm"
! grep -q __wasm_split_placeholder__ "$out/$new_base.js" || fail "the split JS still imports the placeholder module"

# Replace Trunk's unsplit files and point index.html at the split ones.
rm "$old_js" "$old_wasm"
cp -r "$out"/* "$stage/"
html="$stage/index.html"
sed -i -e "s#$old_base#$new_base#g" \
  -e "s#$old_js_sri#$(sri "$stage/$new_base.js")#" \
  -e "s#$old_wasm_sri#$(sri "$stage/${new_base}_bg.wasm")#" "$html"
for want in "$new_base.js" "${new_base}_bg.wasm" "$(sri "$stage/$new_base.js")" "$(sri "$stage/${new_base}_bg.wasm")"; do
  grep -qF "$want" "$html" || fail "index.html does not name $want"
done
! grep -q "$old_base" "$html" || fail "index.html still names $old_base"
# No inline script left, so any static host can send one fixed Content-Security-Policy.
python3 "$root/scripts/index-html.py" "$stage"

for f in "$stage"/*.{js,wasm,css}; do
  gzip -9 -k -f -n "$f"
  brotli -q 11 -k -f "$f"
done
echo "split-wasm: main module $(stat -c %s "$stage/${new_base}_bg.wasm") B, ${#chunks[@]} chunks, build $build_hash"
