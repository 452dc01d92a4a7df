# Helpers for tests/integration/*.sh (sourced). ctest runs each script with
# bash in its own working directory and sets KMSCONF, REFSERVER,
# KC_SOURCE_DIR and KC_JUNIT_XSD_DIR. Exit 77 means skipped.
set -u
: "${KMSCONF:?KMSCONF must name the kmsconf binary}"
: "${REFSERVER:?REFSERVER must name the kms-refserver binary}"
: "${KC_SOURCE_DIR:?KC_SOURCE_DIR must name the source tree}"
KC_JUNIT_XSD_DIR=${KC_JUNIT_XSD_DIR:-$KC_SOURCE_DIR/../shared/junit}
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

skip() {
    echo "SKIP: $*"
    exit 77
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

# validate_junit FILE [strict]: against the Jenkins (default) or the Ant
# (strict) schema with xmllint.
validate_junit() {
    command -v xmllint >/dev/null || skip "xmllint (libxml2-utils) missing"
    local xsd=$KC_JUNIT_XSD_DIR/jenkins-junit-10.xsd
    [ "${2:-}" = strict ] && xsd=$KC_JUNIT_XSD_DIR/ant-junit-strict.xsd
    [ -r "$xsd" ] || skip "schema $xsd missing"
    xmllint --noout --schema "$xsd" "$1" 2>"$WORK/xmllint.err" ||
        fail "$1 is not valid against $(basename "$xsd"): $(head -n 3 "$WORK/xmllint.err")"
}

# prop FILE NAME: the value of a report property.
prop() {
    sed -n "s/.*<property name=\"$2\" value=\"\([^\"]*\)\".*/\1/p" "$1" |
        head -n 1
}
