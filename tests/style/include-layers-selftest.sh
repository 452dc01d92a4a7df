#!/usr/bin/env bash
# include-layers.sh has teeth: on a small tree it accepts includes that go
# downwards or stay beside the file, and rejects an upward include, a
# reach into another folder's private header and a parent include path.
set -u
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
mk() { # path content
    mkdir -p "$(dirname "$work/$1")"
    printf '%s\n' "$2" >"$work/$1"
}
reset() {
    rm -rf "${work:?}"/*
    mk proto/include/kc/codec.h '/* codec */'
    mk proto/src/codec.c '#include "kc/codec.h"'
    mk reports/include/kc/report.h '#include "kc/codec.h"'
    mk reports/src/junit.c $'#include "kc/report.h"\n#include "junit_private.h"'
    mk reports/src/junit_private.h '/* private */'
    mk runner/include/kc/run.h '#include "kc/report.h"'
    mk runner/src/run.c '#include "kc/run.h"'
    mk runner/cli/main.c $'#include "kc/run.h"\n#include "kc/report.h"'
    mk refserver/src/main.c '#include "kc/codec.h"'
}
expect() { # pass|fail what
    if bash "$here/include-layers.sh" "$work" >/dev/null 2>&1; then
        [ "$1" = pass ] || fail "accepted $2"
    else
        [ "$1" = fail ] || fail "rejected $2"
    fi
}

reset
expect pass "a tree that follows the layers"
mk proto/src/codec.c '#include "kc/report.h"'
expect fail "proto including reports"
reset
mk refserver/src/main.c '#include "kc/run.h"'
expect fail "refserver including the engine"
reset
mk runner/cli/main.c '#include "junit_private.h"'
expect fail "a reach into another folder's private header"
reset
mk runner/src/run.c '#include "kc/nosuch.h"'
expect fail "an include that no folder provides"
reset
mk runner/cli/CMakeLists.txt 'target_include_directories(kmsconf PRIVATE ../src)'
expect fail "a parent include path"
echo "include-layers-selftest: 6 trees judged as expected"
