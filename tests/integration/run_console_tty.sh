#!/usr/bin/env bash
# The console of kmsconf run on a terminal and off it: on a pseudo-terminal
# (script(1)) with CI unset, the live line carries the rate, the elapsed
# time and the ETA, and the outcomes are coloured; NO_COLOR=1 (any
# non-empty value) takes the colour away but keeps the live line;
# --color=never likewise, --color=always colours even a pipe. Without a
# terminal there is no escape byte and no carriage return at all. The
# summary is always there with its duration, and the skips are one line.
. "$(dirname "$0")/lib.sh"
need script
ESC=$'\033'
# one code of the selection answers with another status: some FAIL lines
DEV=(--refserver-arg --allow-deviations --refserver-arg --deviate-code
    --refserver-arg MissingParameter)
SEL=(--only 'parameters/*' -j 2 --no-preflight)

# run_tty OUT [VAR=VALUE...] -- ARGS...: kmsconf run ARGS on a
# pseudo-terminal, CI unset and the environment VAR=VALUE set; sets RC
run_tty() {
    local out=$1 cmd envs=()
    shift
    while [ "$1" != -- ]; do
        envs+=("$1")
        shift
    done
    shift
    printf -v cmd '%q ' env -u CI -u NO_COLOR "${envs[@]}" "$KMSCONF" run "$@"
    timeout -k 5 120 script -qec "$cmd" /dev/null >"$out" 2>&1
    RC=$?
}

run_tty tty.out -- "${SEL[@]}" "${DEV[@]}" -o tty.xml
assert_exit 1 "$RC" "TTY run with a deviating code: $(tail -n 3 tty.out)"
grep -aEq "\[[0-9]+/[0-9]+\] [0-9]+ failed  [0-9]+\.[0-9]+/s  [0-9]+:[0-9]{2} elapsed  ETA [0-9]+:[0-9]{2}" tty.out ||
    fail "no live line with rate, elapsed and ETA: $(tr '\r' '\n' <tty.out | grep -a -m1 '^\[')"
grep -aq "${ESC}\[K" tty.out || fail "the live line is not rewritten in place"
grep -aq "${ESC}\[31mFAIL${ESC}\[0m  kmsconf.MissingParameter" tty.out ||
    fail "FAIL is not red on a terminal"
grep -aq "${ESC}\[32m[0-9]* passed${ESC}\[0m" tty.out ||
    fail "the passed count is not green on a terminal"
grep -aEq "testcases: .* in [0-9]+\.[0-9] s" tty.out ||
    fail "no duration in the summary"
assert_grep "^failures by code:" tty.out

run_tty nocolor.out NO_COLOR=1 -- "${SEL[@]}" "${DEV[@]}" -o nocolor.xml
assert_exit 1 "$RC" "TTY run with NO_COLOR=1"
grep -aq "${ESC}\[[0-9;]*m" nocolor.out && fail "NO_COLOR=1 still colours"
grep -aEq "\[[0-9]+/[0-9]+\] [0-9]+ failed  .*/s  .* elapsed  ETA " nocolor.out ||
    fail "NO_COLOR=1 took the live line away"

run_tty empty.out NO_COLOR= -- "${SEL[@]}" "${DEV[@]}" -o empty.xml
grep -aq "${ESC}\[31mFAIL" empty.out || fail "an empty NO_COLOR disables colour"

run_tty never.out -- "${SEL[@]}" "${DEV[@]}" --color=never -o never.xml
grep -aq "${ESC}\[[0-9;]*m" never.out && fail "--color=never still colours"

# CI set on a terminal: no live line, one line per testcase
run_tty ci.out CI=1 -- "${SEL[@]}" -o ci.xml
assert_exit 0 "$RC" "TTY run with CI=1"
grep -aq ' elapsed  ETA ' ci.out && fail "CI=1 still shows the live line"
grep -aq "${ESC}\[K" ci.out && fail "CI=1 still rewrites lines"

# no terminal: not one escape byte, not one carriage return
env -u CI -u NO_COLOR "$KMSCONF" run "${SEL[@]}" "${DEV[@]}" -o pipe.xml \
    >pipe.out 2>&1
assert_exit 1 $? "run into a pipe"
grep -aq "$ESC" pipe.out && fail "escape bytes without a terminal"
grep -aq $'\r' pipe.out && fail "carriage returns without a terminal"
assert_grep "^FAIL  kmsconf.MissingParameter" pipe.out
assert_grep "^[0-9]+ testcases: [0-9]+ passed, [0-9]+ failed, 0 errors, 0 skipped in [0-9]+\.[0-9] s$" pipe.out
"$KMSCONF" run "${SEL[@]}" "${DEV[@]}" --color=always -o always.xml \
    >always.out 2>&1
grep -aq "${ESC}\[31mFAIL${ESC}\[0m" always.out ||
    fail "--color=always does not colour a pipe"

# skips: one grouped line, no line per skipped testcase (-v has them)
cat >short.json <<JSON
{"name": "short", "endpoint": "http://127.0.0.1:1", "region": "cn-hangzhou",
 "allow_inline_secrets": true,
 "credentials": {"default": {"access_key_id": "testid",
                             "access_key_secret": "testsecret"}}}
JSON
start_refserver
"$KMSCONF" run --target short.json --endpoint "$RS_URL" --no-preflight \
    --only 'account/*' -o skips.xml >skips.out 2>&1
rc=$?
[ "$rc" -le 1 ] || fail "run with missing credentials: exit $rc: $(tail -n 3 skips.out)"
assert_grep "^skipped [0-9]+: requires credential [a-z-]+ \([0-9]+\)" skips.out
grep -q "^SKIP " skips.out && fail "a line per skipped testcase without -v"
"$KMSCONF" run -v --target short.json --endpoint "$RS_URL" --no-preflight \
    --only 'account/*' -o skips-v.xml >skips-v.out 2>&1
assert_grep "^SKIP  kmsconf\." skips-v.out
echo "ok"
