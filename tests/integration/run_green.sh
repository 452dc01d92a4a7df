#!/usr/bin/env bash
# kmsconf against the bundled kms-refserver: every case passes (exit 0), and
# the report is valid against the Jenkins schema, and with --junit-strict
# against the Ant schema. The same suite signed with V3 and sent as GET.
. "$(dirname "$0")/lib.sh"

"$KMSCONF" run -q -o green.xml >green.out 2>&1
assert_exit 0 $? "kmsconf run (embedded kms-refserver): $(tail -n 5 green.out)"
validate_junit green.xml
assert_grep '<property name="kmsconf.interrupted" value="false"' green.xml
assert_grep '<property name="kmsconf.signature" value="v1"' green.xml
assert_grep '<property name="kmsconf.formats" value="json,xml"' green.xml
[ "$(grep -c '<testcase ' green.xml)" -gt 0 ] || fail "no testcase in green.xml"

"$KMSCONF" run -q --junit-strict -o strict.xml >strict.out 2>&1
assert_exit 0 $? "kmsconf run --junit-strict"
validate_junit strict.xml strict

# shellcheck disable=SC2119 # no options
start_refserver
sed -e 's/"signature": "v1"/"signature": "v3"/' \
    "$KC_SOURCE_DIR/suite/targets/refserver.json" >v3.json
"$KMSCONF" run -q --target v3.json --endpoint "$RS_URL" -o v3.xml >v3.out 2>&1
assert_exit 0 $? "kmsconf run with V3 signatures: $(tail -n 5 v3.out)"
assert_grep '<property name="kmsconf.signature" value="v3"' v3.xml

sed -e 's/"method": "POST"/"method": "GET"/' \
    "$KC_SOURCE_DIR/suite/targets/refserver.json" >get.json
"$KMSCONF" run -q --target get.json --endpoint "$RS_URL" -o get.xml \
    >get.out 2>&1
assert_exit 0 $? "kmsconf run with GET: $(tail -n 5 get.out)"
echo "ok"
