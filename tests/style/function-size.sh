#!/usr/bin/env bash
# House style: no function in proto/, runner/, reports/ or refserver/ is
# longer than 60 lines or more complex than 20, as pmccabe counts them (its
# line count, from the line of the signature to the closing brace, and its
# traditional McCabe number), unless the allow-list names it with a reason.
# An entry that no longer exceeds, or whose function is gone, fails too, so
# the list only shrinks. Fails (never skips) when pmccabe is missing.
#
#   function-size.sh SOURCE_DIR [ALLOW_LIST]
#
# ALLOW_LIST (default tests/style/function-size-allow.txt): one entry per
# line, "FILE FUNCTION REASON...", FILE relative to SOURCE_DIR; blank lines
# and lines starting with # are ignored.
set -u
MAX_LINES=60
MAX_CCN=20
DIRS=(proto runner reports refserver)

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

src=${1:?usage: function-size.sh SOURCE_DIR [ALLOW_LIST]}
allow=${2:-$src/tests/style/function-size-allow.txt}
command -v pmccabe >/dev/null 2>&1 ||
    fail "pmccabe is not installed (scripts/install-deps.sh)"
[ -r "$allow" ] || fail "allow-list $allow missing"
allow=$(cd "$(dirname "$allow")" && pwd)/$(basename "$allow")
cd "$src" || fail "cannot enter $src"

# (not node_modules: npm packages the tests install, e.g. tests/consumers/)
mapfile -t files < <(find "${DIRS[@]}" -type f -name '*.[ch]' \
    -not -path '*/node_modules/*' 2>/dev/null |
    LC_ALL=C sort)
[ "${#files[@]}" -gt 0 ] || fail "no C file in ${DIRS[*]} under $src"
errs=$(mktemp) || fail "cannot create a temporary file"
trap 'rm -f "$errs"' EXIT
measures=$(pmccabe "${files[@]}" 2>"$errs") || {
    cat "$errs" >&2
    fail "pmccabe failed"
}
[ ! -s "$errs" ] || {
    cat "$errs" >&2
    fail "pmccabe could not read every file"
}

# pmccabe: modified CCN, traditional CCN, statements, first line, lines,
# "file(line): function", separated by tabs.
printf '%s\n' "$measures" | awk -F'\t' -v allow="$allow" \
    -v max_lines="$MAX_LINES" -v max_ccn="$MAX_CCN" '
BEGIN {
    while ((getline line < allow) > 0) {
        nline++
        if (line ~ /^[ \t]*(#|$)/)
            continue
        n = split(line, f, /[ \t]+/)
        if (n < 3) {
            printf "%s:%d: want FILE FUNCTION REASON: %s\n", allow, nline,
                line
            bad++
            continue
        }
        key = f[1] " " f[2]
        if (key in allowed) {
            printf "%s:%d: %s listed twice\n", allow, nline, key
            bad++
        }
        allowed[key] = nline
    }
    close(allow)
}
NF == 6 {
    where = $6
    name = where
    sub(/^.*\): /, "", name)
    file = where
    sub(/\([0-9]+\): .*$/, "", file)
    key = file " " name
    nfuncs++
    seen[key] = 1
    over = ($5 > max_lines || $2 > max_ccn)
    if (over && !(key in allowed)) {
        printf "%s:%d: %s: %d lines, complexity %d (at most %d and %d): " \
            "split it\n", file, $4, name, $5, $2, max_lines, max_ccn
        bad++
    } else if (!over && (key in allowed)) {
        printf "%s:%d: stale entry \"%s\": %d lines, complexity %d are " \
            "within the limits now: remove it\n", allow, allowed[key], key,
            $5, $2
        bad++
    }
    if (over)
        nover++
}
END {
    for (key in allowed) {
        if (!(key in seen)) {
            printf "%s:%d: stale entry \"%s\": no such function: " \
                "remove it\n", allow, allowed[key], key
            bad++
        }
    }
    if (nfuncs == 0) {
        print "no function measured"
        bad++
    }
    printf "%d functions measured, %d over the limits, %d problems\n",
        nfuncs, nover, bad
    exit bad > 0
}'
