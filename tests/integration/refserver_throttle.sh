#!/usr/bin/env bash
# kms-refserver's test knobs for far, rate-limited endpoints: --throttle
# answers the documented Throttling error to a share of requests, drawn
# from --seed alone (the same seed draws alike, another seed otherwise),
# never more than 3 times in a row on one connection; --clock-offset runs
# the server's clock ahead, and the preflight names the offset.
. "$(dirname "$0")/lib.sh"
export KMSCONF_ACCESS_KEY_ID=testid KMSCONF_ACCESS_KEY_SECRET=testsecret
rm -f ./*.log # the request logs append; the working folder is reused

# codes LOG: the Code of every request-log line, in order, on one line.
codes() {
    sed -n 's/.*"code":"\([^"]*\)".*/\1/p' "$1" | tr '\n' ' '
}

# throttled_run LOG RATE SEED: the H4 cases, one worker, no preflight,
# against a fresh kms-refserver --throttle RATE --seed SEED.
throttled_run() {
    start_refserver --throttle "$2" --seed "$3" --request-log "$1"
    "$KMSCONF" run -j 1 -q --no-preflight --endpoint "$RS_URL" -o "$1.xml" \
        "$H4_CASES" >"$1.out" 2>&1
    stop_refservers
}

throttled_run a.log 0.25 1
throttled_run b.log 0.25 1
throttled_run c.log 0.25 2
total=$(wc -l <a.log)
thr=$(grep -c '"status":400,"code":"Throttling"' a.log)
[ "$total" -ge 20 ] || fail "only $total requests logged"
[ "$thr" -ge 1 ] && [ $((thr * 2)) -le "$total" ] ||
    fail "--throttle 0.25: $thr of $total requests throttled"
[ "$(codes a.log)" = "$(codes b.log)" ] || fail "seed 1 drew twice unlike"
[ "$(codes a.log)" != "$(codes c.log)" ] || fail "seeds 1 and 2 drew alike"
echo "ok: --throttle 0.25 --seed 1: $thr of $total requests throttled, again alike; seed 2 differs"

# --throttle 1: every request that passes authentication is throttled,
# but at most 3 in a row on a connection (one worker: one connection)
throttled_run all.log 1 7
longest=$(codes all.log | tr ' ' '\n' |
    awk '$0 == "Throttling" {n++; if (n > m) m = n; next} {n = 0} END {print m + 0}')
[ "$longest" = 3 ] || fail "--throttle 1: $longest Throttling answers in a row, expected 3"
grep -q '"code":""' all.log || fail "--throttle 1: nothing got through"
echo "ok: --throttle 1: at most 3 in a row"

# --clock-offset: the Date header runs ahead; the preflight says by how much
start_refserver --clock-offset 3600
"$KMSCONF" doctor --endpoint "$RS_URL" >doctor.out 2>&1
assert_grep "^clock: the target's Date is \+(3599|3600|3601) s" doctor.out
"$KMSCONF" run --endpoint "$RS_URL" -o clock.xml "$H4_CASES" >clock.out 2>&1
assert_exit 2 $? "a run against a clock an hour ahead"
assert_grep "preflight: the target refused the Timestamp \(IllegalTimestamp\): its clock and this machine's differ by (3599|3600|3601) s; fix the clock" clock.out
[ "$(wc -l <clock.out)" -eq 1 ] || fail "clock: more than one line"
stop_refservers
start_refserver --clock-offset -120
"$KMSCONF" run -q --endpoint "$RS_URL" -o near.xml "$H4_CASES" >near.out 2>&1
assert_exit 0 $? "a clock 2 minutes behind is within the 15-minute window"
stop_refservers
echo "ok: --clock-offset"

for bad in "--throttle 1.5" "--throttle x" "--seed -1" "--clock-offset 40000000"; do
    # shellcheck disable=SC2086 # the option and its value, split on purpose
    "$REFSERVER" $bad >bad.out 2>&1
    assert_exit 2 $? "kms-refserver $bad"
    [ "$(wc -l <bad.out)" -eq 1 ] || fail "$bad: not one line"
done
echo "ok"
