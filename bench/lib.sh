# Shared by bench/bench.sh and bench/scale.sh (sourced, not run).

# measure CMD...: "seconds peak-RSS-KiB exit" of a child, via getrusage.
measure() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
dt = time.monotonic() - t
kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"{dt:.2f} {kb} {rc}")
PY
}
