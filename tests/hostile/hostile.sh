#!/usr/bin/env bash
# hostile.sh MODE: kmsconf run against tests/hostile/hostile_server.py in
# MODE (one pathology per mode, the table below). Two runs: a small slice
# with --no-preflight, so that every testcase meets the pathology, then the
# same slice with the preflight, which either stops the run with its one
# line or lets it through. Each run must end within its bound, exit with a
# documented code (never a signal), write a JUnit report valid against the
# project's schema when it writes one, name the pathology in every testcase
# it failed, and leave no AccessKeySecret of the profile and no byte of the
# canary file (read through an XML entity?) in any artefact.
. "$KC_SOURCE_DIR/tests/integration/lib.sh"

mode=${1:?usage: hostile.sh MODE}
# every run in a fresh folder: nothing of an earlier run can pass for this one
rm -rf "$WORK"/run.*
WORK=$(mktemp -d "$WORK/run.XXXXXX") || fail "cannot make a work folder"
cd "$WORK" || fail "cannot enter $WORK"
need python3 timeout xmllint
SERVER=$KC_SOURCE_DIR/tests/hostile/hostile_server.py
PROFILE=$KC_SOURCE_DIR/suite/targets/refserver.json
PROBE_ONLY=parameters/missing-parameter/describe-key-keyid
WITH_SETUP=import/unsupported-origin/delete-key-material
CANARY_TEXT="hostile-canary-$$-$RANDOM"
echo "$CANARY_TEXT" >"$WORK/canary"
SECRETS=$(sed -n 's/.*"access_key_secret": *"\([^"]*\)".*/\1/p' "$PROFILE")
[ -n "$SECRETS" ] || fail "no secret found in $PROFILE"

# What each mode must show. WANT_RC: the exits allowed without the preflight;
# JSON, XML: an extended regex every [json] / [xml] testcase's failure or
# error message matches ("" when all must pass); PF_RC, PF: the preflight
# run's exit and the regex of its one line ("" when it must let the run
# through). A server that answered something unusable (over a cap, cut
# short, not HTTP/1.x) is a conformance failure, 1; one that delivered no
# byte (reset or closed before answering, a drip too slow for a status
# line within --timeout) is unreachable, 3 (docs/exit-codes.md).
CASES=("$PROBE_ONLY" "$WITH_SETUP")
TIMEOUT=5
BOUND=30
ANSWERED=
EXTRA=()
case $mode in
huge | chunked | headers-10k | header-1mb)
    WANT_RC=1 JSON='larger than the cap' XML=$JSON PF_RC=2 PF=$JSON ;;
drip)
    TIMEOUT=2
    WANT_RC=3 JSON='timeout: Operation timed out after 2[0-9]{3} milliseconds' XML=$JSON
    PF_RC=3 PF='timeout.*check the endpoint URL and that the server is up' ;;
reset)
    WANT_RC=3 JSON='Connection reset by peer' XML=$JSON PF_RC=2 PF=$JSON ;;
close)
    WANT_RC=3 JSON='Empty reply from server' XML=$JSON PF_RC=2 PF=$JSON ;;
cl-long)
    WANT_RC=1 JSON='transfer closed with 100 bytes remaining' XML=$JSON
    PF_RC=2 PF=$JSON ;;
cl-short)
    ANSWERED=1
    WANT_RC=1 JSON='format: body is not a JSON object' XML='format: body is not well-formed XML'
    PF_RC=1 PF='' ;;
nul-header)
    WANT_RC=1 JSON='Nul byte in header' XML=$JSON PF_RC=2 PF=$JSON ;;
http09)
    WANT_RC=1 JSON='HTTP/0.9' XML=$JSON PF_RC=2 PF=$JSON ;;
entity-bomb | deep-xml)
    ANSWERED=1
    WANT_RC=1 JSON="does not fit JSON" XML='format: body is not well-formed XML'
    PF_RC=2 PF='cannot read' ;;
xxe)
    ANSWERED=1
    EXTRA=(--canary "$WORK/canary")
    WANT_RC=1 JSON="does not fit JSON" XML='format: body has a DOCTYPE'
    PF_RC=2 PF='cannot read' ;;
deep-json)
    ANSWERED=1
    WANT_RC=1 JSON='nesting deeper than [0-9]+ levels' XML='does not fit XML'
    PF_RC=2 PF='cannot read' ;;
bad-utf8)
    ANSWERED=1
    WANT_RC=1 JSON='invalid UTF-8' XML='format: body is not well-formed XML'
    PF_RC=1 PF='' ;;
nul-body)
    ANSWERED=1
    WANT_RC=1 JSON='control character 0x00' XML='format: body is not well-formed XML'
    PF_RC=1 PF='' ;;
