#!/usr/bin/env bash
# A case that stops early removes what it created and its teardown did not
# reach (issue 14, defect 3): setup creates a key, an alias on it and a
# second key, then a setup step fails; the case has no teardown. The run
# deletes the alias and schedules both keys for deletion with the
# credential that created them (request log), writes every creation and
# removal to the ledger, and removes the balanced ledger at the end.
. "$(dirname "$0")/lib.sh"

rm -rf cases requests.jsonl early.xml* refserver.* # an earlier run's
start_refserver --request-log "$WORK/requests.jsonl"
TARGET=$KC_SOURCE_DIR/suite/targets/refserver.json
mkdir cases
cat >cases/stops-early.json <<'JSON'
{"id": "stops-early", "error": "Forbidden.KeyNotFound",
 "summary": "setup fails after creating two keys and an alias",
 "level": "extension",
 "extension": "a test fixture",
 "requires": {"credentials": ["short-token"]},
 "setup": [
  {"action": "CreateKey", "params": {"Description": "${run.label}"},
   "save": {"key": "KeyMetadata.KeyId"}},
  {"action": "CreateAlias",
   "params": {"KeyId": "${key}", "AliasName": "alias/${run.label}-early"}},
  {"action": "CreateKey", "credential": "short-token",
   "params": {"Description": "${run.label}"}},
  {"action": "DescribeKey", "params": {"KeyId": "${uuid}"}}],
 "probe": {"action": "DescribeKey", "params": {"KeyId": "${key}"},
           "expect": {"error": "Forbidden.KeyNotFound"}}}
JSON

"$KMSCONF" run --no-preflight --target "$TARGET" --endpoint "$RS_URL" \
    -o early.xml cases >console.txt 2>&1
assert_exit 1 $? "run whose setup fails"
cat console.txt
validate_junit early.xml
assert_grep 'ERROR .*stops-early \[json\]' console.txt
assert_grep '^note: stops-early stopped early: removed 3 resources its teardown left$' console.txt

ok() { grep "\"action\":\"$1\"" requests.jsonl | grep -c '"status":200'; }
[ "$(ok CreateKey)" = 2 ] || fail "want 2 keys created, got $(ok CreateKey)"
[ "$(ok ScheduleKeyDeletion)" = 2 ] ||
    fail "2 keys created, $(ok ScheduleKeyDeletion) scheduled for deletion"
[ "$(ok DeleteAlias)" = 1 ] || fail "the alias was not deleted"
# The alias goes before its key.
order=$(grep -oE '"action":"(DeleteAlias|ScheduleKeyDeletion)"' requests.jsonl |
    head -n 1)
[ "$order" = '"action":"DeleteAlias"' ] || fail "a key was removed before its alias"

# Nothing labelled is left in either account.
"$KMSCONF" sweep --dry-run --target "$TARGET" --endpoint "$RS_URL" >dry.out 2>&1 ||
    fail "sweep --dry-run: exit $?"
assert_grep '^sweep: 0 aliases and 0 keys would be removed' dry.out

# A balanced ledger that was empty before the run is removed.
[ ! -e early.xml.ledger.jsonl ] || fail "the balanced ledger was left behind"
echo "ok: 2 keys and 1 alias of a case stopped at setup step 4 removed"
