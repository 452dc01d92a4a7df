#!/usr/bin/env bash
# kmsconf run --plan sends nothing and says what a run then does: the
# number of requests, keys and aliases it announces equal those kms-refserver
# logs for the real run (whole library, every credential), and for a run
# whose target lacks credentials the skipped cases are announced too.
. "$(dirname "$0")/lib.sh"
need jq
profile=$KC_SOURCE_DIR/suite/targets/refserver.json
# the request logs are appended to: start from none
rm -f "$WORK/plan-only.log" "$WORK/run.log" "$WORK/short.log"

plan_field() { # file, sed expression capturing one number
    sed -nE "s/$2/\\1/p" "$1" | head -n 1
}

start_refserver --request-log "$WORK/plan-only.log"
"$KMSCONF" run --plan --target "$profile" --endpoint "$RS_URL" \
    -o plan.xml >plan.out 2>&1
assert_exit 0 $? "run --plan"
[ ! -s "$WORK/plan-only.log" ] || fail "--plan sent requests"
[ ! -e plan.xml ] || fail "--plan wrote a report"
assert_grep '^nothing was sent$' plan.out
# the floor of a run: the case whose chain of requests and waits is longest
assert_grep "^longest chain: [^ ]+, [0-9]+ requests one after another, [0-9.]+ s of fixed waits and [0-9]+ until a time the target names \\(1.0 s each\\): [0-9.]+ s at 50 ms a request$" plan.out
stop_refservers

start_refserver --request-log "$WORK/run.log"
"$KMSCONF" run -q --target "$profile" --endpoint "$RS_URL" -o run.xml \
    >run.out 2>&1
assert_exit 0 $? "the real run"
stop_refservers

want_requests=$(plan_field plan.out '^plan: .*, ([0-9]+) requests,.*')
want_keys=$(plan_field plan.out '^plan: .*requests, ([0-9]+) keys and.*')
want_aliases=$(plan_field plan.out '^plan: .* keys and ([0-9]+) aliases.*')
got_requests=$(wc -l <"$WORK/run.log")
got_keys=$(jq -s '[.[] | select(.action == "CreateKey" and .status == 200)] | length' "$WORK/run.log")
got_aliases=$(jq -s '[.[] | select(.action == "CreateAlias" and .status == 200)] | length' "$WORK/run.log")
[ "$want_requests" = "$got_requests" ] ||
    fail "plan announced $want_requests requests, the run sent $got_requests"
[ "$want_keys" = "$got_keys" ] ||
    fail "plan announced $want_keys keys, the run created $got_keys"
[ "$want_aliases" = "$got_aliases" ] ||
    fail "plan announced $want_aliases aliases, the run created $got_aliases"
[ "$want_keys" -gt 0 ] || fail "the library creates no key?"

# a target with only the default credential: the account cases are skipped
start_refserver --request-log "$WORK/short.log"
KMSCONF_ACCESS_KEY_ID=testid KMSCONF_ACCESS_KEY_SECRET=testsecret \
    "$KMSCONF" run --plan --endpoint "$RS_URL" --only 'account/*' \
    >short-plan.out 2>&1
assert_exit 0 $? "run --plan, short form"
assert_grep 'skipped: [0-9]+ cases: missing-credential: in-debt' short-plan.out
KMSCONF_ACCESS_KEY_ID=testid KMSCONF_ACCESS_KEY_SECRET=testsecret \
    "$KMSCONF" run -q --endpoint "$RS_URL" --only 'account/*' -o short.xml \
    >short.out 2>&1
assert_exit 0 $? "account cases without their credentials (all skipped)"
want=$(plan_field short-plan.out '^plan: .*, ([0-9]+) requests,.*')
got=$(wc -l <"$WORK/short.log")
[ "$want" = "$got" ] || fail "short form: plan $want requests, run $got"
skipped=$(plan_field short-plan.out '^plan: .*, ([0-9]+) cases skipped$')
testcases_skipped=$(grep -c '<skipped' short.xml)
[ "$testcases_skipped" -eq $((skipped * 2)) ] ||
    fail "plan skipped $skipped cases, the report has $testcases_skipped skipped testcases"
echo "ok: $want_requests requests, $want_keys keys, $want_aliases aliases as planned"
