#!/usr/bin/env bash
# Prints how long the whole suite takes against kms-refserver with an added
# per-answer latency (default 50 ms, like a remote endpoint), for several
# concurrency levels, with kmsconf's peak memory.
#   bench/bench.sh [BUILD_DIR] [LATENCY_MS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
latency=${2:-50}
kmsconf=$build/runner/cli/kmsconf
refserver=$build/refserver/kms-refserver
[ -x "$kmsconf" ] && [ -x "$refserver" ] ||
  { echo "bench: build first (cmake --build $build)" >&2; exit 2; }

work=$(mktemp -d)
trap 'kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null; rm -rf "$work"' EXIT
mkfifo "$work/url"
"$refserver" --latency-ms "$latency" >"$work/url" &
srv=$!
read -r -t 10 url <"$work/url" || { echo "bench: refserver did not start" >&2; exit 3; }

# Peak resident memory of a child, through getrusage (python3), when present.
measure() {
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
dt = time.monotonic() - t
kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"{dt:.2f} {kb} {rc}")
PY
  else
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null && rc=0 || rc=$?
    t1=$(date +%s.%N)
    echo "$(echo "$t1 - $t0" | bc) - $rc"
  fi
}

echo "kms-refserver at $url, latency ${latency} ms per answer"
printf '%-6s %10s %12s %14s %6s\n' jobs seconds testcases/s "peak RSS KiB" exit
for j in 1 4 8 16 32; do
  read -r secs rss rc < <(measure "$kmsconf" run --target suite/targets/refserver.json \
    --endpoint "$url" -q -j "$j" -o "$work/r$j.xml")
  n=$(grep -c '<testcase ' "$work/r$j.xml" || true)
  rate=$(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%.1f", (s > 0 ? n / s : 0) }')
  printf '%-6s %10s %12s %14s %6s\n' "$j" "$secs" "$rate" "$rss" "$rc"
done
