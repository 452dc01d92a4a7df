#!/usr/bin/env bash
# SIGKILL at every step of update-alias and decrypt (the step in flight
# held by kms-refserver --hold-request, as in interrupt_matrix.sh): kmsconf
# gets no chance to clean up, and `kmsconf sweep --ledger` finishes the job
# from the ledger alone: afterwards kms-refserver holds no live kmsconf key
# or alias in any account, and a second sweep of the same ledger has
# nothing to do. A ledger sweep removes only what its ledger holds (a
# labelled leftover of another run stays), and a torn last line is left
# out with a warning.
. "$(dirname "$0")/lib.sh"

TARGET=$KC_SOURCE_DIR/suite/targets/refserver.json
PD=$KC_SOURCE_DIR/cases/key-state/rejected-pending-deletion
runs=0

sweep_ledger() { # NAME LEDGER: sweeps, output in NAME.out / NAME.err
    "$KMSCONF" sweep --target "$TARGET" --endpoint "$RS_URL" --ledger "$2" \
        >"$1.out" 2>"$1.err"
}

# killed CASE_FILE K
killed() {
    local d="kill-$(basename "$1" .json)-$2"
    rm -rf "$d" && mkdir "$d" || fail "cannot make $d"
    start_refserver --hold-request "$2" --hold-file "$d/held"
    "$KMSCONF" run -j 1 --no-preflight --target "$TARGET" --endpoint "$RS_URL" \
        -o "$d/r.xml" --ledger "$d/ledger.jsonl" "$1" >"$d/out" 2>"$d/err" &
    local kpid=$!
    wait_for_grep '^[0-9]+$' "$d/held" 20
    kill -KILL "$kpid"
    { wait "$kpid"; } 2>/dev/null # no "Killed" line from bash
    assert_exit 137 $? "$d: kmsconf run under SIGKILL"
    kill -USR1 "$RS_PID"
    [ -s "$d/ledger.jsonl" ] || fail "$d: no ledger after SIGKILL"
    sweep_ledger "$d/sweep1" "$d/ledger.jsonl" ||
        fail "$d: sweep --ledger: exit $?: $(head -n 2 "$d/sweep1.err")"
    assert_nothing_live "$TARGET" "$RS_URL"
    sweep_ledger "$d/sweep2" "$d/ledger.jsonl" ||
        fail "$d: second sweep --ledger: exit $?"
    assert_grep '^sweep: 0 aliases and 0 keys removed$' "$d/sweep2.out"
    stop_refservers
    runs=$((runs + 1))
}

for k in 1 2 3 4 5 6 7 8; do
    killed "$PD/update-alias.json" "$k"
done
for k in 1 2 3 4 5; do
    killed "$PD/decrypt.json" "$k"
done

# Only what the ledger holds: a labelled key and alias of another run
# (left on purpose, no teardown) survive a ledger sweep.
rm -rf only && mkdir -p only/left
cat >only/left/leave.json <<'JSON'
{"id": "leave", "error": "Forbidden.AliasNotFound",
 "summary": "creates a labelled key and alias and leaves them",
 "level": "extension",
 "extension": "a test fixture",
 "setup": [
  {"action": "CreateKey", "params": {"Description": "${run.label}"},
   "save": {"key": "KeyMetadata.KeyId"}},
  {"action": "CreateAlias",
   "params": {"KeyId": "${key}", "AliasName": "alias/${run.label}-left"}}],
 "probe": {"action": "DescribeKey",
           "params": {"KeyId": "alias/${run.label}-nope"},
           "expect": {"error": "Forbidden.AliasNotFound"}}}
JSON
# The leaving run sends 4 requests; the 7th is update-alias's step 3,
# CreateAlias, held after the server made the alias.
start_refserver --hold-request 7 --hold-file only/held
"$KMSCONF" run -q --no-preflight --target "$TARGET" --endpoint "$RS_URL" \
    -o only/left.xml --ledger only/left.jsonl only/left >only/left.out 2>&1 ||
    fail "leaving run: exit $?"
# The run left 2 resources, so it keeps its ledger and says how to sweep.
assert_grep '^ledger: only/left.jsonl \(2 resources of run kmsconf-[0-9a-f]{8} not removed\)$' only/left.out
assert_grep "^to remove what is left: kmsconf sweep --target $TARGET --endpoint $RS_URL --ledger only/left.jsonl\$" only/left.out
"$KMSCONF" run -j 1 --no-preflight --target "$TARGET" --endpoint "$RS_URL" \
    -o only/r.xml --ledger only/ledger.jsonl "$PD/update-alias.json" \
    >only/out 2>&1 &
kpid=$!
wait_for_grep '^7$' only/held 20
kill -KILL "$kpid"
{ wait "$kpid"; } 2>/dev/null
kill -USR1 "$RS_PID"
# A torn last line, as a SIGKILL in the middle of a write leaves it.
printf '{"event":"sending","seq":9,"kind":"ke' >>only/ledger.jsonl
sweep_ledger only/sweep only/ledger.jsonl || fail "sweep of a torn ledger: exit $?"
assert_grep 'warning: only/ledger.jsonl:6: torn line left out' only/sweep.err
assert_grep '^sweep: 1 alias and 2 keys removed$' only/sweep.out
# The sweep ended the torn line before it appended what it removed: a
# second sweep reads every line, warns of the torn one and does nothing.
sweep_ledger only/sweep2 only/ledger.jsonl || fail "second sweep of a torn ledger: exit $?"
assert_grep 'warning: only/ledger.jsonl:6: torn line left out' only/sweep2.err
assert_grep '^sweep: 0 aliases and 0 keys removed$' only/sweep2.out
"$KMSCONF" sweep --dry-run --target "$TARGET" --endpoint "$RS_URL" >only/dry.out 2>&1
assert_grep '^sweep: 1 alias and 1 key would be removed \(dry run\)' only/dry.out
assert_grep 'would delete alias alias/kmsconf-[0-9a-f]{8}-left$' only/dry.out
# A line in the middle that is not a ledger line is an error.
printf '{"event":"nonsense"}\n{"event":"removed"}\n' >only/bad.jsonl
sweep_ledger only/bad only/bad.jsonl
assert_exit 2 $? "sweep of a corrupt ledger"
assert_grep 'only/bad.jsonl:1: not a ledger event' only/bad.err
# The leftovers of the other run go with its own ledger.
sweep_ledger only/left only/left.jsonl || fail "sweep of the other ledger: exit $?"
assert_nothing_live "$TARGET" "$RS_URL"
echo "ok: $runs SIGKILLed runs swept from their ledgers; a ledger sweep removes only its own"
