#!/usr/bin/env bash
# Issue 9: a server that rewrites kms-refserver's error answers into any
# real form an Alibaba source documents (docs/sources.md) passes the whole
# suite, and every deviation kms-refserver injects is still caught through
# the rewriting. The rewriting is real_forms_proxy.py (next to this file),
# in front of a kms-refserver started here; kmsconf runs against the proxy
# with suite/targets/refserver.json (envelope kms, or relaxed for the
# gateway's shape).
#  - documented modes (0 failing testcases, the rewrite seen in the report):
#    wordings (one run per wording a code has beyond its first, turning
#    each probe's wording: together they send every documented wording to
#    every probe whose code has one), gateway
#    (relaxed), nopermission, seed;
#    wordings also with V3 signatures and with GET;
#  - controls (the run fails, with the expected check only): the final
#    period dropped where no source drops it (kms and relaxed), the case
#    of the first letter changed where no source writes it so; the
#    gateway's wordings under the kms rule set; the gateway's shape under
#    the kms rule set;
#  - every --deviate NAME (the names of deviate.c and checkname.c) and two
#    --deviate-code, through the proxy in mode wordings.
. "$(dirname "$0")/lib.sh"
need python3 jq xmllint

PROXY=$KC_SOURCE_DIR/tests/integration/real_forms_proxy.py
CATALOG=$KC_SOURCE_DIR/suite/catalog.json
CASES=$KC_SOURCE_DIR/cases
TARGET=$KC_SOURCE_DIR/suite/targets/refserver.json
[ -r "$PROXY" ] || fail "$PROXY missing"
jq '.envelope = "relaxed"' "$TARGET" >relaxed.json || fail "jq relaxed.json"
ncases=$(find "$CASES" -name '*.json' | wc -l)
[ "$ncases" -ge 90 ] || fail "only $ncases case files"

# start_proxy MODE [ARGS...]: the proxy in MODE in front of $RS_URL; sets
# PX_URL and PX_PID (stopped with the kms-refservers at exit).
start_proxy() {
    local mode=$1 dir fd
    shift
    dir=$(mktemp -d "$WORK/proxy.XXXXXX")
    mkfifo "$dir/stdout"
    python3 "$PROXY" --catalog "$CATALOG" --mode "$mode" \
        --upstream "$RS_URL" "$@" >"$dir/stdout" 2>"$dir/stderr" &
    PX_PID=$!
    RS_PIDS+=("$PX_PID")
    exec {fd}<"$dir/stdout"
    RS_FDS+=("$fd")
    read -t 10 -r PX_URL <&"$fd" ||
        fail "proxy $mode did not start: $(tail -n 3 "$dir/stderr")"
}

# through NAME ENVELOPE-TARGET [KMSCONF-ARGS...]: a run against the proxy;
# report NAME.xml, console NAME.out, exit code in RC.
through() {
    local name=$1 target=$2
    shift 2
    "$KMSCONF" run -q -j 4 --target "$target" --endpoint "$PX_URL" "$@" \
        -o "$name.xml" >"$name.out" 2>&1
    RC=$?
}

# green NAME: exit 0, 2 testcases per case, none failed, in error or skipped.
green() {
    local r=$1.xml n f e s
    assert_exit 0 "$RC" "$1: $(tail -n 4 "$1.out")"
    validate_junit "$r"
    n=$(grep -c '<testcase ' "$r")
    f=$(grep -c '<failure ' "$r")
    e=$(grep -c '<error ' "$r")
    s=$(grep -c '<skipped' "$r")
    [ "$n" -eq $((2 * ncases)) ] || fail "$1: $n testcases, want $((2 * ncases))"
    [ "$f$e$s" = 000 ] || fail "$1: $f failed, $e errors, $s skipped"
    echo "ok: $1: $n testcases, 0 failing"
}

