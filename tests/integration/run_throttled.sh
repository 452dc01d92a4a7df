#!/usr/bin/env bash
# kmsconf behind a server that throttles a quarter of its requests
# (kms-refserver --throttle 0.25 --seed 1): the whole suite passes, every
# throttled answer retried (re-signed: a fresh SignatureNonce), the retries
# counted in the report (kmsconf.retries) and the summary, the testcases
# that passed only after retries marked flaky (<flakyFailure>, still
# passed for kmsconf's readers and the schema), the concurrency
# backed off; with --retries 0 the run fails with Throttling; a probe that
# expects Throttling is sent once; --rate QPS holds for all workers
# together (a lower bound on the elapsed time only).
. "$(dirname "$0")/lib.sh"
need jq
PROFILE=$KC_SOURCE_DIR/suite/targets/refserver.json
rm -f ./*.log # the request logs append; the working folder is reused

start_refserver --throttle 0.25 --seed 1 --request-log rs.log
"$KMSCONF" run -q --target "$PROFILE" --endpoint "$RS_URL" -o ok.xml >ok.out 2>&1
assert_exit 0 $? "the suite behind --throttle 0.25 (retries on)"
retries=$(prop ok.xml kmsconf.retries)
throttled=$(grep -c '"code":"Throttling"' rs.log)
[ "${retries:-0}" -gt 0 ] || fail "kmsconf.retries is '${retries:-}'"
# every throttled answer was retried (the preflight's too), none twice
[ "$throttled" -eq "$retries" ] ||
    fail "$throttled throttled answers, $retries retries in the report"
flaky=$(grep -c '<flakyFailure type="throttled" message="passed after [0-9]* retr' ok.xml)
[ "$flaky" -gt 0 ] || fail "no testcase marked flaky"
assert_grep "^throttled: $retries answers retried; $flaky testcases passed only after retries \(flaky\)$" ok.out
validate_junit ok.xml
# kmsconf's own readers keep a flaky testcase passed (and merge keeps the mark)
"$KMSCONF" merge -o merged.xml ok.xml >merge.out 2>&1 || fail "merge: $(head -n 1 merge.out)"
[ "$(grep -c '<flakyFailure' merged.xml)" = "$flaky" ] || fail "merge lost the flaky marks"
assert_grep '<testsuites [^>]*failures="0"' merged.xml
"$KMSCONF" diff ok.xml merged.xml >diff.out 2>&1
assert_exit 0 $? "diff of a report and its merge"
"$KMSCONF" matrix ok.xml >matrix.md 2>&1 || fail "matrix: $(head -n 1 matrix.md)"
assert_no_grep 'FAIL' matrix.md
ntc=$((2 * $(find "$KC_SOURCE_DIR/cases" -name '*.json' | wc -l)))
assert_grep "^$ntc testcases: $ntc passed, 0 failed" ok.out
assert_grep '^throttled: concurrency backed off to [1-4] of 8 workers at the lowest$' ok.out
assert_grep '^~ throttled \(Throttling\): retry 1 of 4 after [0-9]+ ms$' ok.xml
# a retry is signed afresh: no SignatureNonce is sent twice (the runner's
# are UUIDs; a case that replays a nonce on purpose sets its own)
grep -Eo 'SignatureNonce=[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' ok.xml |
    sort | uniq -d >dup.txt
[ ! -s dup.txt ] || fail "a SignatureNonce sent twice: $(head -n 1 dup.txt)"
stop_refservers
echo "ok: --throttle 0.25: exit 0, $retries retries ($throttled throttled answers)"

start_refserver --throttle 0.25 --seed 1
"$KMSCONF" run --retries 0 --no-preflight --target "$PROFILE" \
    --endpoint "$RS_URL" -o none.xml >none.out 2>&1
assert_exit 1 $? "--retries 0 behind --throttle 0.25"
assert_grep '^FAIL  kmsconf\.' none.out
assert_grep 'code: .*Throttling' none.out
[ "$(prop none.xml kmsconf.retries)" = 0 ] || fail "--retries 0 retried"
assert_no_grep 'answers retried' none.out
stop_refservers
echo "ok: --retries 0 fails with Throttling"

# A probe that expects Throttling is never retried (the catalog's "extra"
# table has the code; --throttle 1 answers it up to 3 times in a row per
# connection)
mkdir -p tcases
cat >tcases/expected.json <<'CASE'
{
  "id": "throttle/expected",
  "error": "Throttling",
  "summary": "a probe that expects Throttling is sent once per format",
  "level": "extension",
  "extension": "a test fixture",
  "tags": ["read-only"],
  "probe": {
    "action": "DescribeKey",
    "params": {"KeyId": "${uuid}"},
    "expect": {"error": "Throttling"}
  }
}
CASE
start_refserver --throttle 1 --request-log expect.log
KMSCONF_ACCESS_KEY_ID=testid KMSCONF_ACCESS_KEY_SECRET=testsecret \
    "$KMSCONF" run --endpoint "$RS_URL" -o expect.xml tcases \
    >expect.out 2>&1
assert_exit 0 $? "a probe expecting Throttling"
[ "$(grep -c '"action":"DescribeKey"' expect.log)" = 2 ] ||
    fail "the Throttling probe was sent $(grep -c DescribeKey expect.log) times, expected 2"
echo "ok: a probe expecting Throttling is sent once"

# --rate 20 with 8 workers: N requests (the server's log, the preflight's
# included) take at least (N - 1) / 20 s
start_refserver --request-log rate.log
t0=$(date +%s%N)
KMSCONF_ACCESS_KEY_ID=testid KMSCONF_ACCESS_KEY_SECRET=testsecret \
    "$KMSCONF" run -q -j 8 --rate 20 --endpoint "$RS_URL" -o rate.xml \
    "$H4_CASES" >rate.out 2>&1
assert_exit 0 $? "--rate 20"
t1=$(date +%s%N)
stop_refservers
n=$(wc -l <rate.log)
elapsed_ms=$(((t1 - t0) / 1000000))
min_ms=$(((n - 1) * 1000 / 20))
[ "$n" -ge 20 ] || fail "--rate: only $n requests"
[ "$elapsed_ms" -ge "$min_ms" ] ||
    fail "--rate 20: $n requests in $elapsed_ms ms, under the $min_ms ms the rate allows"
echo "ok: --rate 20: $n requests in $elapsed_ms ms (at least $min_ms)"
"$KMSCONF" run --rate 0 >bad.out 2>&1
assert_exit 2 $? "--rate 0"
assert_grep "^kmsconf run: --rate '0': expected requests per second" bad.out
echo "ok"
