# shellcheck shell=bash
# Helpers for tests/integration/*.sh (sourced). ctest runs each script with
# bash in its own working directory and sets KMSCONF, REFSERVER and
# KC_SOURCE_DIR. Nothing is ever skipped: a missing tool or file fails.
set -u
: "${KMSCONF:?KMSCONF must name the kmsconf binary}"
: "${REFSERVER:?REFSERVER must name the kms-refserver binary}"
: "${KC_SOURCE_DIR:?KC_SOURCE_DIR must name the source tree}"
# The project's own JUnit schemas, next to this file in the source tree.
JUNIT_XSD_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../data/junit" && pwd) ||
    exit 1
JUNIT_XSD_DEFAULT=$JUNIT_XSD_DIR/default-jenkins.xsd
JUNIT_XSD_STRICT=$JUNIT_XSD_DIR/strict-ant.xsd
WORK=$(pwd)
# shellcheck disable=SC2034 # used by the scripts that source this file
H4_CASES=$KC_SOURCE_DIR/tests/integration/cases/h4
# Never inherit a CI setting or a refserver override from the caller.
unset KMSCONF_REFSERVER
export CI=1

RS_PIDS=()
RS_FDS=()

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# need TOOL...: fails unless every TOOL is on PATH (scripts/install-deps.sh
# installs them all; Chromium and Node.js with --all).
need() {
    local t
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 ||
            fail "$t is not installed (see scripts/install-deps.sh)"
    done
}

stop_refservers() {
    local pid
    for pid in "${RS_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    RS_PIDS=()
}
trap stop_refservers EXIT

# start_refserver [ARGS...]: starts kms-refserver on a free loopback port
# with --port-file in a fresh folder; sets RS_URL, RS_PID and RS_DIR. The
# URL line is read from a FIFO with a bounded wait (no sleeping).
# shellcheck disable=SC2034 # RS_URL, RS_DIR are for the caller
start_refserver() {
    RS_DIR=$(mktemp -d "$WORK/refserver.XXXXXX")
    mkfifo "$RS_DIR/stdout"
    "$REFSERVER" --listen 127.0.0.1:0 --port-file "$RS_DIR/port" "$@" \
        >"$RS_DIR/stdout" 2>"$RS_DIR/stderr" &
    RS_PID=$!
    RS_PIDS+=("$RS_PID")
    local fd
    exec {fd}<"$RS_DIR/stdout"
    RS_FDS+=("$fd")
    if ! read -t 10 -r RS_URL <&"$fd"; then
        fail "kms-refserver did not start: $(head -n 1 "$RS_DIR/stderr")"
    fi
    [ -s "$RS_DIR/port" ] || fail "kms-refserver wrote no --port-file"
}

# assert_exit WANT GOT WHAT
assert_exit() {
    [ "$1" = "$2" ] || fail "$3: exit $2, expected $1"
}

# assert_grep PATTERN FILE: an extended regex must match in FILE.
assert_grep() {
    grep -Eq -- "$1" "$2" || fail "'$1' not found in $2"
}

# assert_no_grep FIXED_STRING FILE...
assert_no_grep() {
    local s=$1
    shift
    if grep -Fq -- "$s" "$@"; then
        fail "'$s' found in: $(grep -Fl -- "$s" "$@" | tr '\n' ' ')"
    fi
}

# junit_xsd [strict]: the schema of the default (Jenkins-flavoured) or the
# strict (Ant-flavoured) JUnit report; fails when it is missing.
junit_xsd() {
    local xsd=$JUNIT_XSD_DEFAULT
    [ "${1:-}" = strict ] && xsd=$JUNIT_XSD_STRICT
    [ -r "$xsd" ] || fail "JUnit schema $xsd missing"
    echo "$xsd"
}

# validate_junit FILE [strict]: FILE must be valid against the default or
# the strict schema (xmllint, never the network).
validate_junit() {
    need xmllint
    local xsd
    xsd=$(junit_xsd "${2:-}") || exit 1
    xmllint --noout --nonet --schema "$xsd" "$1" 2>"$WORK/xmllint.err" ||
        fail "$1 is not valid against $(basename "$xsd"): $(head -n 3 "$WORK/xmllint.err")"
}

# reject_junit FILE [strict]: FILE is well-formed XML and the schema refuses
# it (xmllint exit 3, a validity error, not a parse error).
reject_junit() {
    need xmllint
    local xsd rc
    xsd=$(junit_xsd "${2:-}") || exit 1
    xmllint --noout --nonet --schema "$xsd" "$1" >/dev/null 2>&1
    rc=$?
    [ "$rc" = 3 ] ||
        fail "$1: xmllint exit $rc against $(basename "$xsd"), expected 3 (not valid)"
}

# prop FILE NAME: the value of a report property.
prop() {
    sed -n "s/.*<property name=\"$2\" value=\"\([^\"]*\)\".*/\1/p" "$1" |
        head -n 1
}

# wait_for_grep PATTERN FILE SECONDS: polls FILE (every 50 ms, at most
# SECONDS) until the extended regex PATTERN matches in it; fails otherwise.
# For files a process writes as events happen (a kms-refserver
# --hold-file, kmsconf's stderr).
wait_for_grep() {
    local tries=$(($3 * 20))
    while [ "$tries" -gt 0 ]; do
        [ -e "$2" ] && grep -Eq -- "$1" "$2" && return 0
        sleep 0.05
        tries=$((tries - 1))
    done
    fail "'$1' did not appear in $2 within $3 s"
}

# assert_nothing_live TARGET URL: asks the server, over every credential of
# TARGET (ListAliases, ListKeys, DescribeKey per key: kmsconf sweep
# --dry-run), that no kmsconf alias remains and every kmsconf key is
# PendingDeletion.
assert_nothing_live() {
    "$KMSCONF" sweep --dry-run --target "$1" --endpoint "$2" \
        >"$WORK/live.out" 2>"$WORK/live.err" ||
        fail "sweep --dry-run: exit $?: $(head -n 2 "$WORK/live.err")"
    grep -q '^sweep: 0 aliases and 0 keys would be removed' "$WORK/live.out" ||
        fail "left behind: $(grep ' would ' "$WORK/live.out" | head -n 3 | tr '\n' ' ')"
}

# chromium_find: sets CHROMIUM to the headless browser; fails (never skips)
# when none is installed (scripts/install-deps.sh --all installs it).
chromium_find() {
    local c
    CHROMIUM=
    for c in chromium chromium-browser google-chrome; do
        if command -v "$c" >/dev/null; then
            CHROMIUM=$(command -v "$c")
            return 0
        fi
    done
    fail "chromium is not installed (scripts/install-deps.sh --all)"
}

# chromium_dump PAGE FRAGMENT OUT: the DOM of $WORK/PAGE opened with the URL
# fragment FRAGMENT ("" or "#..."), after its script ran, into OUT. Own
# profile, no network services; fails when Chromium fails or dumps nothing.
chromium_dump() {
    local profile
    profile=$(mktemp -d "$WORK/chromium.XXXXXX")
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
        --disable-background-networking --disable-component-update \
        --disable-sync --no-first-run --user-data-dir="$profile" \
        --virtual-time-budget=5000 \
        --dump-dom "file://$WORK/$1$2" >"$3" 2>"$3.err" ||
        fail "chromium failed on $1$2: $(tail -n 3 "$3.err")"
    grep -q '</html>' "$3" ||
        fail "chromium dumped no page for $1$2: $(tail -n 3 "$3.err")"
}
