#!/usr/bin/env bash
# kmsconf's benchmarks, side by side in one run (docs/performance.md
# records a run with its date and machine). Nothing here is asserted: the
# figures and their ratios are printed for a reader to judge.
#
#   bench/bench.sh [BUILD_DIR]     (a Release build is the one to measure)
#
# 1. The suite against kms-refserver at 0 and 50 ms per answer, -j 1, 8 and
#    64: wall time, the floor (no run can be faster: the longest chain of
#    requests and waits, or all of them spread over the workers, from
#    `kmsconf run --plan`), their ratio, and kmsconf's peak RSS. A wait for
#    an import token's expiry counts as what the server it starts declares:
#    the token expires at its second of issue plus its lifetime, so the
#    floor of each run follows from when that run began (floor below).
# 2. Instructions per request (valgrind's callgrind, which repeat from run
#    to run): kmsconf running the suite at -j 1 (its loading, as measured
#    by `run --plan`, taken out), bench/bare_loop.c (kc-bench-loop: signed
#    requests on one keep-alive libcurl handle and nothing else) and
#    kms-refserver serving that loop with 0 and 2,000 keys stored (the
#    slope between N and 2N requests, so that start-up is left out).
# 3. kms-refserver under wrk at 100, 1,000 and 10,000 connections:
#    requests/s and socket errors (BENCH_WRK_SECONDS each, default 10).
# 4. The report tools (diff, merge, matrix, expect) on reports of 10k, 100k
#    and 1M testcases: bench/scale.sh, against BENCH_OLD_KMSCONF too when
#    set (a kmsconf built from an older commit).
# 5. Peak RSS of `kmsconf run` at 1x, 10x and 100x the read-only case
#    library (copies under prefixed ids: kms-refserver's per-account
#    quotas and the shared low-quota account keep the key-creating cases
#    from repeating), against one kms-refserver: KiB per testcase, and the
#    growth beyond the results themselves (the report's bytes).
# BENCH_SECTIONS=2,3 runs only those sections.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
wrk_secs=${BENCH_WRK_SECONDS:-10}
# BENCH_SECTIONS: the sections to run, comma-separated (default all)
sections=",${BENCH_SECTIONS:-1,2,3,4,5},"
want() { [[ $sections == *",$1,"* ]]; }
kmsconf=$build/runner/cli/kmsconf
refserver=$build/refserver/kms-refserver
loop=$build/bench/kc-bench-loop
target=suite/targets/refserver.json
[ -x "$kmsconf" ] && [ -x "$refserver" ] && [ -x "$loop" ] ||
  { echo "bench: build first (cmake --build $build)" >&2; exit 2; }

work=$(mktemp -d)
srv=
stop_server() {
  [ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
  srv=
}
trap 'stop_server; rm -rf "$work"' EXIT

# start_server ARGS...: kms-refserver on a free port; sets url and srv.
start_server() {
  rm -f "$work/url"
  mkfifo "$work/url"
  "$refserver" "$@" >"$work/url" &
  srv=$!
  read -r -t 10 url <"$work/url" ||
    { echo "bench: kms-refserver did not start" >&2; exit 3; }
}

. "$(dirname "$0")/lib.sh" # measure

# The plan's figures: requests, preflight, fixed waits (ms), and the longest
# chain: its case and its requests. The preflight is two rounds: "default"
# first, then the other credentials at once.
plan=$("$kmsconf" run --plan --target "$target" --endpoint http://127.0.0.1:1)
read -r requests preflight < <(echo "$plan" |
  sed -n 's/^requests: \([0-9]*\) (\([0-9]*\) preflight).*/\1 \2/p')
read -r lid lreq < <(echo "$plan" |
  sed -n 's/^longest chain: \([^,]*\), \([0-9]*\) requests one after another.*/\1 \2/p')
wait_all=$(echo "$plan" | sed -n 's/.*waits: \([0-9.]*\) s in all.*/\1/p' |
  awk '{ printf "%d", $1 * 1000 }')

# token_life CREDENTIAL: the import token lifetime (s) that kms-refserver's
# built-in configuration gives the account of the target's CREDENTIAL
token_life() {
  local ak
  ak=$(jq -r --arg c "$1" '.credentials[$c].access_key_id // empty' "$target")
  "$refserver" --print-config | jq -r --arg k "$ak" '
    (.access_keys[] | select(.id == $k) | .account) as $a
    | .accounts[] | select(.id == $a) | .import_token_lifetime_s'
}

# The longest chain step by step, ';'-separated: "R" a request, "W MS" a
# fixed wait, "U S" a wait for the expiry of the import token the request
# before it got, S its lifetime (0 when the wait is for anything else:
# counted as no wait at all). The probe is sent once per format, the
# requests the plan counts beyond setup and teardown.
chain_steps() {
  local file="cases/$lid.json" last="" kind arg cred steps="" i
  if [ ! -f "$file" ]; then # requests only
    for ((i = 1; i < lreq; i++)); do steps+="R;"; done
    echo "${steps}R"
    return
  fi
  while read -r kind arg cred; do
    case $kind in
      R) steps+="R;"; last="$arg $cred" ;;
      W) steps+="W $arg;" ;;
      U) if [ "${last% *}" = GetParametersForImport ]; then
           steps+="U $(token_life "${last#* }");"
         else steps+="U 0;"; fi ;;
    esac
  done < <(jq -r --argjson n "$lreq" '
    def steps: .[]? | (if .wait_ms then "W \(.wait_ms)" else empty end),
      (if .wait_until then "U" else empty end),
      (if .action or .raw_query then
         "R \(.action // "-") \(.credential // "default")" else empty end);
    . as $c
    | ([.setup, .teardown | steps | select(startswith("R"))] | length) as $st
    | (.setup | steps), (range($n - $st) | [$c.probe] | steps),
      (.teardown | steps)' "$file")
  echo "${steps%;}"
}
lsteps=$(chain_steps)

# floor RTT_MS JOBS START: seconds no run that began at START (epoch s) can
# beat. The longest chain as it would go with no cost but the answers'
# latency: a request reaches the server when the answer before it has come
# back, and a token issued at server time T (kms-refserver's clock ticks in
# whole seconds) has expired at floor(T) + its lifetime, not earlier. Or
# every request spread over the workers, whichever is longer; both after
# the two preflight rounds.
floor() {
  awk -v r="$1" -v j="$2" -v t0="$3" -v n="$requests" -v pf="$preflight" \
    -v w="$wait_all" -v steps="$lsteps" 'BEGIN {
      rounds = pf > 1 ? 2 : pf
      c = t0 + rounds * r / 1000; sent = c
      k = split(steps, st, ";")
      for (i = 1; i <= k; i++) {
        split(st[i], f, " ")
        if (f[1] == "R") { sent = c; c += r / 1000 }
        else if (f[1] == "W") c += f[2] / 1000
        else if (f[1] == "U" && f[2] > 0 && int(sent) + f[2] > c)
          c = int(sent) + f[2]
      }
      chain = c - t0; all = (rounds * r + ((n - pf) * r + w) / j) / 1000
      printf "%.2f", (chain > all ? chain : all) }'
}