# failure_types REPORT: the sorted failure types, one line.
failure_types() {
    grep -o '<failure type="[^"]*"' "$1" | sed 's/.*type="//; s/"//' |
        sort -u | tr '\n' ' '
}

# fails_only NAME TYPES: exit 1, no error, the failure types exactly TYPES
# ("a b " sorted, each followed by a space).
fails_only() {
    assert_exit 1 "$RC" "$1: $(tail -n 4 "$1.out")"
    assert_no_grep '<error ' "$1.xml"
    [ "$(failure_types "$1.xml")" = "$2" ] ||
        fail "$1: failure types '$(failure_types "$1.xml")', want '$2'"
}

stop_both() {
    kill -TERM "$PX_PID" "$RS_PID" 2>/dev/null
    wait "$PX_PID" "$RS_PID" 2>/dev/null
    RS_PIDS=()
}

# ---- documented forms: 0 failing testcases ----

# shellcheck disable=SC2119 # no options
start_refserver
# A probe's wording turns with the offset: as many runs as a code has other
# wordings send each probe all of them.
turns=$(jq '[.errors[] | (.message | length) - 1 +
    ([.documented[]? | select(.scope == "kms")] | length)] | max' "$CATALOG")
[ "$turns" -ge 3 ] || fail "catalog: at most $turns other wordings per code"
for off in $(seq 0 $((turns - 1))); do
    start_proxy wordings --offset "$off" --log "wordings-$off.log"
    through "wordings-$off" "$TARGET" --transcripts all
    green "wordings-$off"
    kill -TERM "$PX_PID"
done
# Every wording of scope kms of every code the runs rewrote was sent.
python3 "$PROXY" --catalog "$CATALOG" --mode wordings \
    --coverage wordings-[0-9].log >coverage.out ||
    fail "wordings never sent: $(tr '\n' ';' <coverage.out)"
# The coverage check fails on logs that miss a wording.
cat wordings-[0-9].log | grep -v 'exceed secret limits error' >missing.log
python3 "$PROXY" --catalog "$CATALOG" --mode wordings \
    --coverage missing.log >coverage-missing.out
assert_exit 1 $? "coverage of a log without one wording"
[ "$(cat coverage-missing.out)" = \
    "not used: Rejected.LimitExceeded: exceed secret limits error" ] ||
    fail "coverage of a log without one wording: $(cat coverage-missing.out)"
[ "$(cut -f1 wordings-*.log | sort -u | wc -l)" -ge 10 ] ||
    fail "wordings: fewer than 10 codes rewritten"
cat wordings-[0-9].xml >wordings-all.xml
assert_grep 'message-template: api-metadata: ' wordings-all.xml
assert_grep 'The parameter  [A-Za-z]+  needed but no provided\.' wordings-all.xml
assert_grep 'This operation for acs:kms:cn-hangzhou:[0-9]+:key/' wordings-all.xml
echo "ok: wordings: $(sort -u wordings-*.log | wc -l) wordings of" \
    "$(cut -f1 wordings-*.log | sort -u | wc -l) codes"
# The same with V3 signatures and with GET (the probe pairs and the string
# to sign are read from the query then).
jq '.signature = "v3"' "$TARGET" >v3.json || fail "jq v3.json"
jq '.method = "GET"' "$TARGET" >get.json || fail "jq get.json"
start_proxy wordings --log wordings-v3get.log
for variant in v3 get; do
    through "wordings-$variant" "$variant.json"
    green "wordings-$variant"
done
kill -TERM "$PX_PID"

SAMPLES=$KC_SOURCE_DIR/tests/data/real-answers
start_proxy gateway --log gateway.log --samples "$SAMPLES"
through gateway relaxed.json --transcripts all
green gateway
python3 "$PROXY" --catalog "$CATALOG" --mode gateway --coverage gateway.log \
    >coverage-gw.out || fail "gateway wordings never sent: $(cat coverage-gw.out)"
