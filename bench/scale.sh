#!/usr/bin/env bash
# The report tools on large reports (bench/bench.sh section 4; runs alone
# too). bench/gen_junit.py writes reports of kmsconf's shape (~900 bytes per
# testcase) with 10k, 100k and 1M testcases; `kmsconf diff`, `merge` (of two
# disjoint halves), `matrix` (two targets) and `expect --from` are timed on
# them: wall seconds and peak RSS. Given a second kmsconf (e.g. one built
# from an older commit), both are measured in the same invocation and the
# ratios printed (old / new, per testcase; "refused" when the old one
# cannot read the input).
#
#   bench/scale.sh [BUILD_DIR] [OLD_KMSCONF]
#   BENCH_SCALE_SIZES="10000 100000 1000000" (default), BENCH_OLD_KMSCONF
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
old=${2:-${BENCH_OLD_KMSCONF:-}}
sizes=${BENCH_SCALE_SIZES:-10000 100000 1000000}
kmsconf=$build/runner/cli/kmsconf
[ -x "$kmsconf" ] || { echo "scale: build first ($kmsconf)" >&2; exit 2; }
[ -z "$old" ] || [ -x "$old" ] || { echo "scale: $old: not executable" >&2
  exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. "$(dirname "$0")/lib.sh" # measure

# tool BIN NAME OUT: runs the tool NAME of BIN on the current reports.
tool() {
  local bin=$1 name=$2 out=$3
  case $name in
    diff) measure "$bin" diff "$work/base.xml" "$work/cur.xml" ;;
    merge) measure "$bin" merge -o "$out" "$work/h0.xml" "$work/h1.xml" ;;
    matrix) measure "$bin" matrix "$work/base.xml" "$work/cur.xml" ;;
    expect) measure "$bin" expect --from "$work/base.xml" -o "$out" ;;
  esac
}

# The exit codes: diff 1 (the flipped testcases are regressions), else 0.
printf '%-9s %-7s %6s %8s %10s %9s %10s %8s %8s\n' testcases tool "MB in" \
  seconds "RSS MiB" "old s" "old MiB" "x faster" "x less"
for n in $sizes; do
  python3 bench/gen_junit.py "$n" "$work/base.xml"
  python3 bench/gen_junit.py "$n" "$work/cur.xml" --flip 1000 --target other
  python3 bench/gen_junit.py "$n" "$work/h0.xml" --part 0/2
  python3 bench/gen_junit.py "$n" "$work/h1.xml" --part 1/2
  mb=$(du -m "$work/base.xml" | cut -f1)
  for t in diff merge matrix expect; do
    read -r s kb rc < <(tool "$kmsconf" "$t" "$work/out.xml")
    [ "$rc" -le 1 ] || s="exit$rc"
    os=- okb=- ratio=- less=-
    if [ -n "$old" ]; then
      read -r os okb orc < <(tool "$old" "$t" "$work/old.xml")
      if [ "$orc" -gt 1 ]; then
        os=refused okb=-
      else
        ratio=$(awk -v a="$os" -v b="$s" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
        less=$(awk -v a="$okb" -v b="$kb" 'BEGIN { printf "%.1f", a / b }')
        okb=$((okb / 1024))
      fi
    fi
    printf '%-9s %-7s %6s %8s %10s %9s %10s %8s %8s\n' "$n" "$t" "$mb" "$s" \
      $((kb / 1024)) "$os" "$okb" "$ratio" "$less"
    rm -f "$work/out.xml" "$work/old.xml"
  done
done
