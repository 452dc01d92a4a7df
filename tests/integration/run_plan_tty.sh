#!/usr/bin/env bash
# On a TTY, a real run against an endpoint that is not loopback shows its
# one-line plan before anything is sent; without a TTY, or against
# loopback, it does not. The endpoint is in TEST-NET-1 (RFC 5737), which
# nothing answers: the preflight then stops the run with exit 3.
. "$(dirname "$0")/lib.sh"
need script
cases=$KC_SOURCE_DIR/cases/parameters
far=http://192.0.2.1:9
export KMSCONF_ACCESS_KEY_ID=plan-id KMSCONF_ACCESS_KEY_SECRET=plan-secret

# run_tty OUT ARGS...: kmsconf run ARGS on a pseudo-terminal (script(1)),
# its output in OUT; sets RC
run_tty() {
    local out=$1 cmd
    shift
    printf -v cmd '%q ' "$KMSCONF" run "$@"
    timeout -k 5 60 script -qec "$cmd" /dev/null >"$out" 2>&1
    RC=$?
}

run_tty far.out --endpoint "$far" --connect-timeout 2 -o far.xml "$cases"
assert_exit 3 "$RC" "far endpoint on a TTY: $(tail -n 2 far.out)"
head -n 1 far.out | grep -Eq '^plan: [0-9]+ cases, [0-9]+ testcases, [0-9]+ requests, [0-9]+ keys and [0-9]+ aliases created' ||
    fail "the first line on a TTY is not the plan: $(head -n 1 far.out)"
assert_no_grep 'plan-secret' far.out

"$KMSCONF" run --endpoint "$far" --connect-timeout 2 -o far2.xml "$cases" \
    >notty.out 2>&1
assert_exit 3 $? "far endpoint without a TTY"
assert_no_grep '^plan: ' notty.out

# shellcheck disable=SC2119 # no options
start_refserver
run_tty near.out --target "$KC_SOURCE_DIR/suite/targets/refserver.json" \
    --endpoint "$RS_URL" --no-preflight --only \
    parameters/missing-parameter/describe-key-keyid -o near.xml
assert_exit 0 "$RC" "loopback on a TTY: $(tail -n 2 near.out)"
assert_no_grep '^plan: ' near.out
echo "ok"
