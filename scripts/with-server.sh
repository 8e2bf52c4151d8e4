#!/usr/bin/env bash
# Runs a command while the local server (simulator mode, fresh state) listens on 127.0.0.1:PORT.
# Usage: scripts/with-server.sh PORT [server args --] command...
# The server is stopped when the command ends, whatever its outcome.
set -euo pipefail
port="$1"; shift
server_args=()
if [[ " $* " == *" -- "* ]]; then
  while [[ "$1" != "--" ]]; do server_args+=("$1"); shift; done
  shift
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state_dir=$(mktemp -d)
log="$state_dir/server.log"
"$root/target/debug/backup-server" --port "$port" --dist "$root/dist" --state "$state_dir/state.json" --reset \
  "${server_args[@]}" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$state_dir"' EXIT
for _ in $(seq 100); do
  grep -q '^listening on ' "$log" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { echo "with-server: the server exited:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.1
done
grep -q '^listening on ' "$log" || { echo "with-server: the server did not start" >&2; cat "$log" >&2; exit 1; }
# The test runner's Chromium leaves its profile (about 150 MB a run) in TMPDIR when its driver
# stops; keeping it in the state dir removes it with the rest (it filled a CI machine's disk).
mkdir -p "$state_dir/tmp"
TMPDIR="$state_dir/tmp" "$@"
