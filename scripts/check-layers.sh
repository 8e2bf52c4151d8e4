#!/usr/bin/env bash
# Lists the imports between the console's folders and fails if one points up. The layers, lowest
# first: rules (plain Rust, no browser) < api, browser.rs, route.rs, split.rs (the edges: HTTP,
# the browser's timers and events, links, the chunks of the split build) < state (app-wide
# context) < components < pages. A file may use its own folder and any lower one; src/lib.rs
# and src/main.rs wire everything together and are not checked. Run by `make lint`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../src"

rank() {
  case "$1" in
    rules) echo 0 ;; api | browser | route | split) echo 1 ;; state) echo 2 ;; components) echo 3 ;; pages) echo 4 ;;
    *) echo -1 ;;
  esac
}

declare -A count=()
bad=0
for folder in rules api state components pages; do
  from=$(rank "$folder")
  # Every `crate::<folder>` a file names, in a `use` or inline, outside line comments.
  while IFS=: read -r file line target; do
    to=$(rank "$target")
    ((to < 0)) && continue
    [[ "$target" == "$folder" ]] && continue
    # The edges are peers: api may use browser.rs, and so on.
    ((to == from)) && { count["$folder -> $target"]=$(( ${count["$folder -> $target"]:-0} + 1 )); continue; }
    count["$folder -> $target"]=$(( ${count["$folder -> $target"]:-0} + 1 ))
    if ((to > from)); then
      echo "UP: src/$file:$line: $folder imports from $target"
      bad=1
    fi
  done < <(grep -rnoE '^[^/]*crate::(rules|api|browser|route|split|state|components|pages)\b' "$folder" \
    | sed -E 's/^([^:]+):([0-9]+):.*crate::([a-z_]+)$/\1:\2:\3/')
done

echo "imports between folders (lowest layer first: rules < api, browser, route, split < state < components < pages):"
for pair in "${!count[@]}"; do echo "  $pair: ${count[$pair]}"; done | sort
if ((bad)); then
  echo "check-layers: imports point up (listed above)"
  exit 1
fi
echo "check-layers: every import points down"
