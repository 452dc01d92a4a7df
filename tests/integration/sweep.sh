#!/usr/bin/env bash
# kmsconf sweep: resources left behind by runs (keys with Description
# kmsconf-..., aliases alias/kmsconf-...) in several accounts are listed by
# --dry-run and removed by a real sweep; a second dry run lists nothing;
# keys already PendingDeletion and resources without the label are left.
# Env (set by ctest): KMSCONF, REFSERVER, KC_SOURCE_DIR.
set -u
fail() { echo "FAIL: $*" >&2; exit 1; }
: "${KMSCONF:?}" "${REFSERVER:?}" "${KC_SOURCE_DIR:?}"
TARGET="$KC_SOURCE_DIR/suite/targets/refserver.json"

mkfifo srv.out
"$REFSERVER" --listen 127.0.0.1:0 >srv.out 2>srv.err &
srv=$!
trap 'kill -TERM $srv 2>/dev/null; wait $srv 2>/dev/null' EXIT
exec 3<srv.out
read -r -t 10 url <&3 || { cat srv.err; fail "kms-refserver did not start"; }

# Usage errors first: no target, unknown option, unknown credential.
"$KMSCONF" sweep >/dev/null 2>&1; [ $? -eq 2 ] || fail "sweep without a target: want exit 2"
"$KMSCONF" sweep --target "$TARGET" --bogus >/dev/null 2>&1
[ $? -eq 2 ] || fail "unknown option: want exit 2"
"$KMSCONF" sweep --target "$TARGET" --endpoint "$url" --credential nobody >/dev/null 2>&1
[ $? -eq 2 ] || fail "unknown credential: want exit 2"

# Cases that leave things behind (no teardown on purpose).
mkdir -p left keep
cat >left/leave.json <<'JSON'
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
cat >left/leave-other-account.json <<'JSON'
{"id": "leave-other-account", "error": "Forbidden.KeyNotFound",
 "summary": "leaves a labelled key in the short-token account",
 "level": "extension",
 "extension": "a test fixture",
 "requires": {"credentials": ["short-token"]},
 "setup": [{"action": "CreateKey", "credential": "short-token",
            "params": {"Description": "${run.label}"},
            "save": {"key": "KeyMetadata.KeyId"}}],
 "probe": {"action": "DescribeKey", "params": {"KeyId": "${key}"},
           "expect": {"error": "Forbidden.KeyNotFound"}}}
JSON
cat >left/pending.json <<'JSON'
{"id": "pending", "error": "Rejected.PendingDeletion",
 "summary": "a labelled key already PendingDeletion: nothing to sweep",
 "level": "extension",
 "extension": "a test fixture",
 "setup": [
  {"action": "CreateKey", "params": {"Description": "${run.label}"},
   "save": {"key": "KeyMetadata.KeyId"}},
  {"action": "ScheduleKeyDeletion",
   "params": {"KeyId": "${key}", "PendingWindowInDays": "7"}}],
 "probe": {"action": "Encrypt",
           "params": {"KeyId": "${key}", "Plaintext": "aGVsbG8="},
           "expect": {"error": "Rejected.PendingDeletion"}}}
JSON
cat >left/keep.json <<'JSON'
{"id": "keep", "error": "Forbidden.KeyNotFound",
 "summary": "a key and an alias without the kmsconf label",
 "level": "extension",
 "extension": "a test fixture",
 "setup": [
  {"action": "CreateKey", "params": {"Description": "keep-me"},
   "save": {"key": "KeyMetadata.KeyId"}},
  {"action": "CreateAlias",
   "params": {"KeyId": "${key}", "AliasName": "alias/keep-me"}}],
 "probe": {"action": "DescribeKey", "params": {"KeyId": "${uuid}"},
           "expect": {"error": "Forbidden.KeyNotFound"}}}
