#!/usr/bin/env bash
# For each check, kms-refserver breaks exactly that check in its error
# answers: kmsconf must exit 1 and report failures of that type.
. "$(dirname "$0")/lib.sh"

checks="status code message request-id request-id-header request-id-unique
envelope format content-type parity"
for check in $checks; do
    "$KMSCONF" run -q -j 4 --tag read-only \
        --refserver-arg --allow-deviations --refserver-arg --deviate \
        --refserver-arg "$check" -o "dev-$check.xml" >"dev-$check.out" 2>&1
    assert_exit 1 $? "deviation $check: $(tail -n 3 "dev-$check.out")"
    assert_grep "<failure type=\"$check\"" "dev-$check.xml"
    validate_junit "dev-$check.xml"
    echo "ok: $check"
done

# --deviate-code: only answers with that code change their status.
"$KMSCONF" run -q --only 'h4/*' "$H4_CASES" \
    --refserver-arg --allow-deviations \
    --refserver-arg --deviate-code --refserver-arg Forbidden.KeyNotFound \
    -o dev-code.xml >dev-code.out 2>&1
assert_exit 1 $? "deviate-code"
assert_grep '<failure type="status"' dev-code.xml
[ "$(grep -c '<failure' dev-code.xml)" = 2 ] ||
    fail "deviate-code: expected exactly the 2 h4/not-found testcases to fail"
echo "ok"

# Two checks fail on every testcase: the exchange is written once in the
# failures (the second points to the first) and once in <system-out>.
"$KMSCONF" run -q --only 'protocol/illegal-timestamp/missing' \
    --refserver-arg --allow-deviations --refserver-arg --deviate \
    --refserver-arg status --refserver-arg --deviate --refserver-arg message \
    -o dev-two.xml >dev-two.out 2>&1
assert_exit 1 $? "two deviations"
[ "$(grep -c '<failure ' dev-two.xml)" = 4 ] || fail "two deviations: 4 failures"
[ "$(grep -c '(exchange: see check status)' dev-two.xml)" = 2 ] ||
    fail "two deviations: the second failure should point to the first"
[ "$(grep -c '^&gt; POST ' dev-two.xml)" = 4 ] ||
    fail "two deviations: each exchange once in a failure, once in system-out"
echo "ok: two failed checks share one transcript"
