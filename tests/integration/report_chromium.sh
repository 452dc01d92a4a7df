#!/usr/bin/env bash
# kmsconf report --html rendered by headless Chromium: the page's counts
# (totals, failure entries, rows by code and by check, the levels) are the
# JUnit file's, its metadata are the report's properties, the text and
# outcome filters (driven through location.hash) hide the right testcases,
# and hostile text of a report (a RequestId, a transcript, the target name
# holding markup) comes out inert, while the same page unescaped is caught
# by the same check. Fails when Chromium is not installed.
. "$(dirname "$0")/lib.sh"

chromium_find

"$KMSCONF" run -q -j 4 --tag read-only -o clean.xml >clean.out 2>&1
assert_exit 0 $? "clean run: $(tail -n 3 clean.out)"
"$KMSCONF" run -q -j 4 --tag read-only --refserver-arg --allow-deviations \
    --refserver-arg --deviate-code --refserver-arg Forbidden.AliasNotFound \
    -o dev.xml >dev.out 2>&1
assert_exit 1 $? "deviating run"
"$KMSCONF" expect --from dev.xml -o known.json 2>expect.err
assert_exit 0 $? "kmsconf expect: $(cat expect.err)"
"$KMSCONF" run -q -j 4 --tag read-only --refserver-arg --allow-deviations \
    --refserver-arg --deviate-code --refserver-arg Forbidden.AliasNotFound \
    --expect known.json -o known.xml >known.out 2>&1
assert_exit 0 $? "run with the failures known: $(tail -n 3 known.out)"

# usage and unreadable input: exit 2 with one line, nothing written
"$KMSCONF" report >noarg.out 2>&1
assert_exit 2 $? "kmsconf report without a report"
assert_grep '^kmsconf report: need a report \(see --help\)$' noarg.out
"$KMSCONF" report dev.xml clean.xml >two.out 2>&1
assert_exit 2 $? "kmsconf report with two reports"
assert_grep '^kmsconf report: one report only' two.out
"$KMSCONF" report dev.xml --html >nofile.out 2>&1
assert_exit 2 $? "kmsconf report --html without a file"
"$KMSCONF" report nosuch.xml >nosuch.out 2>&1
assert_exit 2 $? "kmsconf report nosuch.xml"
assert_grep '^kmsconf report: nosuch.xml: ' nosuch.out
"$KMSCONF" report dev.xml --html "$WORK/no/such/dir/p.html" >nodir.out 2>nodir.err
assert_exit 2 $? "kmsconf report --html into a missing folder"
[ -s nodir.out ] && fail "totals printed although the page cannot be written"
[ "$(wc -l <nodir.err)" = 1 ] || fail "not one error line: $(cat nodir.err)"

# junit FILE ATTR: an attribute of the report's <testsuites>
junit() { sed -n "s/^<testsuites .* $2=\"\([0-9]*\)\".*/\1/p" "$1"; }
# entries FILE [OUTCOME]: the testcase entries of a page (of one outcome)
entries() { grep -Eo "<(details|div) class=\"tc\" data-outcome=\"${2:-[a-z]+}\"[^>]*>" "$1"; }
visible() { entries "$@" | grep -vc ' hidden'; }
shown() { sed -n 's/.*data-shown="\([0-9]*\)".*/\1/p' "$1" | head -n 1; }
count() { sed -n "s/.*<b data-count=\"$2\">\([0-9]*\)<.*/\1/p" "$1"; }

