#!/usr/bin/env bash
# Per-code self-test of the case library: for every documented code, a
# kms-refserver started with --allow-deviations --deviate-code CODE answers
# that code with another HTTP status; running that code's cases must then
# fail (exit 1) with a failure on every one of that code's testcases.
# Env (set by ctest): KMSCONF, REFSERVER, KC_SOURCE_DIR.
set -u
fail() { echo "FAIL: $*" >&2; exit 1; }
: "${KMSCONF:?}" "${REFSERVER:?}" "${KC_SOURCE_DIR:?}"
command -v xmllint >/dev/null || fail "xmllint missing (scripts/install-deps.sh)"
command -v jq >/dev/null || fail "jq missing (scripts/install-deps.sh)"

CASES="$KC_SOURCE_DIR/cases"
TARGET="$KC_SOURCE_DIR/suite/targets/refserver.json"
find "$CASES" -name '*.json' -print0 | xargs -0 jq -r '[.error, .id] | @tsv' \
    | sort >ids.tsv

srv=
stop_server() {
    [ -n "$srv" ] || return 0
    kill -TERM "$srv" 2>/dev/null
    wait "$srv" 2>/dev/null
    exec 3<&-
    srv=
}
trap stop_server EXIT

# start_server ARGS...: kms-refserver on a free loopback port; sets url.
start_server() {
    rm -f srv.out
    mkfifo srv.out
    "$REFSERVER" --listen 127.0.0.1:0 "$@" >srv.out 2>srv.err &
    srv=$!
    exec 3<srv.out
    read -r -t 10 url <&3 || { cat srv.err; fail "kms-refserver $* did not start"; }
}

ncodes=0
for code in $(jq -r '.errors[].code' "$KC_SOURCE_DIR/suite/catalog.json"); do
    only=()
    while IFS=$'\t' read -r c id; do
        [ "$c" = "$code" ] && only+=(--only "$id")
    done <ids.tsv
    [ ${#only[@]} -gt 0 ] || fail "$code: no case"
    start_server --allow-deviations --deviate-code "$code"
    "$KMSCONF" run -q --target "$TARGET" --endpoint "$url" "${only[@]}" \
        -o "$code.xml" >"$code.out" 2>&1
    rc=$?
    stop_server
    [ $rc -eq 1 ] || { tail -20 "$code.out"; fail "$code: exit $rc, want 1"; }
    n=$(xmllint --xpath "count(//testcase[@classname='kmsconf.$code'])" "$code.xml")
    f=$(xmllint --xpath "count(//testcase[@classname='kmsconf.$code'][failure])" "$code.xml")
    st=$(xmllint --xpath "count(//testcase[@classname='kmsconf.$code']/failure[@type='status'])" "$code.xml")
    all=$(xmllint --xpath 'count(//testcase)' "$code.xml")
    echo "$code: $n testcases, $f failed ($st on status)"
    want=$((${#only[@]} / 2 * 2)) # one --only per case; 2 formats each
    [ "$n" -eq "$want" ] || fail "$code: $n testcases, want $want"
    [ "$n" -eq "$all" ] || fail "$code: the run held $all testcases, want only $n"
    [ "$f" -eq "$n" ] || fail "$code: only $f of $n testcases failed"
    [ "$st" -ge "$n" ] || fail "$code: only $st status failures for $n testcases"
    ncodes=$((ncodes + 1))
done
[ "$ncodes" -eq 32 ] || fail "$ncodes codes tested, want 32"

# Control: a deviating code does not disturb the cases of other codes.
start_server --allow-deviations --deviate-code InternalFailure
"$KMSCONF" run -q --target "$TARGET" --endpoint "$url" \
    --only 'not-found/*' --only 'key-state/*' -o control.xml >control.out 2>&1
rc=$?
stop_server
[ $rc -eq 0 ] || { tail -20 control.out; fail "control run: exit $rc, want 0"; }
n=$(xmllint --xpath 'count(//testcase)' control.xml)
[ "$n" -gt 0 ] || fail "control run ran nothing"
echo "PASS selftest_codes ($ncodes codes)"
