#!/usr/bin/env bash
# kmsconf matrix --html rendered by headless Chromium: the page shows one
# row per documented code (plus case rows), the filter and "only failures"
# toggle (driven through location.hash) hide the right rows, a failing
# cell's diagnosis opens in the side panel, and the page reads at a glance:
# a legend, solid state colours, a score per target equal to the Markdown
# table's, a metadata row per target, sticky header and first column.
# Fails when Chromium is not installed.
. "$(dirname "$0")/lib.sh"

chromium_find

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
    chromium_dump "$page" "$1" "$2"
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

# readable at a glance: a legend of the five cell states, solid colours per
# state, a score per target equal to the Markdown table's passing code rows,
# a metadata row per target, sticky header and first column
[ "$(grep -Eo '<li data-state="[a-z]+"' all.html | sort -u | wc -l)" = 5 ] ||
    fail "the legend does not show the five cell states"
for st in pass fail error skip none; do
    grep -q "^\.$st{background:#[0-9a-f]\{6\};" all.html ||
        fail "no solid colour for cells in state $st"
done
grep -q '^#matrix thead th{position:sticky;top:0' all.html ||
    fail "the header row is not sticky"
grep -q '^#matrix td:first-child{position:sticky;left:0' all.html ||
    fail "the first column is not sticky"
# score_md COLUMN: "P/N codes" from the Markdown table's code rows
score_md() {
    awk -F'|' -v col="$1" 'NR > 2 && $2 !~ /^ &nbsp;/ {
        n++; c = $(col + 2); if (c ~ /pass/ && c !~ /FAIL|ERROR/) p++ }
        END { print p + 0 "/" n " codes" }' matrix.md
}
scores=$(grep -Eo '<th data-label="[^"]*">[^<]*<br><span class="score"[^>]*>[^<]*' all.html |
    sed 's/.*>//')
want="$(score_md 1)
$(score_md 2)"
[ "$scores" = "$want" ] || fail "scores '$scores', want '$want'"
[ "$(score_md 1)" != "$(score_md 2)" ] || fail "the deviation did not lower a score"
[ "$(grep -c '<tr class="target">' all.html)" = 2 ] || fail "not one metadata row per target"
for m in version endpoint signature envelope; do
    p=$m
    [ $m = endpoint ] && p=endpoint_host
    [ "$(grep -c "<td data-meta=\"$m\">$(prop dev.xml "kmsconf.$p")</td>" all.html)" = 2 ] ||
        fail "metadata $m is not the reports' kmsconf.$p"
done
assert_grep "<td data-meta=\"date\">$(prop dev.xml kmsconf.started)</td>" all.html
# every failing cell of the deviating column is a red one
nfail=$(awk -F'|' 'NR > 2 && $4 ~ /FAIL/' matrix.md | wc -l)
[ "$(grep -c '<td class="cell fail"' all.html)" = "$nfail" ] ||
    fail "$(grep -c '<td class="cell fail"' all.html) red cells, want $nfail"
echo "ok: legend, colours, scores ($scores), metadata, sticky header"

# diagnoses go to the side panel: hidden and empty until a cell is opened
grep -q '<aside id="panel" hidden="">' all.html || fail "panel shown before a click"
grep -q '<aside id="panel">' open.html || fail "panel hidden after #open"
panel=$(sed -n '/<aside id="panel">/,/<\/aside>/p' open.html)
[ "$(echo "$panel" | grep -o '<div class="diag">' | wc -l)" = "$alias_rows" ] ||
    fail "the panel does not hold the $alias_rows diagnoses"
[ "$(echo "$panel" | grep -o '<h3>[^<]*kms-refserver #2</h3>' | wc -l)" = "$alias_rows" ] ||
    fail "the panel's diagnoses do not name their code and target"
echo "ok: the side panel holds the opened diagnoses"
