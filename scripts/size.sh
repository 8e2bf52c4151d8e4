#!/usr/bin/env bash
# Prints the first-load transfer of a release build: every file the browser fetches on first
# load (html, js, wasm, css), raw, gzip -9 and brotli -q 11, and the totals, in bytes.
# Usage: scripts/size.sh [dist-dir]
set -euo pipefail
dist="${1:-dist}"
[[ -f "$dist/index.html" ]] || { echo "size: $dist/index.html not found; run 'make dist' first" >&2; exit 1; }
printf '%-6s %-44s %10s %10s %10s\n' kind file raw gzip-9 brotli-11
total_raw=0 total_gz=0 total_br=0
while IFS= read -r f; do
  name=$(basename "$f")
  kind=${name##*.}
  raw=$(stat -c%s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  br=$(brotli -q 11 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz)) total_br=$((total_br + br))
  printf '%-6s %-44s %10d %10d %10d\n' "$kind" "$name" "$raw" "$gz" "$br"
done < <(find "$dist" -maxdepth 1 -type f \( -name '*.html' -o -name '*.js' -o -name '*.wasm' -o -name '*.css' \) | sort)
printf '%-6s %-44s %10d %10d %10d\n' total "" "$total_raw" "$total_gz" "$total_br"
