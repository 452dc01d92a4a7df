#!/usr/bin/env bash
# The done-when of `kmsconf site` (issue 15): bundles of a clean run against
# kms-refserver and of runs against deviating servers (--deviate of several
# kinds, --deviate-code) are each accepted by verify and refused once one
# byte of them changed; the site of all of them, with a JUnit report and a
# results file of another target, is rendered by headless Chromium and
# site_check.py compares what the pages show with counts it computes from
# the inputs themselves (never from the site's api.json). The check is
# shown to fail on a page whose score was changed. The filter in the URL
# fragment, the badges, the absence of external resources and of the
# profile's secrets are checked too. Fails when Chromium is not installed.
. "$(dirname "$0")/lib.sh"
need jq python3
chromium_find
PROFILE=$KC_SOURCE_DIR/suite/targets/refserver.json
CATALOG=$KC_SOURCE_DIR/suite/catalog.json
CHECK=$KC_SOURCE_DIR/tests/integration/site_check.py
rm -rf site site2 b-* t rendered dom

# vendor-code states a manifest: it claims core (which its server breaks)
# and account; the others state none
named() {
    local m=null
    [ "$1" = vendor-code ] &&
        m='{"vendor": "Example", "product": "Example KMS", "levels": ["core", "account"]}'
    jq --arg n "$1" --argjson m "$m" '.name = $n | if $m then .manifest = $m else . end' \
        "$PROFILE" >"$1.json"
}
run() { # target out [options]
    local t=$1 o=$2
    shift 2
    named "$t"
    "$KMSCONF" run -q -j 4 --tag read-only --target "$t.json" \
        --endpoint "$RS_URL" "$@" >"$o.out" 2>&1
}
# deviating NAME EXIT REFSERVER-OPTIONS...: a bundled run of target
# vendor-NAME against a server started with those options, into b-NAME
deviating() {
    local n=$1 want=$2
    shift 2
    start_refserver --allow-deviations "$@"
    run "vendor-$n" "$n" -o "$n.xml" --bundle "b-$n"
    assert_exit "$want" $? "run of vendor-$n: $(tail -n 3 "$n.out")"
    stop_refservers
}

# 1. the runs: vendor-green twice, a JUnit report of a run against a server
# that breaks one code, dated a day earlier (the site orders runs by their
# start, not by the order of the inputs), and a results file of a clean
# run; then bundles of a clean run and of four deviating servers
start_refserver --allow-deviations --deviate-code Forbidden.AliasNotFound
run vendor-green g1 -o g1.xml
assert_exit 1 $? "first green run: $(tail -n 3 g1.out)"
stop_refservers
sed -i 's|name="kmsconf.started" value="[^"]*"|name="kmsconf.started" value="2026-01-01T00:00:00Z"|' g1.xml
grep -q 'value="2026-01-01T00:00:00Z"' g1.xml || fail "g1.xml: no kmsconf.started"
start_refserver
run vendor-green g2 -o g2.xml --results g2.json
assert_exit 0 $? "second green run"
run vendor-clean clean -o clean.xml --bundle b-clean
assert_exit 0 $? "clean bundled run: $(tail -n 3 clean.out)"
stop_refservers
deviating status 1 --deviate status
deviating message 1 --deviate message
deviating ctype 1 --deviate content-type
deviating code 1 --deviate-code Forbidden.KeyNotFound
BUNDLES="b-clean b-status b-message b-ctype b-code"
INPUTS="g2.json g1.xml $BUNDLES"