for r in clean dev known; do
    "$KMSCONF" report "$r.xml" --html "$r.html" >"$r.sum" 2>"$r.err"
    assert_exit 0 $? "kmsconf report $r.xml: $(cat "$r.err")"
    assert_no_grep '<script src' "$r.html"
    assert_no_grep '<link ' "$r.html"
    assert_no_grep 'href="http' "$r.html"
    chromium_dump "$r.html" "" "$r-dom.html"
    tests=$(junit "$r.xml" tests) failures=$(junit "$r.xml" failures)
    errors=$(junit "$r.xml" errors) skipped=$(junit "$r.xml" skipped)
    known=$(grep -c '<skipped type="expected-failure"' "$r.xml")
    passed=$((tests - failures - errors - skipped))
    want="$tests testcases: $passed passed, $failures failed, $errors errors, $((skipped - known)) skipped, $known known failures"
    [ "$(cat "$r.sum")" = "$want" ] || fail "$r: totals '$(cat "$r.sum")', want '$want'"
    for kv in "all $tests" "pass $passed" "fail $failures" "error $errors" \
        "skip $((skipped - known))" "known $known"; do
        read -r k v <<<"$kv"
        [ "$(count "$r-dom.html" "$k")" = "$v" ] ||
            fail "$r: page counts $(count "$r-dom.html" "$k") $k, want $v"
        [ "$k" = all ] && continue
        [ "$(entries "$r-dom.html" "$k" | wc -l)" = "$v" ] ||
            fail "$r: $(entries "$r-dom.html" "$k" | wc -l) $k entries, want $v"
    done
    [ "$(entries "$r-dom.html" | wc -l)" = "$tests" ] || fail "$r: not one entry per testcase"
    [ "$(shown "$r-dom.html")" = "$tests" ] || fail "$r: $(shown "$r-dom.html") shown"
    assert_grep "$tests of $tests testcases shown" "$r-dom.html"
    # one row per code of the report, each with the code's testcases
    ncodes=$(grep -o 'classname="[^"]*"' "$r.xml" | sort -u | wc -l)
    [ "$(grep -c '<tr class="code"' "$r-dom.html")" = "$ncodes" ] ||
        fail "$r: $(grep -c '<tr class="code"' "$r-dom.html") code rows, want $ncodes"
    knf=$(grep -c 'classname="kmsconf.Forbidden.KeyNotFound"' "$r.xml")
    grep -q "data-code=\"Forbidden.KeyNotFound\" data-state=\"pass\"><td class=\"pass\"><a href=\"#filter=Forbidden.KeyNotFound\">Forbidden.KeyNotFound</a></td><td class=\"num\">$knf</td>" "$r-dom.html" ||
        fail "$r: the KeyNotFound row does not count its $knf testcases"
    # the metadata are the report's properties
    for m in version endpoint region signature envelope; do
        p=$m
        [ $m = endpoint ] && p=endpoint_host
        assert_grep "<dd data-meta=\"$m\">$(prop "$r.xml" "kmsconf.$p")</dd>" "$r-dom.html"
    done
    assert_grep "<dd data-meta=\"date\">$(prop "$r.xml" kmsconf.started)</dd>" "$r-dom.html"
    assert_grep '<ul class="legend" id="legend">' "$r-dom.html"
    # the levels table says what the report's kmsconf.level.* properties say
    nlev=$(grep -c '<property name="kmsconf\.level\.' "$r.xml")
    [ "$nlev" -gt 0 ] || fail "$r: the report states no level"
    [ "$(grep -o '<td class="[a-z]*" data-level=' "$r-dom.html" | wc -l)" = "$nlev" ] ||
        fail "$r: not one level cell per kmsconf.level property ($nlev)"
    while read -r lev fmt val; do
        grep -qF "data-level=\"$lev\" data-format=\"$fmt\">$val</td>" "$r-dom.html" ||
            fail "$r: level $lev $fmt is not '$val'"
    done < <(sed -n 's/.*<property name="kmsconf\.level\.\([a-z-]*\)\.\([a-z]*\)" value="\([^"]*\)".*/\1 \2 \3/p' "$r.xml")
    echo "ok: $r: $want, $ncodes code rows, metadata"
done

# the deviating run: every failure with its failed checks and transcript,
# the by-check table, and the filters
alias_fail=$(grep -A1 'classname="kmsconf.Forbidden.AliasNotFound"' dev.xml | grep -c '<failure ')
[ "$alias_fail" -gt 0 ] || fail "the deviation made no AliasNotFound failure"
grep -q "data-code=\"Forbidden.AliasNotFound\" data-state=\"fail\"><td class=\"fail\">.*<td class=\"num fail\">$alias_fail</td>" dev-dom.html ||
    fail "the AliasNotFound row does not count $alias_fail failures"
failures=$(junit dev.xml failures)
[ "$(grep -c '<li class="failure"><b>status</b>: HTTP status 405, expected 404' dev-dom.html)" = "$failures" ] ||
    fail "not every failure shows its failed check"
[ "$(grep -c '<details class="transcript">' dev-dom.html)" -ge "$failures" ] ||
    fail "a failure lacks its transcript"
grep -q "<tr class=\"check\" data-check=\"status\"><td><a href=\"#filter=status\">status</a></td><td class=\"num\">$failures</td><td class=\"num\">1</td></tr>" dev-dom.html ||
    fail "the by-check table does not count $failures status failures in 1 code"
