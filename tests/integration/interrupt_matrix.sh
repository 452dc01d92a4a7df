#!/usr/bin/env bash
# SIGINT and SIGTERM at every step of two cases: update-alias (4 setup
# steps, 2 probes, 2 teardown steps) and decrypt (3 setup steps, the last
# schedules the deletion; no teardown). kms-refserver --hold-request K
# holds the answer of request K (with -j 1 and no preflight: step K of the
# case) and writes --hold-file when it is held; the test signals kmsconf
# then, waits for kmsconf's "interrupted" line, and only then lets the
# answer go, so the signal always lands while step K is in flight. Every
# run must exit 2 with a valid JUnit report marked interrupted, and leave
# nothing: every key created scheduled for deletion (request log) and
# kms-refserver holding no live kmsconf key or alias in any account.
. "$(dirname "$0")/lib.sh"

TARGET=$KC_SOURCE_DIR/suite/targets/refserver.json
PD=$KC_SOURCE_DIR/cases/key-state/rejected-pending-deletion
runs=0

# one CASE_FILE SIGNAL K
one() {
    local d="run-$(basename "$1" .json)-$2-$3"
    rm -rf "$d" && mkdir "$d" || fail "cannot make $d"
    start_refserver --request-log "$d/requests.jsonl" --hold-request "$3" \
        --hold-file "$d/held"
    "$KMSCONF" run -j 1 --no-preflight --target "$TARGET" --endpoint "$RS_URL" \
        -o "$d/r.xml" "$1" >"$d/out" 2>"$d/err" &
    local kpid=$!
    wait_for_grep '^[0-9]+$' "$d/held" 20
    kill -"$2" "$kpid"
    wait_for_grep '^kmsconf: interrupted' "$d/err" 20
    kill -USR1 "$RS_PID"
    wait "$kpid"
    assert_exit 2 $? "$d: kmsconf run"
    validate_junit "$d/r.xml"
    [ "$(prop "$d/r.xml" kmsconf.interrupted)" = true ] ||
        fail "$d: report not marked interrupted"
    local created deleted
    created=$(grep '"action":"CreateKey"' "$d/requests.jsonl" | grep -c '"status":200')
    deleted=$(grep '"action":"ScheduleKeyDeletion"' "$d/requests.jsonl" |
        grep -c '"status":200')
    [ "$created" = "$deleted" ] ||
        fail "$d: $created keys created, $deleted scheduled for deletion"
    assert_grep '^  kmsconf sweep --target .* --label kmsconf-[0-9a-f]{8} --dry-run$' "$d/out"
    assert_nothing_live "$TARGET" "$RS_URL"
    stop_refservers
    runs=$((runs + 1))
}

for sig in INT TERM; do
    for k in 1 2 3 4 5 6 7 8; do
        one "$PD/update-alias.json" "$sig" "$k"
    done
    for k in 1 2 3 4 5; do
        one "$PD/decrypt.json" "$sig" "$k"
    done
done
echo "ok: $runs interrupted runs, each with a valid report and nothing left"
