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
