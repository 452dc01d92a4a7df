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
# transcripts of passing testcases only with --transcripts all (or -v);
# every testcase keeps its RequestId
assert_no_grep '@@ transcript' green.xml
[ "$(grep -c '@@ request-id: ' green.xml)" = "$(grep -c '<testcase ' green.xml)" ] ||
    fail "a passing testcase lost its RequestId"
"$KMSCONF" run -q --transcripts all -o green-all.xml >green-all.out 2>&1
assert_exit 0 $? "kmsconf run --transcripts all"
[ "$(grep -c '@@ transcript' green-all.xml)" = "$(grep -c '<testcase ' green-all.xml)" ] ||
    fail "--transcripts all: not every testcase has its transcript"
"$KMSCONF" run -v --only 'not-found/*' -o green-v.xml >green-v.out 2>&1
assert_exit 0 $? "kmsconf run -v"
assert_grep '@@ transcript' green-v.xml
"$KMSCONF" run -v --transcripts failed --only 'not-found/*' -o green-vf.xml \
    >green-vf.out 2>&1
assert_no_grep '@@ transcript' green-vf.xml
"$KMSCONF" run --transcripts some -o x.xml >bad.out 2>&1
assert_exit 2 $? "--transcripts some"
assert_grep "^kmsconf run: --transcripts 'some': expected all or failed" bad.out
echo "ok: green report $(wc -c <green.xml) bytes, $(wc -c <green-all.xml) with every transcript"

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