gzip | gzip-bomb)
    ANSWERED=1
    WANT_RC=1 JSON='byte 0: 0x1f' XML='format: body is not well-formed XML'
    PF_RC=1 PF='' ;;
redirect)
    ANSWERED=1
    EXTRA=(--sink-port-file "$WORK/sink.port" --sink-log "$WORK/sink.log")
    WANT_RC=1 JSON='status: HTTP status 302' XML=$JSON PF_RC=2 PF='HTTP 302' ;;
1xx)
    CASES=("$PROBE_ONLY") WANT_RC=0 JSON='' XML='' PF_RC=0 PF='' ;;
rid-mismatch)
    ANSWERED=1
    WANT_RC=1 JSON="request-id-header: x-acs-request-id '[-0-9a-f]+' differs"
    XML=$JSON PF_RC=1 PF='' ;;
echo | echo-signature | echo-v3)
    ANSWERED=1
    EXTRA=(--sig-log "$WORK/signatures")
    WANT_RC=1 JSON='code: Code Echo' XML=$JSON PF_RC=2 PF='ListKeys answered HTTP 400 Echo' ;;
tls)
    need openssl
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
        -addext subjectAltName=IP:127.0.0.1 -keyout "$WORK/key.pem" \
        -out "$WORK/cert.pem" 2>"$WORK/openssl.err" ||
        fail "openssl req: $(head -n 1 "$WORK/openssl.err")"
    EXTRA=(--cert "$WORK/cert.pem" --key "$WORK/key.pem" --tls-log "$WORK/tls.log")
    CASES=("$PROBE_ONLY") WANT_RC=3 JSON='tls: SSL certificate problem' XML=$JSON
    PF_RC=3 PF='SSL certificate problem.*check the endpoint URL' ;;
*) fail "unknown mode '$mode'" ;;
esac

# start_hostile SERVER-MODE ARGS...: sets H_URL (read from the server's
# stdout through a FIFO, a bounded wait) and registers the server with
# lib.sh's EXIT trap.
start_hostile() {
    local m=$1 fd
    shift
    mkfifo "$WORK/hostile.out"
    python3 "$SERVER" --mode "$m" --port-file "$WORK/hostile.port" "$@" \
        >"$WORK/hostile.out" 2>"$WORK/hostile.err" &
    RS_PIDS+=("$!")
    exec {fd}<"$WORK/hostile.out"
    read -t 20 -r H_URL <&"$fd" ||
        fail "hostile server ($m) did not start: $(head -n 3 "$WORK/hostile.err")"
    [ -s "$WORK/hostile.port" ] || fail "hostile server wrote no --port-file"
}

# run_slice NAME ARGS...: kmsconf run of the slice against H_URL, under
# timeout(1); sets RC and checks the exit is documented and the time bound.
run_slice() {
    local name=$1 start end only=() c
    shift
    for c in "${CASES[@]}"; do only+=(--only "$c"); done
    start=$(date +%s%N)
    timeout -k 5 "$BOUND" "$KMSCONF" run --target "$PROFILE" \
        --endpoint "$H_URL" --timeout "$TIMEOUT" --connect-timeout 5 \
        "${only[@]}" "$@" -o "$name.xml" >"$name.out" 2>"$name.err"
    RC=$?
    end=$(date +%s%N)
    ELAPSED_MS=$(((end - start) / 1000000))
    echo "$mode $name: exit $RC in $ELAPSED_MS ms"
    [ "$RC" = 124 ] || [ "$RC" = 137 ] &&
        fail "$name: kmsconf did not end within $BOUND s"
    [ "$RC" -ge 128 ] && fail "$name: kmsconf died of signal $((RC - 128))"
    case $RC in 0 | 1 | 2 | 3) ;; *) fail "$name: undocumented exit $RC" ;; esac
    [ "$ELAPSED_MS" -lt $((BOUND * 1000)) ] || fail "$name: took $ELAPSED_MS ms"
}

# messages REPORT CASE FORMAT: the failure and error messages of the
# testcases of CASE in FORMAT (json or xml), one a line.
messages() {
    xmllint --nonet --xpath \
        "//testcase[@name='$2 [$3]']/*[self::failure or self::error]/@message" \
        "$1" 2>/dev/null | sed -e 's/^ *message="//' -e 's/"$//'
}

