#!/usr/bin/env bash
# Exit codes of kmsconf run: 3 unreachable target, 2 bad flag / bad value /
# malformed case folder / bad target, 1 failures, 0 green.
. "$(dirname "$0")/lib.sh"

# an endpoint whose port was just closed
# shellcheck disable=SC2119 # no options
start_refserver
url=$RS_URL
stop_refservers
# the preflight says it in one line, before any case
KMSCONF_ACCESS_KEY_ID=id KMSCONF_ACCESS_KEY_SECRET=unreachable-secret \
    "$KMSCONF" run --endpoint "$url" -o unreach.xml "$H4_CASES" \
    >unreach.out 2>&1
assert_exit 3 $? "unreachable endpoint"
assert_grep 'preflight: http://127.0.0.1:[0-9]*: .*check the endpoint URL' \
    unreach.out
[ "$(wc -l <unreach.out)" -eq 1 ] || fail "unreachable: more than one line"
# without the preflight every testcase errs, and the run says it once
KMSCONF_ACCESS_KEY_ID=id KMSCONF_ACCESS_KEY_SECRET=unreachable-secret \
    "$KMSCONF" run -q --no-preflight --endpoint "$url" -o unreach.xml \
    "$H4_CASES" >unreach.out 2>&1
assert_exit 3 $? "unreachable endpoint, no preflight"
assert_grep 'target unreachable: [^u]' unreach.out
assert_grep '<error type="transport"' unreach.xml

"$KMSCONF" run --no-such-flag >flag.out 2>&1
assert_exit 2 $? "unknown flag"
[ "$(wc -l <flag.out)" -le 2 ] || fail "unknown flag: more than a short message"

for bad in "-j 0" "--format yaml" "--timeout x" "--shard 3/2" \
    "--endpoint http://127.0.0.1:9 --refserver-arg --x"; do
    # shellcheck disable=SC2086
    "$KMSCONF" run $bad >bad.out 2>&1
    assert_exit 2 $? "kmsconf run $bad"
done

mkdir -p badcases/x
printf '{"id": "x/broken", "error": 42\n' >badcases/x/broken.json
"$KMSCONF" run badcases >badcases.out 2>&1
assert_exit 2 $? "malformed case folder"
assert_grep 'broken.json' badcases.out

printf '{"name": 1}' >badtarget.json
"$KMSCONF" run --target badtarget.json "$H4_CASES" >badtarget.out 2>&1
assert_exit 2 $? "malformed target"

# the embedded kms-refserver refuses to start: its reason is quoted
"$KMSCONF" run --refserver-arg --deviate --refserver-arg status \
    "$H4_CASES" >embed.out 2>&1
assert_exit 2 $? "embedded kms-refserver that does not start"
assert_grep 'cannot start .*allow-deviations' embed.out
KMSCONF_REFSERVER=$WORK/no-such-binary "$KMSCONF" run "$H4_CASES" \
    >embed2.out 2>&1
assert_exit 2 $? "missing kms-refserver binary"
assert_grep '^kmsconf run: kms-refserver .*/no-such-binary \(from \$KMSCONF_REFSERVER\): No such file' embed2.out

"$KMSCONF" run -q -o ok.xml "$H4_CASES" >ok.out 2>&1
assert_exit 0 $? "green run of the h4 cases"
echo "ok"