grep -q '<p id="no-checks">' clean-dom.html || fail "the clean page does not say that no check failed"
[ "$(entries dev-dom.html | head -n "$failures" | grep -c 'data-outcome="fail"')" = "$failures" ] ||
    fail "failures are not listed first"
echo "ok: $failures failures with checks and transcripts, by check"

tests=$(junit dev.xml tests)
passed=$((tests - failures))
chromium_dump dev.html "#outcome=fail" fail-dom.html
[ "$(visible fail-dom.html)" = "$failures" ] ||
    fail "outcome=fail: $(visible fail-dom.html) visible, want $failures"
[ "$(visible fail-dom.html fail)" = "$failures" ] || fail "outcome=fail hides failures"
chromium_dump dev.html "#outcome=pass" pass-dom.html
[ "$(visible pass-dom.html)" = "$passed" ] ||
    fail "outcome=pass: $(visible pass-dom.html) visible, want $passed"
chromium_dump dev.html "#filter=forbidden.keynotfound" knf-dom.html
[ "$(visible knf-dom.html)" = "$knf" ] ||
    fail "filter: $(visible knf-dom.html) visible, want $knf"
[ "$(shown knf-dom.html)" = "$knf" ] || fail "filter: the counter says $(shown knf-dom.html)"
chromium_dump dev.html "#filter=KeyNotFound&outcome=problem" none-dom.html
[ "$(visible none-dom.html)" = 0 ] || fail "filter + outcome: $(visible none-dom.html) visible"
chromium_dump dev.html "#outcome=nosuch" bad-dom.html
[ "$(visible bad-dom.html)" = "$tests" ] || fail "an unknown outcome filters"
chromium_dump dev.html "#open=Forbidden.AliasNotFound" open-dom.html
[ "$(entries open-dom.html fail | grep -c ' open=""')" = "$failures" ] ||
    fail "open: $(entries open-dom.html fail | grep -c ' open=""') opened, want $failures"
[ "$(entries dev-dom.html | grep -c ' open=""')" = 0 ] || fail "entries open before asked"
echo "ok: outcome filter ($failures, $passed), text filter ($knf), both (0), open"

# hostile text: markup in a RequestId, a transcript and the target name
# must stay text; the checks below catch the same page unescaped
sed -e "s/@@ request-id: .*/@@ request-id: <script>document.title='pwned'<\/script>/" \
    -e "s/^< HTTP 405/< <img src=x onerror=\"document.title='pwned'\">/" \
    -e 's/name="kmsconf.target" value="[^"]*"/name="kmsconf.target" value="\&lt;script\&gt;document.title=\&apos;pwned\&apos;\&lt;\/script\&gt;"/' \
    -e 's/name="kmsconf.endpoint_host" value="[^"]*"/name="kmsconf.endpoint_host" value="https:\/\/id:s3cr3t@kms.example:443\/?AccessKeyId=x"/' \
    dev.xml >hostile.xml
grep -q "<script>document.title" hostile.xml ||
    fail "the hostile report has no script in a RequestId"
grep -q '<img src=x' hostile.xml || fail "the hostile report has no image in a transcript"
"$KMSCONF" report hostile.xml --html hostile.html >/dev/null 2>hostile.err
assert_exit 0 $? "kmsconf report hostile.xml: $(cat hostile.err)"
# inert PAGE: the script did not run, the markup is text, the
# credentials and the query string of the endpoint are not shown
inert() {
    chromium_dump "$1" "" "$1.dom"
    grep -q '<title>pwned</title>' "$1.dom" && return 1
    grep -q '<img src="x"' "$1.dom" && return 1
    [ "$(grep -c '<script' "$1.dom")" = 1 ] || return 1
    grep -q 's3cr3t\|AccessKeyId=x' "$1.dom" && return 1
    return 0
}
inert hostile.html || fail "hostile text of the report is live in the page"
assert_grep '<dd data-meta="endpoint">kms.example:443</dd>' hostile.html.dom
assert_grep "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" hostile.html
assert_grep '<h1>kmsconf run: <span id="target">&lt;script&gt;' hostile.html.dom
sed -e 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g' -e "s/&#39;/'/g" hostile.html >unescaped.html
inert unescaped.html && fail "the check does not catch live markup"
echo "ok: hostile RequestId, transcript and target are inert, endpoint host only"