# measure_at CMD...: like measure, and the wall-clock time it started
# (epoch seconds), which the floor of a run depends on
measure_at() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t, t0 = time.monotonic(), time.time()
rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
dt = time.monotonic() - t
kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"{dt:.2f} {kb} {rc} {t0:.6f}")
PY
}

if want 1; then
echo "== 1. the suite against kms-refserver ($requests requests, longest" \
  "chain $lreq requests: $(echo "$lsteps" | tr ';' ' ')" \
  "(U S: an import token's expiry, S its lifetime))"
printf '%-8s %-5s %9s %9s %7s %12s %14s %5s\n' latency jobs seconds floor \
  ratio testcases/s "peak RSS KiB" exit
for latency in 0 50; do
  start_server --latency-ms "$latency"
  for j in 1 8 64; do
    read -r secs rss rc t0 < <(measure_at "$kmsconf" run -q \
      --target "$target" --endpoint "$url" -j "$j" -o "$work/r.xml")
    n=$(grep -c '<testcase ' "$work/r.xml" || true)
    fl=$(floor "$latency" "$j" "$t0")
    awk -v l="$latency ms" -v j="$j" -v s="$secs" -v f="$fl" -v n="$n" \
      -v m="$rss" -v rc="$rc" 'BEGIN {
        printf "%-8s %-5s %9s %9s %7s %12.1f %14s %5s\n", l, j, s, f,
          (f > 0 ? sprintf("%.2f", s / f) : "-"), (s > 0 ? n / s : 0), m,
          rc }'
  done
  stop_server
done

fi
echo
if want 2; then
echo "== 2. instructions per request (callgrind)"
if ! command -v valgrind >/dev/null 2>&1; then
  echo "valgrind is not installed (scripts/install-deps.sh installs it)"
  exit 1
fi
# ir CMD...: the instructions CMD executes (its own threads included)
ir() {
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$@" \
    >/dev/null 2>&1 || true
  sed -n 's/^summary: //p' "$work/cg.out"
}
sent=$((requests - preflight))
start_server
k_run=$(ir "$kmsconf" run -q -j 1 --no-preflight --target "$target" \
  --endpoint "$url" -o "$work/r.xml")
k_load=$(ir "$kmsconf" run --plan --no-preflight --target "$target" \
  --endpoint "$url")
b_1=$(ir "$loop" "$url" "$sent")
b_2=$(ir "$loop" "$url" $((2 * sent)))
stop_server
# rs_ir N KEYS: kms-refserver under callgrind, serving the loop's N
# requests after KEYS CreateKey (the default account's quota raised to
# allow them)
"$refserver" --print-config | jq '.accounts[0].key_quota = 5000' \
  >"$work/quota.json"