# 2. verify accepts every bundle and refuses each once a byte changed (a
# different file of each)
flip() { # FILE OFFSET: one bit of the byte at OFFSET
    python3 -c 'import sys
p, i = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read()); b[i % len(b)] ^= 1
open(p, "wb").write(b)' "$1" "$2"
}
k=0
for b in $BUNDLES; do
    "$KMSCONF" verify "$b" >"v-$b.out" 2>&1
    assert_exit 0 $? "verify $b: $(tail -n 3 "v-$b.out")"
    assert_grep '^verified: [1-9][0-9]* answers re-checked, [1-9][0-9]* testcases compared, 0 differences, 0 file problems$' "v-$b.out"
    files=("answers/$(cd "$b" && ls answers | head -n 1)" results.json
        report.xml rids.json suite/catalog.json)
    f=${files[k % 5]}
    k=$((k + 1))
    rm -rf t && cp -r "$b" t && flip "t/$f" 77
    "$KMSCONF" verify t >vt.out 2>&1
    assert_exit 1 $? "verify of $b with a byte of $f changed"
    assert_grep "^$f: its SHA-256 differs" vt.out
done
grep -q '<failure type="status"' status.xml && grep -q '<failure type="message"' message.xml &&
    grep -q '<failure type="content-type"' ctype.xml && grep -q '<failure type="status"' code.xml ||
    fail "a deviating run does not fail the check it breaks"
echo "ok: 5 bundles verified, each refused with one byte changed"

# 3. the site of all of them
"$KMSCONF" site site $INPUTS >site.out 2>&1
assert_exit 0 $? "kmsconf site: $(cat site.out)"
assert_grep '^kmsconf site: site: 7 reports$' site.out
for f in index.html api.json badges/vendor-code.svg; do
    [ -s "site/$f" ] || fail "site/$f missing"
done
grep -rlE '<script src|<link |src="https?:|href="https?:|url\(' site >ext.txt &&
    fail "an external resource in $(head -n 1 ext.txt)"
secrets=$(sed -n 's/.*"access_key_secret": *"\([^"]*\)".*/\1/p' "$PROFILE")
[ -n "$secrets" ] || fail "no secret found in $PROFILE"
for s in $secrets; do
    grep -rqF -- "$s" site && fail "secret $s in the site"
done
echo "ok: site written, self-contained, no secret"

# 4. the pages as Chromium renders them, against the inputs
render() { # DOMDIR PAGE...: each page's DOM into DOMDIR/PAGE.dom
    local d=$1 p
    shift
    for p in "$@"; do
        mkdir -p "$d/$(dirname "$p")"
        chromium_dump "rendered/$p" "" "$d/$p.dom"
    done
}
cp -r site "$WORK/rendered"
python3 "$CHECK" pages "$CATALOG" $INPUTS >pages.txt || fail "site_check pages"
# shellcheck disable=SC2046
render dom $(cat pages.txt)
python3 "$CHECK" check "$CATALOG" dom $INPUTS >check.out 2>&1 ||
    fail "the rendered site differs from its inputs: $(cat check.out)"
cat check.out

# the check can fail: a front page with one score changed
rm -rf dom-bad && cp -r dom dom-bad
python3 - dom-bad/index.html.dom <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s, n = re.subn(r'(id="t-vendor-code".*?class="score">)(\d+)', lambda m: m.group(1) + str(int(m.group(2)) + 1), s, count=1, flags=re.S)
assert n == 1
open(p, "w").write(s)
PY
python3 "$CHECK" check "$CATALOG" dom-bad $INPUTS >bad-check.out 2>&1 &&
    fail "site_check accepts a front page with a wrong score"
assert_grep "vendor-code's score" bad-check.out
rm -rf dom-bad && cp -r dom dom-bad
sed -i 's|json 2/2|json 1/2|' dom-bad/index.html.dom
python3 "$CHECK" check "$CATALOG" dom-bad $INPUTS >bad-check.out 2>&1 &&
    fail "site_check accepts a matrix cell with a wrong count"
assert_grep "counts" bad-check.out
# and a recorded answer's body shown unescaped (parsed as markup)
rm -rf dom-bad && cp -r dom dom-bad
python3 - dom-bad/codes/forbidden-keynotfound.html.dom <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
i = s.index('<pre class="body">&lt;')
j = s.index("&lt;Code&gt;", i)
open(p, "w").write(s[:j] + "<Code>" + s[j + len("&lt;Code&gt;"):])
PY
python3 "$CHECK" check "$CATALOG" dom-bad $INPUTS >bad-check.out 2>&1 &&
    fail "site_check accepts an answer body that is not the recorded one"
