#!/usr/bin/env bash
# kmsconf matrix --html rendered by headless Chromium: the page shows one
# row per documented code (plus case rows), the filter and "only failures"
# toggle (driven through location.hash) hide the right rows, and a failing
# cell's diagnosis opens. Fails when Chromium is not installed.
. "$(dirname "$0")/lib.sh"

CHROMIUM=
for c in chromium chromium-browser google-chrome; do
    if command -v "$c" >/dev/null; then
        CHROMIUM=$(command -v "$c")
        break
    fi
done
[ -n "$CHROMIUM" ] ||
    fail "chromium is not installed (scripts/install-deps.sh --all)"

"$KMSCONF" run -q -j 4 --tag read-only -o clean.xml >clean.out 2>&1
assert_exit 0 $? "clean run: $(tail -n 3 clean.out)"
"$KMSCONF" run -q -j 4 --tag read-only --refserver-arg --allow-deviations \
    --refserver-arg --deviate-code --refserver-arg Forbidden.AliasNotFound \
    -o dev.xml >dev.out 2>&1
assert_exit 1 $? "deviating run"

"$KMSCONF" matrix --cases --html matrix.html clean.xml dev.xml >matrix.md \
    2>matrix.err
assert_exit 0 $? "kmsconf matrix: $(cat matrix.err)"
need jq
# the 32 common codes, then the codes of the catalog's extra table that the
# reports hold
jq -r '.errors[].code' "$KC_SOURCE_DIR/suite/catalog.json" >common.txt
nextra=$(grep -o 'classname="kmsconf\.[^"]*"' clean.xml | sort -u |
    sed -e 's/^classname="kmsconf\.//' -e 's/"$//' | grep -cvxFf common.txt)
ncodes=$(($(wc -l <common.txt) + nextra))
# Markdown: header, separator, one row per code and per case
[ "$(grep -c '^| [A-Z]' matrix.md)" = "$((ncodes + 1))" ] ||
    fail "markdown has not $ncodes code rows"
assert_grep '^\| Forbidden.AliasNotFound \| json pass / xml pass \| json FAIL / xml FAIL \|$' matrix.md
assert_no_grep '<script src' matrix.html
assert_no_grep '<link ' matrix.html

# dump [PAGE] HASH OUT: the page's DOM after its script ran
dump() {
    local page=matrix.html
    if [ $# = 3 ]; then
        page=$1
        shift
    fi
    local profile
    profile=$(mktemp -d "$WORK/chromium.XXXXXX")
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
        --disable-background-networking --disable-component-update \
        --disable-sync --no-first-run --user-data-dir="$profile" \
        --dump-dom "file://$WORK/$page$1" >"$2" 2>"$2.err" ||
        fail "chromium failed: $(tail -n 3 "$2.err")"
    grep -q '</html>' "$2" || fail "chromium dumped no page: $(tail -n 3 "$2.err")"
}
shown() { sed -n 's/.*data-shown="\([0-9]*\)".*/\1/p' "$1" | head -n 1; }
visible() { grep -Eo '<tr class="(code|case)"[^>]*>' "$1" | grep -vc ' hidden'; }

rows=$(grep -Ec '<tr class="(code|case)"' matrix.html)
alias_rows=$(grep -Ec '<tr class="(code|case)" data-code="Forbidden.AliasNotFound"' matrix.html)
knf_rows=$(grep -Ec '<tr class="(code|case)" data-code="Forbidden.KeyNotFound"' matrix.html)

dump "" all.html
[ "$(grep -c '<tr class="code"' all.html)" = "$ncodes" ] ||
    fail "page does not show $ncodes code rows"
[ "$(shown all.html)" = "$rows" ] || fail "unfiltered: $(shown all.html) of $rows rows shown"
[ "$(visible all.html)" = "$rows" ] || fail "unfiltered: rows hidden"
assert_grep "$rows of $rows rows shown" all.html
[ "$(grep -c '<div class="diag">' all.html)" = 0 ] || fail "diagnoses open before a click"
echo "ok: $rows rows ($ncodes codes) rendered"

dump "#failures=1" failing.html
[ "$(visible failing.html)" = "$alias_rows" ] ||
    fail "only failures: $(visible failing.html) rows visible, want $alias_rows"
[ "$(shown failing.html)" = "$alias_rows" ] || fail "only failures: counter"
grep -Eo '<tr class="(code|case)"[^>]*>' failing.html | grep -v ' hidden' |
    grep -vq 'Forbidden.AliasNotFound' && fail "a passing row survived 'only failures'"
echo "ok: only failures shows the $alias_rows AliasNotFound rows"

dump "#filter=KeyNotFound" filtered.html
[ "$(visible filtered.html)" = "$knf_rows" ] ||
    fail "filter: $(visible filtered.html) rows visible, want $knf_rows"
dump "#filter=KeyNotFound&failures=1" none.html
[ "$(shown none.html)" = 0 ] || fail "filter + failures: $(shown none.html) rows"
echo "ok: text filter ($knf_rows rows) and both together (0 rows)"

dump "#open=Forbidden.AliasNotFound" open.html
n=$(grep -c '<div class="diag">' open.html)
[ "$n" = "$alias_rows" ] || fail "open: $n diagnoses shown, want $alias_rows"
grep -A3 '<div class="diag">' open.html | grep -q 'status' ||
    fail "the open diagnosis does not name the failed check"
echo "ok: failing cells open their diagnosis"

# the "cases" toggle: collapsed to the code rows and expanded again
dump "#cases=0" collapsed.html
[ "$(visible collapsed.html)" = "$ncodes" ] ||
    fail "cases=0: $(visible collapsed.html) rows visible, want $ncodes"
"$KMSCONF" matrix --html plain.html clean.xml dev.xml >/dev/null 2>&1
assert_exit 0 $? "kmsconf matrix without --cases"
dump plain.html "" plain-dom.html
[ "$(shown plain-dom.html)" = "$ncodes" ] ||
    fail "without --cases the page shows $(shown plain-dom.html) rows"
dump plain.html "#cases=1" plain-expanded.html
[ "$(shown plain-expanded.html)" = "$rows" ] ||
    fail "cases=1 expands to $(shown plain-expanded.html) rows, want $rows"
echo "ok: codes expand into their cases and collapse again"
