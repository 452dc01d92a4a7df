#!/usr/bin/env bash
# wait_until: a setup step waits for a time the target named (the
# documented condition) instead of a guessed duration. A time already past
# costs nothing; one more than 60 s away, or not an ISO 8601 time, is a
# setup error naming the step; the import-token case that waits for its
# TokenExpireTime passes in both formats.
. "$(dirname "$0")/lib.sh"

mkdir -p w
case_with_wait() { # id, wait_until value
    cat >"w/$1.json" <<JSON
{
  "id": "w/$1",
  "error": "Forbidden.KeyNotFound",
  "summary": "DescribeKey of a missing key after a wait_until step",
  "level": "extension",
  "extension": "a test fixture",
  "tags": ["read-only"],
  "setup": [{"wait_until": "$2"}],
  "probe": {
    "action": "DescribeKey",
    "params": {"KeyId": "\${uuid}"},
    "expect": {"error": "Forbidden.KeyNotFound"}
  }
}
JSON
}
case_with_wait past 2000-01-01T00:00:00Z
case_with_wait far 2999-01-01T00:00:00Z
case_with_wait bad yesterday

"$KMSCONF" run -q --only w/past -o past.xml w >past.out 2>&1
assert_exit 0 $? "wait_until in the past"
assert_grep 'tests="2" failures="0" errors="0"' past.xml

"$KMSCONF" run -q --only w/far --only w/bad -o bad.xml w >bad.out 2>&1
assert_exit 1 $? "wait_until too far or malformed"
assert_grep 'wait_until: 2999-01-01T00:00:00Z is [0-9]* s away, past the 60 s a step may wait' bad.xml
assert_grep "wait_until: 'yesterday' is not an ISO 8601 UTC time" bad.xml
[ "$(grep -c '<error ' bad.xml)" -eq 4 ] || fail "expected 4 erring testcases"

"$KMSCONF" run -q --only 'import/expired-import-token/short-lifetime' \
    -o token.xml >token.out 2>&1
assert_exit 0 $? "the short-lifetime import token case"
assert_grep 'tests="2" failures="0" errors="0" skipped="0"' token.xml
echo "ok"
