#!/usr/bin/env bash
# The preflight of kmsconf run against a real kms-refserver: a wrong
# AccessKeySecret and an unknown AccessKeyId each end the run before any
# case, in one line that names the fix, with exit 2; the credentials that
# exist to be refused (wrong-secret, the account conditions) do not stop a
# run; -v shows what the preflight learnt. (Closed port: run_exit_codes.sh;
# HTML pages, other APIs, clocks and silent servers: test_kc_preflight.c.)
. "$(dirname "$0")/lib.sh"

# shellcheck disable=SC2119 # no options
start_refserver
url=$RS_URL

KMSCONF_ACCESS_KEY_ID=testid KMSCONF_ACCESS_KEY_SECRET=not-the-secret \
    "$KMSCONF" run --endpoint "$url" -o wrong.xml "$H4_CASES" >wrong.out 2>&1
assert_exit 2 $? "wrong AccessKeySecret"
assert_grep "preflight: credential 'default' \(AccessKeyId testid\): .*IncompleteSignature.*check its AccessKeySecret" wrong.out
assert_no_grep 'not-the-secret' wrong.out
[ "$(wc -l <wrong.out)" -eq 1 ] || fail "wrong secret: more than one line"
[ ! -e wrong.xml ] || fail "wrong secret: a report of a run that never ran"

KMSCONF_ACCESS_KEY_ID=nosuchid KMSCONF_ACCESS_KEY_SECRET=x \
    "$KMSCONF" run --endpoint "$url" -o unknown.xml "$H4_CASES" \
    >unknown.out 2>&1
assert_exit 2 $? "unknown AccessKeyId"
assert_grep "does not know AccessKeyId nosuchid \(InvalidAccessKeyId.NotFound\): check the AccessKeyId" unknown.out
[ "$(wc -l <unknown.out)" -eq 1 ] || fail "unknown id: more than one line"

# the full profile: 14 credentials, some refused by design; the run goes on
"$KMSCONF" run -v --target "$KC_SOURCE_DIR/suite/targets/refserver.json" \
    --endpoint "$url" --only 'account/*' -o acct.xml >acct.out 2>&1
assert_exit 0 $? "account cases with every credential preflighted"
assert_grep "^preflight: ok: credential 'default'" acct.out
assert_grep "^preflight: refused: credential 'in-debt': ListKeys answered HTTP 403 Forbidden.InDebt" acct.out

# kmsconf doctor: what the preflight learnt, for every credential
"$KMSCONF" doctor --target "$KC_SOURCE_DIR/suite/targets/refserver.json" \
    --endpoint "$url" >doctor.out 2>&1
assert_exit 0 $? "doctor on kms-refserver"
assert_grep '^  default +ok ' doctor.out
assert_grep '^  in-debt +refused .*Forbidden.InDebt' doctor.out
assert_grep '^  wrong-secret +bad-secret ' doctor.out
assert_grep '^capabilities: .*region-without-hsm=xx-nohsm-1' doctor.out
assert_grep "^clock: the target's Date is [+-][0-9]+ s" doctor.out
assert_grep '^error envelope \(JSON\): HTTP/1.1 404, JSON \{HttpStatus, Code, Message, RequestId\}' doctor.out
assert_grep '^error envelope \(XML\): HTTP/1.1 404, XML <KMS> \{HttpStatus, Code, Message, RequestId\}' doctor.out
assert_no_grep 'testsecret' doctor.out
KMSCONF_ACCESS_KEY_ID=testid KMSCONF_ACCESS_KEY_SECRET=bad \
    "$KMSCONF" doctor --endpoint "$url" >doctor2.out 2>&1
assert_exit 2 $? "doctor with a wrong secret"
assert_grep 'check its AccessKeySecret' doctor2.out
"$KMSCONF" doctor >doctor3.out 2>&1
assert_exit 2 $? "doctor without a target"
stop_refservers
KMSCONF_ACCESS_KEY_ID=testid KMSCONF_ACCESS_KEY_SECRET=x \
    "$KMSCONF" doctor --endpoint "$url" >doctor4.out 2>&1
assert_exit 3 $? "doctor against a closed port"
echo "ok"
