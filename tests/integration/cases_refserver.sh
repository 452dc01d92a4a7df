#!/usr/bin/env bash
# The whole case library against the embedded kms-refserver: every case runs
# (no skips) and passes in both formats, with V1 (the embedded default) and
# V3 signatures, and repeated against one server with -j 2; the teardowns
# leave nothing for kmsconf sweep; every documented code has cases
# (kmsconf coverage).
# Env (set by ctest): KMSCONF, REFSERVER, KC_SOURCE_DIR.
set -u
fail() { echo "FAIL: $*" >&2; exit 1; }
: "${KMSCONF:?}" "${REFSERVER:?}" "${KC_SOURCE_DIR:?}"
command -v xmllint >/dev/null || fail "xmllint missing (scripts/install-deps.sh)"
command -v jq >/dev/null || fail "jq missing (scripts/install-deps.sh)"

CASES="$KC_SOURCE_DIR/cases"
TARGET="$KC_SOURCE_DIR/suite/targets/refserver.json"
ncases=$(find "$CASES" -name '*.json' | wc -l)
[ "$ncases" -ge 90 ] || fail "only $ncases case files"

# The report must hold 2 testcases per case, none skipped, failed or in error.
check_report() { # report label
    local r=$1 what=$2 n s f e
    [ -s "$r" ] || fail "$what: no report"
    n=$(xmllint --xpath 'count(//testcase)' "$r")
    s=$(xmllint --xpath 'count(//testcase/skipped)' "$r")
    f=$(xmllint --xpath 'count(//testcase[failure])' "$r")
    e=$(xmllint --xpath 'count(//testcase[error])' "$r")
    echo "$what: $n testcases, $s skipped, $f failed, $e errors"
    [ "$n" -eq $((2 * ncases)) ] || fail "$what: $n testcases, want $((2 * ncases))"
    [ "$s" -eq 0 ] || fail "$what: $s skipped"
    [ "$f" -eq 0 ] || fail "$what: $f failed"
    [ "$e" -eq 0 ] || fail "$what: $e errors"
}

"$KMSCONF" lint "$CASES" >lint.out 2>&1 || { cat lint.out; fail "kmsconf lint"; }

"$KMSCONF" coverage >coverage.out 2>&1 || { cat coverage.out; fail "kmsconf coverage exit $?"; }
for code in $(jq -r '.errors[].code' "$KC_SOURCE_DIR/suite/catalog.json"); do
    grep -qF -- "$code" coverage.out || fail "coverage does not name $code"
done

# Every case has a unique id equal to its path.
for f in $(find "$CASES" -name '*.json'); do
    rel=${f#"$CASES"/}
    [ "$(jq -r .id "$f")" = "${rel%.json}" ] || fail "$f: id is not its path"
done

# What setup creates carries the run label (so that kmsconf sweep finds it).
find "$CASES" -name '*.json' -print0 | xargs -0 jq -r '
    .id as $id | (.setup // [])[] |
    select((.action == "CreateKey" and .params.Description != "${run.label}")
        or (.action == "CreateAlias" and
            (.params.AliasName | startswith("alias/${run.label}-") | not)))
    | $id' >unlabelled.txt
[ -s unlabelled.txt ] && { cat unlabelled.txt; fail "unlabelled resources"; }

# V1 against the embedded server (no target given).
"$KMSCONF" run -q -o v1.xml >v1.out 2>&1
rc=$?
[ $rc -eq 0 ] || { tail -40 v1.out; fail "embedded run (v1) exit $rc"; }
check_report v1.xml "embedded v1"

# V3: the same target profile with signature v3, against a server we start.
mkfifo srv.out
"$REFSERVER" --listen 127.0.0.1:0 >srv.out 2>srv.err &
srv=$!
trap 'kill -TERM $srv 2>/dev/null; wait $srv 2>/dev/null' EXIT
exec 3<srv.out
read -r -t 10 url <&3 || { cat srv.err; fail "kms-refserver did not start"; }
jq '.signature = "v3"' "$TARGET" >v3-target.json
"$KMSCONF" run -q --target v3-target.json --endpoint "$url" -o v3.xml >v3.out 2>&1
rc=$?
[ $rc -eq 0 ] || { tail -40 v3.out; fail "run (v3) exit $rc"; }
check_report v3.xml "v3"

# Every teardown cleaned up: nothing is left for a sweep.
"$KMSCONF" sweep --dry-run --target v3-target.json --endpoint "$url" \
    >sweep.out 2>sweep.err || { cat sweep.err; fail "sweep --dry-run exit $?"; }
grep -q '^sweep: 0 aliases and 0 keys would be removed' sweep.out \
    || { cat sweep.out; fail "the run left keys or aliases behind"; }

# A second run against the same server passes too (runs are repeatable).
"$KMSCONF" run -q -j 2 --target "$TARGET" --endpoint "$url" -o again.xml \
    >again.out 2>&1
rc=$?
[ $rc -eq 0 ] || { tail -40 again.out; fail "second run (v1, -j 2) exit $rc"; }
check_report again.xml "second run, -j 2"
echo "PASS cases_refserver ($ncases cases)"