# check_testcase REPORT CASE FORMAT REGEX: the testcase of CASE in FORMAT
# failed with a message matching REGEX, or (REGEX "") passed.
check_testcase() {
    local r=$1 id=$2 fmt=$3 want=$4 sel
    sel="//testcase[@name='$id [$fmt]']"
    [ "$(xmllint --nonet --xpath "count($sel)" "$r")" = 1 ] ||
        fail "$r: no testcase '$id [$fmt]'"
    if [ -z "$want" ]; then
        [ "$(xmllint --nonet --xpath "count(${sel}[failure or error or skipped])" "$r")" = 0 ] ||
            fail "$r: '$id [$fmt]' did not pass: $(messages "$r" "$id" "$fmt" | head -n 1)"
        return
    fi
    messages "$r" "$id" "$fmt" | grep -Eq -- "$want" ||
        fail "$r: '$id [$fmt]' does not name '$want': $(messages "$r" "$id" "$fmt" | head -n 1)"
}

# check_report REPORT: valid against the JUnit schema; every testcase
# failed as its mode says. The case with a setup step meets the pathology
# in that step: a transport error names it, a complete answer (ANSWERED)
# is judged as the error answer it is.
check_report() {
    local r=$1 setup=$JSON
    validate_junit "$r"
    check_testcase "$r" "$PROBE_ONLY" json "$JSON"
    check_testcase "$r" "$PROBE_ONLY" xml "$XML"
    [ "${#CASES[@]}" = 2 ] || return 0
    [ -n "$ANSWERED" ] && setup='setup step 1 \(CreateKey\) answered HTTP [0-9]{3}'
    check_testcase "$r" "$WITH_SETUP" json "$setup"
    check_testcase "$r" "$WITH_SETUP" xml "$setup"
}

# no_leak FILE...: no AccessKeySecret of the profile, no canary byte.
no_leak() {
    local s
    for s in $SECRETS; do assert_no_grep "$s" "$@"; done
    assert_no_grep "$CANARY_TEXT" "$@"
}

server_mode=$mode
case $mode in echo-*) server_mode="echo" ;; esac
if [ "$mode" = echo-v3 ]; then
    # the same profile signing ACS3-HMAC-SHA256: Signature in Authorization
    sed -e 's/"signature": "v1"/"signature": "v3"/' "$PROFILE" >v3.json
    PROFILE=$WORK/v3.json
fi
start_hostile "$server_mode" "${EXTRA[@]}"

# 1. without the preflight: every testcase meets the pathology
run_slice nopf --no-preflight
echo "$RC" | grep -Eqx -- "$WANT_RC" || fail "nopf: exit $RC, expected $WANT_RC"
check_report nopf.xml
no_leak nopf.xml nopf.out nopf.err

# 2. with the preflight: its one line, or a run like the first
run_slice pf
no_leak pf.out pf.err
assert_exit "$PF_RC" "$RC" "pf"
if [ -n "$PF" ]; then
    [ ! -e pf.xml ] || fail "pf: the preflight stopped the run but a report was written"
    [ "$(wc -l <pf.err)" = 1 ] || fail "pf: stderr is not one line: $(head -n 3 pf.err)"
    assert_grep "^kmsconf run: preflight: .*($PF)" pf.err
else
    assert_no_grep "kmsconf run: preflight:" pf.err
    no_leak pf.xml
    check_report pf.xml
fi

# 3. what only some modes can show
case $mode in
tls)
    # the same server, trusted through --cacert: it passes
    JSON='' XML=''
    : >"$WORK/tls.log"
    run_slice cacert --cacert "$WORK/cert.pem"
    assert_exit 0 "$RC" "cacert"
    check_report cacert.xml
    no_leak cacert.xml cacert.out cacert.err
    # one connection per request (the server closes each): the preflight's
    # handle makes the one full handshake, and the worker's handle resumes
    # that TLS session through the share instead of making its own
    full=$(grep -c '^full$' "$WORK/tls.log")
    resumed=$(grep -c '^resumed$' "$WORK/tls.log")
    [ "$full" = 1 ] && [ "$resumed" -ge 2 ] ||
        fail "TLS handshakes: $full full, $resumed resumed (expected 1 full)"
    ;;
redirect)
    [ -s "$WORK/sink.port" ] || fail "the redirect target never started"
    [ ! -s "$WORK/sink.log" ] ||
        fail "kmsconf followed the redirect: $(head -n 1 "$WORK/sink.log")"
    ;;
echo | echo-signature | echo-v3)
    [ -s "$WORK/signatures" ] || fail "the echo server logged no Signature"
    if [ "$mode" != echo ]; then
        # a signature raw, percent-encoded, or any run of 10 letters and
        # digits of it (which no other encoding changes)
        while IFS= read -r sig; do
            pct=$(python3 -c 'import sys, urllib.parse as u
print(u.quote(sys.argv[1], safe=""))' "$sig")
            for form in "$sig" "$pct" $(grep -Eo '[A-Za-z0-9]{10,}' <<<"$sig"); do
                assert_no_grep "$form" nopf.xml nopf.out nopf.err pf.out pf.err
            done
        done <"$WORK/signatures"
    fi
    ;;
esac
echo "ok"
