#!/usr/bin/env bash
# kmsconf run --read-only runs exactly the cases tagged read-only, they pass,
# and the server's request log shows that no key was created (no CreateKey
# answered 2xx, no CreateAlias at all).
# Env (set by ctest): KMSCONF, REFSERVER, KC_SOURCE_DIR.
set -u
fail() { echo "FAIL: $*" >&2; exit 1; }
: "${KMSCONF:?}" "${REFSERVER:?}" "${KC_SOURCE_DIR:?}"
command -v xmllint >/dev/null || fail "xmllint missing (scripts/install-deps.sh)"
command -v jq >/dev/null || fail "jq missing (scripts/install-deps.sh)"
CASES="$KC_SOURCE_DIR/cases"
TARGET="$KC_SOURCE_DIR/suite/targets/refserver.json"

find "$CASES" -name '*.json' -print0 \
    | xargs -0 jq -r 'select(.tags // [] | index("read-only")) | .id' \
    | sort >want.txt
nro=$(wc -l <want.txt)
[ "$nro" -gt 0 ] || fail "no read-only case"
# The setup and teardown of a read-only case only read (List*, Describe*).
find "$CASES" -name '*.json' -print0 \
    | xargs -0 jq -r 'select((.tags // [] | index("read-only")) and
                             ((.setup // []) + (.teardown // []) |
                              map(.action // "" | test("^(List|Describe)") | not) |
                              any)) | .id' \
    >bad.txt
[ -s bad.txt ] && { cat bad.txt; fail "read-only cases with setup or teardown"; }

mkfifo srv.out
"$REFSERVER" --listen 127.0.0.1:0 --request-log requests.jsonl >srv.out 2>srv.err &
srv=$!
trap 'kill -TERM $srv 2>/dev/null; wait $srv 2>/dev/null' EXIT
exec 3<srv.out
read -r -t 10 url <&3 || { cat srv.err; fail "kms-refserver did not start"; }

"$KMSCONF" run -q --read-only --target "$TARGET" --endpoint "$url" \
    -o ro.xml >ro.out 2>&1
rc=$?
[ $rc -eq 0 ] || { tail -30 ro.out; fail "read-only run exit $rc"; }

xmllint --xpath '//testcase/@name' ro.xml | grep -o 'name="[^"]*"' \
    | sed -E 's/^name="(.*) \[(json|xml)\]"$/\1/' | sort -u >got.txt
diff want.txt got.txt >/dev/null || { diff want.txt got.txt | head; fail "the read-only run ran other cases"; }
n=$(xmllint --xpath 'count(//testcase)' ro.xml)
[ "$n" -eq $((2 * nro)) ] || fail "$n testcases, want $((2 * nro))"

[ -s requests.jsonl ] || fail "empty request log"
created=$(jq -r 'select(.action == "CreateKey" and .status < 300) | .action' requests.jsonl | wc -l)
aliases=$(jq -r 'select(.action == "CreateAlias" and .status < 300) | .action' requests.jsonl | wc -l)
[ "$created" -eq 0 ] || fail "$created keys created by a read-only run"
[ "$aliases" -eq 0 ] || fail "$aliases aliases created by a read-only run"
echo "PASS cases_read_only ($nro cases, $(wc -l <requests.jsonl) requests)"