assert_grep "the recorded answer" bad-check.out
# and a trend in the order of the inputs instead of the runs' start
rm -rf dom-bad && cp -r dom dom-bad
sed -i 's|data-score="19"|data-score="X"|; s|data-score="20"|data-score="19"|; s|data-score="X"|data-score="20"|' \
    dom-bad/targets/vendor-green.html.dom
python3 "$CHECK" check "$CATALOG" dom-bad $INPUTS >bad-check.out 2>&1 &&
    fail "site_check accepts a trend out of order"
assert_grep "the trend's points" bad-check.out
# and a target page with an empty claims table instead of saying none
rm -rf dom-bad && cp -r dom dom-bad
sed -i 's|<p id="no-claims">[^<]*</p>|<table id="claims"><tbody></tbody></table>|' \
    dom-bad/targets/vendor-clean.html.dom
python3 "$CHECK" check "$CATALOG" dom-bad $INPUTS >bad-check.out 2>&1 &&
    fail "site_check accepts an empty claims table"
assert_grep "claims are not stated" bad-check.out
# and a run page whose way back leads to another target
rm -rf dom-bad && cp -r dom dom-bad
sed -i 's|href="../targets/vendor-green.html"|href="../targets/vendor-clean.html"|' \
    dom-bad/runs/vendor-green-1.html.dom
python3 "$CHECK" check "$CATALOG" dom-bad $INPUTS >bad-check.out 2>&1 &&
    fail "site_check accepts a run page linking back to another target"
assert_grep "the links back" bad-check.out
echo "ok: site_check refuses a wrong score, count, body, trend order, claims or way back"

# the filter from the URL fragment: one row of the 6 shown
chromium_dump rendered/index.html "#filter=vendor-code" filtered.dom
grep -q '1 shown' filtered.dom || fail "filter=vendor-code does not leave 1 row"
[ "$(grep -c 'class="row target"[^>]*style="display: none;"' filtered.dom)" = 5 ] ||
    fail "filter=vendor-code hides not 5 target rows"
chromium_dump rendered/index.html "#level=core&format=xml&failing=1" mfilter.dom
python3 "$CHECK" filtered "$CATALOG" mfilter.dom core xml 1 $INPUTS >mf.out 2>&1 ||
    fail "matrix filter: $(cat mf.out)"
cat mf.out
chromium_dump rendered/index.html "#level=extension" mfilter2.dom
python3 "$CHECK" filtered "$CATALOG" mfilter2.dom extension "" 0 $INPUTS >mf.out 2>&1 ||
    fail "matrix filter: $(cat mf.out)"
cat mf.out
# the check can fail: the unfiltered page is not what level=core shows
python3 "$CHECK" filtered "$CATALOG" dom/index.html.dom core "" 0 $INPUTS >mf.out 2>&1 &&
    fail "site_check filtered accepts an unfiltered page"
echo "ok: filters from the URL fragment"

# badges: the score the inputs give
code_score=$(python3 -c '
import sys; sys.path.insert(0, sys.argv[1]); import site_check as s
m = s.Model(sys.argv[2], sys.argv[3:]); print(m.score(m.latest("vendor-code")))' \
    "$(dirname "$CHECK")" "$CATALOG" $INPUTS)
grep -q "KMS errors" site/badges/vendor-code.svg &&
    grep -q "$code_score/$(jq '.errors | length' "$CATALOG")" site/badges/vendor-code.svg ||
    fail "badge of vendor-code: not $code_score"
echo "ok: badges"

# bad input: one line, exit 2
"$KMSCONF" site site2 nosuch.xml >bad.out 2>&1
assert_exit 2 $? "site with a missing input"
[ "$(wc -l <bad.out)" = 1 ] || fail "missing input: not one line: $(cat bad.out)"
"$KMSCONF" site onlyout >bad2.out 2>&1
assert_exit 2 $? "site without inputs"
echo "ok: bad input refused"
