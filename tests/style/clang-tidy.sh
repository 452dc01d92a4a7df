#!/usr/bin/env bash
# clang-tidy with the repository's .clang-tidy and warnings as errors on
# every C file of proto/, runner/, reports/, refserver/ and tests/, compiled
# as the build compiles it (BUILD_DIR/compile_commands.json), two files at a
# time. Fails (never skips) when clang-tidy or jq is missing
# (scripts/install-deps.sh installs them), when a C file there is not in the
# database (not built, so not checked), or when a probe with a known
# finding passes (the configuration lost its teeth).
#
#   clang-tidy.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
JOBS=2
FILES_PER_RUN=4
DIRS=(proto runner reports refserver tests)

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

[ $# -eq 2 ] || fail "usage: clang-tidy.sh SOURCE_DIR BUILD_DIR"
src=$(cd "$1" && pwd) || fail "no source folder $1"
build=$(cd "$2" && pwd) || fail "no build folder $2"
config=$src/.clang-tidy
db=$build/compile_commands.json
for tool in clang-tidy jq; do
    command -v "$tool" >/dev/null 2>&1 ||
        fail "$tool is not installed (scripts/install-deps.sh)"
done
[ -r "$config" ] || fail "$config missing"
[ -r "$db" ] || fail "$db missing (CMAKE_EXPORT_COMPILE_COMMANDS is on: configure the build)"
scratch=$(mktemp -d) || fail "cannot create a scratch folder"
trap 'rm -rf "$scratch"' EXIT

# Compiler warnings are GCC's business (KC_WERROR); only the checks count.
tidy() {
    clang-tidy --config-file="$config" --warnings-as-errors='*' --quiet \
        --extra-arg=-Wno-error --extra-arg=-Wno-unknown-warning-option "$@"
}

# The probe: a macro without parentheses (bugprone-macro-parentheses).
printf '#define TWICE(x) x * 2\nint twice(int v);\nint twice(int v)\n{\n    return TWICE(v);\n}\n' \
    >"$scratch/probe.c"
if tidy "$scratch/probe.c" -- -std=c11 >"$scratch/probe.out" 2>&1 ||
    ! grep -q 'error: .*\[bugprone-macro-parentheses' "$scratch/probe.out"; then
    cat "$scratch/probe.out"
    fail "$config does not fail a probe on bugprone-macro-parentheses"
fi

# The project's C files in the database, each once.
jq -r '.[] | if (.file | startswith("/")) then .file
            else .directory + "/" + .file end' "$db" |
    LC_ALL=C sort -u >"$scratch/db.txt" || fail "cannot read $db"
# (node_modules: npm packages the tests install, e.g. tests/consumers/)
(cd "$src" && find "${DIRS[@]}" -type f -name '*.c' -not -path '*/node_modules/*') |
    sed "s|^|$src/|" |
    LC_ALL=C sort >"$scratch/tree.txt"
missing=$(LC_ALL=C comm -13 "$scratch/db.txt" "$scratch/tree.txt")
[ -z "$missing" ] ||
    fail "not compiled in $build, so not checked: $(echo "$missing" | sed "s|^$src/||" | tr '\n' ' ')"
LC_ALL=C comm -12 "$scratch/db.txt" "$scratch/tree.txt" >"$scratch/files.txt"
nfiles=$(wc -l <"$scratch/files.txt")
[ "$nfiles" -gt 0 ] || fail "no C file of $src in $db"

export -f tidy
export config
# shellcheck disable=SC2016 # the inner bash expands $0 and $@
tr '\n' '\0' <"$scratch/files.txt" |
    xargs -0 -P "$JOBS" -n "$FILES_PER_RUN" bash -c 'tidy -p "$0" "$@"' \
        "$build" >"$scratch/tidy.out" 2>&1
rc=$?
# clang-tidy counts the diagnostics it suppressed on stderr: not findings.
grep -v -E '^[0-9]+ (warning|error)s? generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter=|NOLINT' \
    "$scratch/tidy.out"
nfind=$(grep -c -E ': (error|warning): ' "$scratch/tidy.out")
echo "$nfiles files checked, $nfind findings"
[ "$rc" -eq 0 ] || fail "clang-tidy failed (findings above; see .clang-tidy)"
[ "$nfind" -eq 0 ] || fail "clang-tidy reported findings"