JSON
cat >keep/still-there.json <<'JSON'
{"id": "still-there", "error": "AliasAlreadyExists",
 "summary": "alias/keep-me survived the sweep",
 "level": "extension",
 "extension": "a test fixture",
 "setup": [{"action": "CreateKey", "params": {"Description": "${run.label}"},
            "save": {"key": "KeyMetadata.KeyId"}}],
 "probe": {"action": "CreateAlias",
           "params": {"KeyId": "${key}", "AliasName": "alias/keep-me"},
           "expect": {"error": "AliasAlreadyExists"}},
 "teardown": [{"action": "ScheduleKeyDeletion",
               "params": {"KeyId": "${key}", "PendingWindowInDays": "7"}}]}
JSON

"$KMSCONF" run -q --target "$TARGET" --endpoint "$url" --cases left \
    -o left.xml >left.out 2>&1 || { cat left.out; fail "leaving run: exit $?"; }

run_sweep() { # name args...: runs kmsconf sweep, output in name.out
    local name=$1
    shift
    "$KMSCONF" sweep --target "$TARGET" --endpoint "$url" "$@" \
        >"$name.out" 2>"$name.err"
    echo $?
}

rc=$(run_sweep dry1 --dry-run)
cat dry1.out
[ "$rc" -eq 0 ] || { cat dry1.err; fail "dry run exit $rc"; }
grep -Eq '^\[default\] would delete alias alias/kmsconf-[0-9a-f]{8}-left$' dry1.out \
    || fail "dry run does not list the alias"
[ "$(grep -c '^\[default\] would schedule key ' dry1.out)" -eq 1 ] \
    || fail "dry run: want exactly one key of the default account"
[ "$(grep -c '^\[short-token\] would schedule key ' dry1.out)" -eq 1 ] \
    || fail "dry run: want exactly one key of the short-token account"
grep -q 'keep-me' dry1.out && fail "dry run lists an unlabelled resource"
grep -q '^sweep: 1 alias and 2 keys would be removed (dry run)' dry1.out \
    || fail "dry run summary"

# A dry run changes nothing.
rc=$(run_sweep dry2 --dry-run)
[ "$rc" -eq 0 ] && cmp -s <(sort dry1.out) <(sort dry2.out) \
    || fail "second dry run differs from the first"

# --label limits the sweep to one run: another label finds nothing.
rc=$(run_sweep other --dry-run --label kmsconf-00000000)
[ "$rc" -eq 0 ] && grep -q '^sweep: 0 aliases and 0 keys' other.out \
    || fail "--label of another run found something"
rc=$(run_sweep badlabel --dry-run --label 'x y')
[ "$rc" -eq 2 ] || fail "a malformed --label: want exit 2"

rc=$(run_sweep real)
cat real.out
[ "$rc" -eq 0 ] || { cat real.err; fail "sweep exit $rc"; }
grep -Eq '^\[default\] deleted alias alias/kmsconf-[0-9a-f]{8}-left$' real.out \
    || fail "sweep did not delete the alias"
[ "$(grep -c ' scheduled key .* for deletion in 7 days$' real.out)" -eq 2 ] \
    || fail "sweep did not schedule both keys"

rc=$(run_sweep dry3 --dry-run)
cat dry3.out
[ "$rc" -eq 0 ] || fail "dry run after the sweep: exit $rc"
grep -q '^sweep: 0 aliases and 0 keys would be removed' dry3.out \
    || fail "something is left after the sweep"
grep -q '^\[.*\] would ' dry3.out && fail "the last dry run still lists resources"

# The unlabelled alias is still there.
"$KMSCONF" run -q --target "$TARGET" --endpoint "$url" --cases keep \
    -o keep.xml >keep.out 2>&1 || { cat keep.out; fail "alias/keep-me was removed"; }
# An endpoint that answers nothing: exit 3.
kill -TERM $srv 2>/dev/null
wait $srv 2>/dev/null
trap - EXIT
rc=$(run_sweep gone --dry-run)
[ "$rc" -eq 3 ] || { cat gone.err; fail "sweep of a stopped server: exit $rc, want 3"; }
echo "PASS sweep"
