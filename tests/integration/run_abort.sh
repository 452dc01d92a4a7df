#!/usr/bin/env bash
# Early abort and the run deadline (issue 12 items 2 and 6, issue 14
# defect 6). A target that stops answering mid-run (kms-refserver
# --hang-after, or killed while an answer is held) trips the circuit
# breaker: exit 3, ONE line on stderr, a valid report marked
# kmsconf.aborted=unanswered whose cases that never started are skipped as
# not-run (not hundreds of errors), within seconds. --max-time cuts a run
# that would take minutes (answers that never come, a server that drips
# one byte at a time) to its deadline plus the teardowns' grace: exit 2,
# marked kmsconf.aborted=deadline.
. "$(dirname "$0")/lib.sh"

need python3 timeout xmllint
PROFILE=$KC_SOURCE_DIR/suite/targets/refserver.json
rm -rf ./*.xml ./*.out ./*.err ./*.jsonl hold refserver.* run.* # earlier runs'
NCASES=$("$KMSCONF" list 2>/dev/null | tail -n +2 | wc -l)
[ "$NCASES" -gt 100 ] || fail "kmsconf list: only $NCASES cases"

# run NAME BOUND ARGS...: kmsconf run of the whole suite under timeout(1);
# sets RC and ELAPSED_MS, fails past BOUND seconds.
run() {
    local name=$1 bound=$2 start end
    shift 2
    start=$(date +%s%N)
    timeout -k 5 "$bound" "$KMSCONF" run -q -j 2 --target "$PROFILE" \
        -o "$name.xml" --ledger "$name.jsonl" "$@" >"$name.out" 2>"$name.err"
    RC=$?
    end=$(date +%s%N)
    ELAPSED_MS=$(((end - start) / 1000000))
    echo "$name: exit $RC in $ELAPSED_MS ms"
    [ "$RC" != 124 ] && [ "$RC" != 137 ] ||
        fail "$name: kmsconf did not end within $bound s"
}

count() { # REPORT XPATH
    xmllint --nonet --xpath "count($2)" "$1"
}

# check_aborted NAME KIND LINE-REGEX: one stderr line, the report valid and
# marked, every testcase there, the ones never started skipped as not-run.
check_aborted() {
    local name=$1 kind=$2 r=$1.xml total notrun errors
    [ "$(wc -l <"$name.err")" = 1 ] ||
        fail "$name: stderr is not one line: $(head -n 3 "$name.err")"
    assert_grep "^kmsconf run: aborted: $3" "$name.err"
    validate_junit "$r"
    [ "$(prop "$r" kmsconf.aborted)" = "$kind" ] ||
        fail "$name: kmsconf.aborted is '$(prop "$r" kmsconf.aborted)'"
    total=$(count "$r" '//testcase')
    [ "$total" = $((NCASES * 2)) ] ||
        fail "$name: $total testcases, expected $((NCASES * 2))"
    notrun=$(count "$r" '//testcase[skipped[starts-with(@message, "not-run: ")]]')
    [ "$notrun" = "$(prop "$r" kmsconf.not_run)" ] ||
        fail "$name: $notrun not-run testcases, kmsconf.not_run $(prop "$r" kmsconf.not_run)"
    [ "$notrun" -gt $((NCASES)) ] || fail "$name: only $notrun testcases not run"
    assert_grep "^kmsconf run: aborted: .*; $notrun testcases not run\$" "$name.err"
    errors=$(count "$r" '//testcase[error]')
    [ "$errors" -le 20 ] || fail "$name: $errors errors (one per exchange in flight expected)"
    assert_grep "skipped \(aborted: .*; $notrun not run\)" "$name.out"
    echo "ok: $name: $total testcases, $(count "$r" '//testcase[not(failure or error or skipped)]') passed, $errors errors, $notrun not run"
}

# 1. kms-refserver answers 40 requests, then none: with --timeout 1 and
# 2 workers the breaker trips after 10 exchanges in a row without an answer.
start_refserver --hang-after 40
run hang 60 --endpoint "$RS_URL" --timeout 1
assert_exit 3 "$RC" "hang"
check_aborted hang unanswered 'the target stopped answering: 10 exchanges in a row got no answer \(the last: timeout: '
[ "$(count hang.xml '//testcase[not(failure or error or skipped)]')" -gt 0 ] || fail "hang: nothing passed before the hang"
[ "$ELAPSED_MS" -lt 20000 ] || fail "hang: took $ELAPSED_MS ms"
stop_refservers

# 2. kms-refserver killed while it holds its 30th answer: the connection
# breaks, then every connection is refused.
start_refserver --hold-request 30 --hold-file "$WORK/hold"
RS_PIDS=() # killed below, not stopped
start=$(date +%s%N)
timeout -k 5 60 "$KMSCONF" run -q -j 2 --target "$PROFILE" --endpoint "$RS_URL" \
    --timeout 5 -o killed.xml --ledger killed.jsonl >killed.out 2>killed.err &
run_pid=$!
wait_for_grep '^30$' "$WORK/hold" 30
kill -KILL "$RS_PID"
wait "$RS_PID" 2>/dev/null
wait "$run_pid"
RC=$?
ELAPSED_MS=$((($(date +%s%N) - start) / 1000000))
echo "killed: exit $RC in $ELAPSED_MS ms"
assert_exit 3 "$RC" "killed"
check_aborted killed unanswered 'the target stopped answering: 10 exchanges in a row got no answer \(the last: unreachable: '
[ "$ELAPSED_MS" -lt 20000 ] || fail "killed: took $ELAPSED_MS ms"

# 3. --max-time 3 against answers that never come, with --timeout 30: the
# breaker alone would need 10 timeouts of 30 s on 2 workers (150 s). The
# run ends at its deadline plus at most the 5 s grace of the teardowns.
start_refserver --hang-after 40
run deadline 60 --endpoint "$RS_URL" --timeout 30 --max-time 3
assert_exit 2 "$RC" "deadline"
check_aborted deadline deadline '--max-time 3 s passed'
[ "$ELAPSED_MS" -lt 12000 ] || fail "deadline: took $ELAPSED_MS ms"
stop_refservers

# 4. --max-time 3 against a server that drips its answers one byte every
# 0.5 s (tests/hostile): no answer ends before its --timeout of 30 s.
mkfifo "$WORK/drip.out"
python3 "$KC_SOURCE_DIR/tests/hostile/hostile_server.py" --mode drip \
    --port-file "$WORK/drip.port" >"$WORK/drip.out" 2>"$WORK/drip.err" &
RS_PIDS+=("$!")
exec {dfd}<"$WORK/drip.out"
read -t 20 -r drip_url <&"$dfd" || fail "the drip server did not start"
run drip 60 --endpoint "$drip_url" --timeout 30 --max-time 3 --no-preflight
assert_exit 2 "$RC" "drip"
check_aborted drip deadline '--max-time 3 s passed'
[ "$ELAPSED_MS" -lt 12000 ] || fail "drip: took $ELAPSED_MS ms"
echo "ok"
