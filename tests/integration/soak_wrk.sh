#!/usr/bin/env bash
# Soak: kms-refserver under wrk with 1,000 keep-alive connections for a
# minute (KC_SOAK_SECONDS) while the whole suite runs against it. The suite
# must stay green, wrk must see no socket error, the server must serve it
# all with the threads it had when idle (an event loop, not a thread per
# connection), and once the load is gone its open descriptors and resident
# memory must come back to the level they had after a warm-up run of the
# suite (memory within 25% + 16 MiB: glibc
# keeps freed arenas mapped, which is not a leak; a leak of 64 bytes per
# request would be far past it). In a sanitizer build LeakSanitizer judges
# the server's exit instead.
. "$(dirname "$0")/lib.sh"
need wrk
secs=${KC_SOAK_SECONDS:-60}
conns=1000

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$RS_PID/status"; }
threads() { awk '/^Threads:/ {print $2}' "/proc/$RS_PID/status"; }
fds() { find "/proc/$RS_PID/fd" -mindepth 1 -maxdepth 1 | wc -l; }

# room for wrk's connections and the suite's, all from 127.0.0.1. The
# thread pool divides --max-conns among its threads and the kernel decides
# which thread accepts (docs/refserver.md, "Serving"): with a total just
# above the load, one thread that happens to get more than its share
# refuses connections (wrk once saw 256 read errors), so each thread has
# room for about twice its even share.
start_refserver --max-conns $((conns * 2 + 100)) --max-conns-per-ip 0
target=$KC_SOURCE_DIR/suite/targets/refserver.json

"$KMSCONF" run -q --target "$target" --endpoint "$RS_URL" -o warm.xml \
    >warm.out 2>&1
assert_exit 0 $? "warm-up run"
idle_rss=$(rss_kib)
idle_threads=$(threads)
idle_fds=$(fds)

# an unsigned request: answered (MissingSignature-style) by the full
# request path without touching the store, as fast as the server can
wrk -t2 -c"$conns" -d"${secs}s" --timeout 10s \
    "$RS_URL/?Action=ListKeys&Format=JSON" >wrk.out 2>&1 &
wrk_pid=$!
# the suite once, under the load (wait until wrk has its connections up)
for _ in $(seq 1 100); do
    [ "$(fds)" -gt $((idle_fds + conns / 2)) ] && break
    sleep 0.1
done
loaded_fds=$(fds)
[ "$loaded_fds" -gt $((idle_fds + conns / 2)) ] ||
    fail "wrk's connections did not come up: $loaded_fds descriptors"
loaded_threads=$(threads)
[ "$loaded_threads" -eq "$idle_threads" ] ||
    fail "threads: $loaded_threads under $conns connections, $idle_threads idle"
"$KMSCONF" run -q --target "$target" --endpoint "$RS_URL" -o soak.xml \
    >soak.out 2>&1
assert_exit 0 $? "suite run under load: $(tail -n 3 soak.out)"
wait "$wrk_pid"
assert_exit 0 $? "wrk"
grep -q "Socket errors" wrk.out &&
    fail "wrk saw socket errors: $(grep 'Socket errors' wrk.out)"
total=$(awk '/requests in/ {print $1}' wrk.out)
[ "${total:-0}" -gt "$conns" ] || fail "wrk sent only ${total:-0} requests"

# the connections close; wait (bounded) for the server to close them too
for _ in $(seq 1 300); do
    [ "$(fds)" -le "$idle_fds" ] && break
    sleep 0.1
done
[ "$(fds)" -le "$idle_fds" ] ||
    fail "descriptors: $(fds) after the load, $idle_fds before"
after_rss=$(rss_kib)
echo "soak: $secs s, $conns connections ($loaded_fds descriptors," \
    "$loaded_threads server threads as when idle)," \
    "$total wrk requests, the suite green under load;" \
    "RSS idle $idle_rss KiB, after $after_rss KiB"
if grep -q '^KC_SANITIZE:BOOL=ON' "$KC_BUILD_DIR/CMakeCache.txt"; then
    # ASan keeps freed memory in quarantine and fake stacks, so RSS says
    # nothing here; LeakSanitizer says more: the server must stop cleanly
    # with no report.
    kill -TERM "$RS_PID"
    wait "$RS_PID"
    assert_exit 0 $? "kms-refserver's exit after the soak"
    grep -q 'Sanitizer' "$RS_DIR/stderr" &&
        fail "kms-refserver: $(grep -m1 'Sanitizer' "$RS_DIR/stderr")"
else
    limit=$((idle_rss * 5 / 4 + 16384))
    [ "$after_rss" -le "$limit" ] ||
        fail "RSS $after_rss KiB after the load, $idle_rss KiB idle (limit $limit)"
fi
echo "ok"