assert_grep '^< <Error><(RequestId|Recommend)>' gateway.xml
assert_grep '"HostId":"kms.cn-hangzhou.aliyuncs.com"' gateway.xml
assert_grep '^< x-acs-request-id: [0-9A-F]{8}-' gateway.xml
assert_grep 'Specified access key is not found\.' gateway.xml
assert_grep 'server string to sign is: POST&amp;%2F&amp;AccessKeyId%3D' gateway.xml
assert_grep '^< Content-Type: application/json; charset=UTF-8' gateway.xml
assert_grep '<Error><RequestId>[0-9A-F-]{36}</RequestId><HostId>dns.aliyuncs.com</HostId><Code>IllegalTimestamp</Code>' gateway.xml
assert_grep '"Message":"This operation for acs:kms:[^"]*","AccessDeniedDetail":\{' gateway.xml
assert_grep '<AccessDeniedDetail><AuthAction>kms:' gateway.xml
assert_no_grep '{"HttpStatus"' gateway.xml
assert_no_grep '<HttpStatus>' gateway.xml
echo "ok: gateway shape and wordings"
kill -TERM "$PX_PID"

start_proxy nopermission --log nopermission.log
through nopermission "$TARGET" --transcripts all
green nopermission
[ -s nopermission.log ] || fail "nopermission: nothing rewritten"
assert_grep '"AccessDeniedDetail":\{"AuthAction":"kms:' nopermission.xml
assert_grep '<AccessDeniedDetail><AuthAction>kms:' nopermission.xml
assert_grep 'This operation for acs:kms:cn-hangzhou:[0-9]+:key/' nopermission.xml
echo "ok: nopermission, $(wc -l <nopermission.log) answers"
kill -TERM "$PX_PID"

start_proxy seed --log seed.log --samples "$SAMPLES"
through seed "$TARGET" --transcripts all
green seed
[ -s seed.log ] || fail "seed: no IllegalTimestamp answer replaced"
assert_grep '^     <Message>The input parameter "Timestamp" that is mandatory for processing this request is not supplied\. </Message>' seed.xml
assert_grep '^     "Message": "The input parameter \\"Timestamp\\" that is mandatory' seed.xml
assert_grep '^     "HttpStatus": 404,' seed.xml
echo "ok: seed samples, $(wc -l <seed.log) answers"
kill -TERM "$PX_PID"

# ---- controls: forms no source shows fail ----

start_proxy control
through control "$TARGET"
fails_only control "message "
assert_grep 'The specified Key is not found[^.]' control.xml
echo "ok: control: $(grep -c '<failure ' control.xml) testcases fail message"
through control-relaxed relaxed.json
fails_only control-relaxed "message "
echo "ok: control: the relaxed rule set refuses it too"
kill -TERM "$PX_PID"

start_proxy control-case
through control-case "$TARGET"
fails_only control-case "message "
assert_grep 'the specified Key is not found\.' control-case.xml
echo "ok: control-case: $(grep -c '<failure ' control-case.xml) testcases fail message"
kill -TERM "$PX_PID"

start_proxy gateway-kms
through gateway-kms "$TARGET"
fails_only gateway-kms "message "
echo "ok: gateway wordings refused by the kms rule set"
kill -TERM "$PX_PID"

start_proxy gateway --samples "$SAMPLES"
through gateway-shape "$TARGET"
assert_exit 1 "$RC" "gateway shape, kms rule set"
assert_grep '<failure type="envelope"' gateway-shape.xml
assert_grep '<failure type="format"' gateway-shape.xml
[ "$(grep -c '<failure ' gateway-shape.xml)" -eq $((2 * ncases)) ] ||
    fail "gateway shape, kms rule set: not every testcase fails"
echo "ok: gateway shape refused by the kms rule set"
stop_both

# ---- deviations through the proxy (mode wordings) ----

