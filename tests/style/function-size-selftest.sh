#!/usr/bin/env bash
# function-size.sh has teeth: in a scratch tree it passes functions of 60
# lines and complexity 20, fails on 61 lines or complexity 21 unless the
# allow-list names them, and fails on stale, repeated or reasonless entries.
#
#   function-size-selftest.sh SOURCE_DIR
set -u
src=${1:?usage: function-size-selftest.sh SOURCE_DIR}
guard=$src/tests/style/function-size.sh

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

tree=$(mktemp -d) || fail "cannot create a scratch folder"
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/proto" "$tree/runner" "$tree/reports" "$tree/refserver"

# long NAME LINES: a function of exactly LINES lines, signature to brace.
long() {
    local i
    printf 'int %s(int x);\nint %s(int x)\n{\n' "$1" "$1"
    for ((i = 0; i < $2 - 4; i++)); do
        printf '    x++;\n'
    done
    printf '    return x;\n}\n'
}

# branchy NAME CCN: a short function of cyclomatic complexity CCN.
branchy() {
    local i
    printf 'int %s(int x);\nint %s(int x)\n{\n' "$1" "$1"
    for ((i = 1; i < $2; i++)); do
        printf '    if (x == %d)\n        x++;\n' "$i"
    done
    printf '    return x;\n}\n'
}

# expect WANT WHAT [GREP]: run the guard on the scratch tree with the list
# in $tree/allow.txt; exit status WANT (0 or 1), output matching GREP.
expect() {
    local got out
    out=$(bash "$guard" "$tree" "$tree/allow.txt" 2>&1)
    got=$?
    [ "$got" = "$1" ] || fail "$2: exit $got, expected $1: $out"
    if [ -n "${3:-}" ]; then
        grep -Eq -- "$3" <<<"$out" || fail "$2: no '$3' in: $out"
    fi
    echo "ok: $2"
}

{
    long at_limit 60
    branchy simple_enough 20
} >"$tree/proto/a.c"
: >"$tree/allow.txt"
expect 0 "60 lines and complexity 20 pass"

long too_long 61 >"$tree/runner/b.c"
expect 1 "a 61-line function fails" 'runner/b\.c:[0-9]+: too_long: 61 lines'

echo "runner/b.c too_long being split by the architecture work" \
    >"$tree/allow.txt"
expect 0 "an allowed 61-line function passes"

branchy too_branchy 21 >"$tree/reports/c.c"
expect 1 "complexity 21 fails" 'too_branchy: [0-9]+ lines, complexity 21'
echo "reports/c.c too_branchy being split by the architecture work" \
    >>"$tree/allow.txt"
expect 0 "an allowed complexity 21 passes"

echo "proto/a.c at_limit being split by the architecture work" \
    >>"$tree/allow.txt"
expect 1 "an entry within the limits is stale" 'stale entry "proto/a\.c at_limit"'
sed -i '$d' "$tree/allow.txt"

echo "refserver/gone.c vanished being split by the architecture work" \
    >>"$tree/allow.txt"
expect 1 "an entry for a missing function is stale" 'no such function'
sed -i '$d' "$tree/allow.txt"

long too_long 60 >"$tree/runner/b.c"
expect 1 "an entry whose function was split is stale" 'stale entry "runner/b\.c too_long"'
long too_long 61 >"$tree/runner/b.c"

echo "runner/b.c too_long" >>"$tree/allow.txt"
expect 1 "an entry without a reason fails" 'want FILE FUNCTION REASON'
sed -i '$d' "$tree/allow.txt"
echo "runner/b.c too_long again" >>"$tree/allow.txt"
expect 1 "a repeated entry fails" 'listed twice'
sed -i '$d' "$tree/allow.txt"
expect 0 "the list restored passes"
