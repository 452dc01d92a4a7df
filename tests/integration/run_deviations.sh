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

# Two checks fail on every testcase: one <failure> per testcase lists both;
# the exchange is written once in it (the second check points to the first)
# and once in <system-out>, as CDATA (no entities).
"$KMSCONF" run -q --only 'protocol/illegal-timestamp/missing' \
    --refserver-arg --allow-deviations --refserver-arg --deviate \
    --refserver-arg status --refserver-arg --deviate --refserver-arg message \
    -o dev-two.xml >dev-two.out 2>&1
assert_exit 1 $? "two deviations"
[ "$(grep -c '<failure ' dev-two.xml)" = 2 ] ||
    fail "two deviations: one failure per testcase, 2 in all"
[ "$(grep -c '<failure type="status" message="status: [^"]*; message: ' dev-two.xml)" = 2 ] ||
    fail "two deviations: each failure's message should list both checks"
[ "$(grep -c '(exchange: see check status)' dev-two.xml)" = 2 ] ||
    fail "two deviations: the second failure should point to the first"
[ "$(grep -c '^> POST ' dev-two.xml)" = 4 ] ||
    fail "two deviations: each exchange once in a failure, once in system-out"
echo "ok: two failed checks share one transcript"

# The strict rules (docs/checks.md, "One reading of every answer"): each
# deviation breaks one rule in error answers; exactly the intended check
# fails (no other failure type, no error), with the rule's message.
# deviation | check | part of the message
strict_one() {
    local dev=$1 check=$2 text=$3 types
    "$KMSCONF" run -q -j 4 --tag read-only \
        --refserver-arg --allow-deviations --refserver-arg --deviate \
        --refserver-arg "$dev" -o "strict-$dev.xml" >"strict-$dev.out" 2>&1
    assert_exit 1 $? "deviation $dev: $(tail -n 3 "strict-$dev.out")"
    types=$(grep -o '<failure type="[^"]*"' "strict-$dev.xml" | sort -u)
    [ "$types" = "<failure type=\"$check\"" ] ||
        fail "deviation $dev: failure types $(echo "$types" | tr '\n' ' ')" \
            "expected only $check"
    assert_no_grep '<error ' "strict-$dev.xml"
    grep -F -- "$text" "strict-$dev.xml" >/dev/null ||
        fail "deviation $dev: no message with '$text'"
    validate_junit "strict-$dev.xml"
    echo "ok: $dev fails only $check"
}
while IFS='|' read -r dev check text; do
    [ -n "$dev" ] && strict_one "$dev" "$check" "$text"
done <<'TABLE'
json-trailing-bytes|format|bytes after the JSON value
json-duplicate-member|format|member &quot;Code&quot; appears twice (readers disagree on which wins)
json-member-case|format|differ only in case
json-invalid-utf8|format|invalid UTF-8
json-control-character|format|raw control character 0x09 in a string
json-number-grammar|format|number '0
json-whitespace|format|0x0c is not JSON white space
json-lone-surrogate|format|unpaired surrogate escape \ud800
json-escaped-nul|code|Code holds an escaped NUL
json-status-not-integer|envelope|HttpStatus is written with a fraction or an exponent
xml-duplicate-element|format|element &lt;Code&gt; appears twice under &lt;KMS&gt;
xml-nested-element|format|element &lt;Code&gt; is nested in &lt;Detail&gt;
xml-namespace|format|is in namespace 'urn:deviant:kms'
xml-version|format|XML version &quot;1.1&quot;
content-type-twice|content-type|Content-Type sent 2 times
request-id-header-twice|request-id-header|x-acs-request-id sent 2 times
content-type-parameter|content-type|has a parameter other than charset (profile)
content-type-charset|content-type|charset 'iso-8859-1' does not name the body's encoding
request-id-case|request-id-unique|was already seen in this run
TABLE

# Setup answers: a 2xx that is an error envelope, or not in the asked
# format, makes the step fail with a setup error naming it; read-only
# cases (no setup) still pass.
strict_setup() {
    local dev=$1 text=$2
    "$KMSCONF" run -q "$H4_CASES" --refserver-arg --allow-deviations \
        --refserver-arg --deviate --refserver-arg "$dev" \
        -o "strict-$dev.xml" >"strict-$dev.out" 2>&1
    assert_exit 1 $? "deviation $dev: $(tail -n 3 "strict-$dev.out")"
    [ "$(grep -c '<error type="setup" message="setup: setup step 1 (CreateKey) answered HTTP 200 with '"$text" "strict-$dev.xml")" = 16 ] ||
        fail "deviation $dev: expected 16 setup errors with '$text'"
    assert_no_grep '<failure ' "strict-$dev.xml"
    [ "$(grep -c '<testcase ' "strict-$dev.xml")" = 18 ] ||
        fail "deviation $dev: expected 18 testcases"
    validate_junit "strict-$dev.xml"
    echo "ok: $dev fails the setup steps"
}
strict_setup success-error-envelope "an error envelope (Code 'InternalFailure')"
strict_setup success-wrong-format "a body not in the asked format (JSON): body is not a JSON object"
# A setup step that saves nothing: it used to count as a success.
mkdir -p setup-cases
cat >setup-cases/listed.json <<'JSON'
{"id": "t/setup-list", "error": "Forbidden.KeyNotFound",
 "summary": "a setup step whose answer is not read for variables",
 "level": "extension",
 "extension": "a test fixture",
 "setup": [{"action": "ListKeys"}],
 "probe": {"action": "DescribeKey", "params": {"KeyId": "${uuid}"},
           "expect": {"error": "Forbidden.KeyNotFound"}}}
JSON
"$KMSCONF" run -q setup-cases -o setup-truth.xml >setup-truth.out 2>&1
assert_exit 0 $? "setup case against the truth: $(tail -n 3 setup-truth.out)"
"$KMSCONF" run -q setup-cases --refserver-arg --allow-deviations \
    --refserver-arg --deviate --refserver-arg success-error-envelope \
    -o setup-dev.xml >setup-dev.out 2>&1
assert_exit 1 $? "deviation success-error-envelope, a step without save"
[ "$(grep -c '<error type="setup" message="setup: setup step 1 (ListKeys) answered HTTP 200 with an error envelope' setup-dev.xml)" = 2 ] ||
    fail "success-error-envelope: a step without save should fail too"
echo "ok: a 2xx error envelope fails a setup step that saves nothing"

# Every answer enters the RequestId set, teardown answers too: with one
# RequestId in every success answer, the second teardown answer fails
# request-id-unique; against the truth the same case passes. A sweep
# reports the repeated id as well.
mkdir -p teardown-cases
cat >teardown-cases/listed.json <<'JSON'
{"id": "t/teardown-ids", "error": "Forbidden.KeyNotFound",
 "summary": "two teardown answers, each with its RequestId",
 "level": "extension",
 "extension": "a test fixture",
 "probe": {"action": "DescribeKey", "params": {"KeyId": "${uuid}"},
           "expect": {"error": "Forbidden.KeyNotFound"}},
 "teardown": [{"action": "ListKeys"}, {"action": "ListAliases"}]}
JSON
"$KMSCONF" run -q teardown-cases -o teardown-truth.xml >teardown-truth.out 2>&1
assert_exit 0 $? "teardown case against the truth: $(tail -n 3 teardown-truth.out)"
"$KMSCONF" run -q teardown-cases --refserver-arg --allow-deviations \
    --refserver-arg --deviate --refserver-arg success-request-id-repeated \
    -o teardown-dev.xml >teardown-dev.out 2>&1
assert_exit 1 $? "deviation success-request-id-repeated"
[ "$(grep -c '<failure type="request-id-unique" message="request-id-unique: teardown step 2: RequestId' teardown-dev.xml)" = 2 ] ||
    fail "success-request-id-repeated: expected the second teardown answer to fail request-id-unique on both testcases"
[ "$(grep -o '<failure type="[^"]*"' teardown-dev.xml | sort -u | wc -l)" = 1 ] ||
    fail "success-request-id-repeated: another check failed too"
validate_junit teardown-dev.xml
echo "ok: teardown answers enter the RequestId set"

start_refserver --allow-deviations --deviate success-request-id-repeated
"$KMSCONF" sweep --dry-run --target "$KC_SOURCE_DIR/suite/targets/refserver.json" \
    --endpoint "$RS_URL" --credential default >sweep.out 2>sweep.err
assert_exit 0 $? "sweep with repeated RequestIds: $(head -n 3 sweep.err)"
assert_grep "\[default\] ListKeys: RequestId '[0-9a-f-]+' was already seen in this sweep" sweep.err
echo "ok: sweep answers enter its RequestId set"