# Every name kms-refserver's --deviate takes: the checks and the strict
# rules, from the sources (a new one must be added to the table below).
names=$(sed -n '/names\[KC_CHECKNAME_COUNT\]/,/};/p' \
    "$KC_SOURCE_DIR/proto/src/checkname.c" | grep -o '"[a-z-]*"' | tr -d '"'
sed -n '/names\[RS_DEVIATE_COUNT\]/,/};/p' \
    "$KC_SOURCE_DIR/refserver/src/deviate.c" | grep -o '"[a-z0-9-]*"' | tr -d '"')
[ "$(echo "$names" | wc -l)" -ge 30 ] || fail "only $(echo "$names" | wc -l) deviation names"
# deviation | cases | failure types the run must show (sorted), or
# "setup" for setup errors
table=$(
    cat <<'TABLE'
status|read-only|status
code|read-only|code
message|read-only|message
request-id|read-only|request-id
request-id-header|read-only|request-id-header
request-id-unique|read-only|request-id-unique
envelope|read-only|envelope
format|read-only|format
content-type|read-only|content-type
parity|read-only|parity
json-trailing-bytes|read-only|format
json-duplicate-member|read-only|format
json-member-case|read-only|format
json-invalid-utf8|read-only|format
json-control-character|read-only|format
json-number-grammar|read-only|format
json-whitespace|read-only|format
json-lone-surrogate|read-only|format
json-escaped-nul|read-only|code
json-status-not-integer|read-only|envelope
xml-duplicate-element|read-only|format
xml-nested-element|read-only|format
xml-namespace|read-only|format
xml-version|read-only|format
content-type-twice|read-only|content-type
request-id-header-twice|read-only|request-id-header
content-type-parameter|read-only|content-type
content-type-charset|read-only|content-type
request-id-case|read-only|request-id-unique
success-request-id-repeated|all|request-id-unique
success-error-envelope|all|setup
success-wrong-format|all|setup
TABLE
)
for n in $names; do
    echo "$table" | grep -q "^$n|" || fail "deviation $n: not in the table"
done
[ "$(echo "$table" | wc -l)" = "$(echo "$names" | wc -l)" ] ||
    fail "the table names a deviation kms-refserver does not have"

while IFS='|' read -r dev sel want; do
    start_refserver --allow-deviations --deviate "$dev"
    start_proxy wordings
    args=()
    [ "$sel" = read-only ] && args=(--tag read-only)
    through "dev-$dev" "$TARGET" "${args[@]}"
    if [ "$want" = setup ]; then
        assert_exit 1 "$RC" "deviation $dev: $(tail -n 3 "dev-$dev.out")"
        assert_grep '<error type="setup" message="setup: setup step 1 \(CreateKey\) answered HTTP 200 with ' "dev-$dev.xml"
    elif [ "$sel" = all ]; then
        # the teardown's second answer repeats the first's RequestId
        assert_exit 1 "$RC" "deviation $dev: $(tail -n 3 "dev-$dev.out")"
        assert_grep "<failure type=\"$want\"" "dev-$dev.xml"
    else
        fails_only "dev-$dev" "$want "
    fi
    validate_junit "dev-$dev.xml"
    stop_both
done <<<"$table"
echo "ok: $(echo "$table" | wc -l) deviations caught through the proxy"

# --deviate-code: the status of that code's answers, their Messages
# rewritten (InvalidParameter) or not (Forbidden.KeyNotFound).
for code in InvalidParameter Forbidden.KeyNotFound; do
    start_refserver --allow-deviations --deviate-code "$code"
    start_proxy wordings
    through "dev-code-$code" "$TARGET"
    fails_only "dev-code-$code" "status "
    [ "$(grep -c '<failure ' "dev-code-$code.xml")" = \
        "$(($(grep -rl "\"error\": *\"$code\"" "$CASES" | wc -l) * 2))" ] ||
        fail "deviate-code $code: not exactly the testcases of $code fail"
    stop_both
    echo "ok: deviate-code $code"
done
echo "PASS real_forms"