rs_ir() {
  local u
  rm -f "$work/rs.url"
  mkfifo "$work/rs.url"
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.rs" \
    "$refserver" --config "$work/quota.json" >"$work/rs.url" 2>/dev/null &
  local pid=$!
  read -r -t 60 u <"$work/rs.url" ||
    { echo "bench: kms-refserver did not start under valgrind" >&2; exit 3; }
  "$loop" "$u" "$1" "$2" 2>/dev/null || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  sed -n 's/^summary: //p' "$work/cg.rs"
}
r_1=$(rs_ir "$sent" 0)
r_2=$(rs_ir $((2 * sent)) 0)
rk_1=$(rs_ir "$sent" 2000)
rk_2=$(rs_ir $((2 * sent)) 2000)
awk -v n="$sent" -v kr="$k_run" -v kl="$k_load" -v b1="$b_1" -v b2="$b_2" \
  -v r1="$r_1" -v r2="$r_2" -v rk1="$rk_1" -v rk2="$rk_2" 'BEGIN {
    k = (kr - kl) / n; b = (b2 - b1) / n; r = (r2 - r1) / n
    rk = (rk2 - rk1) / n
    printf "%-34s %14s %9s\n", "program", "per request", "ratio"
    printf "%-34s %14.0f %9s\n", "kc-bench-loop (bare libcurl loop)", b, "1.00"
    printf "%-34s %14.0f %9.2f\n", "kmsconf run -j 1 (loading left out)", k,
      (b > 0 ? k / b : 0)
    printf "%-34s %14.0f %9.2f\n", "kms-refserver (serving the loop)", r,
      (b > 0 ? r / b : 0)
    printf "%-34s %14.0f %9.2f\n", "kms-refserver, 2,000 keys stored", rk,
      (b > 0 ? rk / b : 0)
    printf "(%d requests; kmsconf loads its cases and catalog in %.1f M)\n",
      n, kl / 1e6 }'

fi
echo
if want 3; then
echo "== 3. kms-refserver under wrk (${wrk_secs} s each, unsigned ListKeys)"
if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk is not installed (scripts/install-deps.sh installs it)"
  exit 1
fi
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
printf '%-12s %12s %14s %10s\n' connections requests/s "socket errors" \
  "p99 ms"
for c in 100 1000 10000; do
  start_server --max-conns 10000 --max-conns-per-ip 0
  out=$(wrk -t2 -c"$c" -d"${wrk_secs}s" --timeout 10s --latency \
    "$url/?Action=ListKeys&Format=JSON" 2>&1 || true)
  rps=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
  errs=$(echo "$out" | sed -n 's/.*Socket errors: \(.*\)/\1/p')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  printf '%-12s %12s %14s %10s\n' "$c" "${rps:-0}" "${errs:-none}" \
    "${p99:--}"
  stop_server
done

fi
echo
if want 4; then
echo "== 4. report tools on large reports (bench/scale.sh)"
bench/scale.sh "$build" "${BENCH_OLD_KMSCONF:-}"
fi
echo
if want 5; then
echo "== 5. peak RSS of kmsconf run at 1x, 10x and 100x the read-only library"
# copies K: the read-only cases K times over, ids prefixed "kN/"
copies() {
  python3 - "$1" "$work/lib$1" <<'PY'
import json, pathlib, sys
k, out = int(sys.argv[1]), pathlib.Path(sys.argv[2])
cases = [p for p in pathlib.Path("cases").rglob("*.json")
         if "read-only" in json.loads(p.read_text()).get("tags", [])]
for i in range(k):
    for p in cases:
        # a value made unique per run (a replayed nonce) stays unique per copy
        d = json.loads(p.read_text().replace("${run.id}", "${run.id}-k%d" % i))
        d["id"] = f"k{i}/{d['id']}"
        q = out / f"k{i}" / p.relative_to("cases")
        q.parent.mkdir(parents=True, exist_ok=True)
        q.write_text(json.dumps(d))
PY
}
start_server
printf '%-6s %10s %10s %12s %12s %12s\n' copies testcases seconds \
  "peak KiB" "KiB/testcase" "report KiB"
for k in 1 10 100; do
  copies "$k"
  read -r secs kb rc < <(measure "$kmsconf" run -q -j 8 --target "$target" \
    --endpoint "$url" -o "$work/rss$k.xml" "$work/lib$k")
  n=$(grep -c '<testcase ' "$work/rss$k.xml" || true)
  rep=$(( $(stat -c %s "$work/rss$k.xml") / 1024 ))
  printf '%-6s %10s %10s %12s %12s %12s%s\n' "${k}x" "$n" "$secs" "$kb" \
    "$(awk -v a="$kb" -v b="$n" 'BEGIN { printf "%.2f", (b ? a / b : 0) }')" \
    "$rep" "$([ "$rc" = 0 ] || echo "  (exit $rc)")"
  rm -rf "$work/lib$k"
done
stop_server
fi

