#!/usr/bin/env bash
# SIGINT after the first testcase: kmsconf stops taking cases, runs the
# teardown of the cases in flight, writes the report marked interrupted and
# exits 2. Every key created was scheduled for deletion (request log).
. "$(dirname "$0")/lib.sh"

rm -rf console.txt console.fifo requests.jsonl int.xml* refserver.* # earlier runs'
start_refserver --latency-ms 100 --request-log "$WORK/requests.jsonl"
mkfifo console.fifo
"$KMSCONF" run -j 2 --target "$KC_SOURCE_DIR/suite/targets/refserver.json" \
    --endpoint "$RS_URL" -o int.xml "$H4_CASES" >console.fifo 2>&1 &
kpid=$!
exec {cfd}<console.fifo
seen=
while read -t 30 -r line <&"$cfd"; do
    echo "$line" >>console.txt
    case $line in
    PASS* | FAIL* | ERROR*) seen=1 && break ;;
    esac
done
[ -n "$seen" ] || fail "no testcase line within 30 s"
kill -INT "$kpid"
cat <&"$cfd" >>console.txt
wait "$kpid"
assert_exit 2 $? "interrupted kmsconf run"
[ -s int.xml ] || fail "no report after the interrupt"
validate_junit int.xml
[ "$(prop int.xml kmsconf.interrupted)" = true ] ||
    fail "report not marked interrupted"
total=$(grep -c '<testcase ' int.xml)
[ "$total" -lt 18 ] || fail "all 18 testcases ran: the interrupt came too late"

created=$(grep '"action":"CreateKey"' requests.jsonl | grep -c '"status":200')
deleted=$(grep '"action":"ScheduleKeyDeletion"' requests.jsonl |
    grep -c '"status":200')
[ "$created" -gt 0 ] || fail "no key was created"
[ "$created" = "$deleted" ] ||
    fail "$created keys created but $deleted scheduled for deletion"
echo "ok: $total testcases, $created keys created and deleted"
# The summary says how to check that nothing is left (exact command line).
assert_grep "^  kmsconf sweep --target $KC_SOURCE_DIR/suite/targets/refserver.json --endpoint $RS_URL --label kmsconf-[0-9a-f]{8} --dry-run\$" console.txt
label=$(grep -oE 'label kmsconf-[0-9a-f]{8}' console.txt | cut -d' ' -f2)
"$KMSCONF" sweep --target "$KC_SOURCE_DIR/suite/targets/refserver.json" \
    --endpoint "$RS_URL" --label "$label" --dry-run >sweep.out 2>&1 ||
    fail "the suggested sweep failed"
assert_grep '^sweep: 0 aliases and 0 keys would be removed' sweep.out
