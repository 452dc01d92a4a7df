#!/usr/bin/env bash
# kmsconf site from JUnit reports, results files and a bundle folder,
# rendered by headless Chromium: the front page has one row per target with
# the score api.json gives, the filter (from the URL fragment) hides the
# other rows, a target's page lists each of its runs, a code's page shows
# every target's answer side by side with the deviating one failing, and
# each target has its badge. Fails when Chromium is not installed.
. "$(dirname "$0")/lib.sh"
need jq
chromium_find
PROFILE=$KC_SOURCE_DIR/suite/targets/refserver.json
rm -rf site site2 bundle rendered

named() { jq --arg n "$1" '.name = $n' "$PROFILE" >"$1.json"; }
named vendor-green
named vendor-dev
named vendor-bundled
start_refserver
run() { # target out [options]
    local t=$1 o=$2
    shift 2
    "$KMSCONF" run -q -j 4 --tag read-only --target "$t.json" \
        --endpoint "$RS_URL" "$@" >"$o.out" 2>&1
}
run vendor-green g1 -o g1.xml
assert_exit 0 $? "first green run: $(tail -n 3 g1.out)"
run vendor-green g2 -o g2.xml --results g2.json
assert_exit 0 $? "second green run"
run vendor-bundled b -o b.xml --bundle bundle
assert_exit 0 $? "bundled run: $(tail -n 3 b.out)"
stop_refservers
start_refserver --allow-deviations --deviate-code Forbidden.KeyNotFound
run vendor-dev d -o d.xml
assert_exit 1 $? "deviating run"
stop_refservers

"$KMSCONF" site site g1.xml g2.json d.xml bundle >site.out 2>&1
assert_exit 0 $? "kmsconf site: $(cat site.out)"
for f in index.html api.json targets/vendor-green.html \
    targets/vendor-dev.html targets/vendor-bundled.html \
    codes/forbidden-keynotfound.html badges/vendor-dev.svg; do
    [ -s "site/$f" ] || fail "site/$f missing"
done
assert_no_grep '<script src' site/index.html
assert_no_grep '<link ' site/index.html

# api.json: three targets, vendor-green with two runs, newest first
[ "$(jq '.targets | length' site/api.json)" = 3 ] || fail "api.json: not 3 targets"
[ "$(jq '.targets[] | select(.name == "vendor-green") | .runs | length' site/api.json)" = 2 ] ||
    fail "api.json: vendor-green has not 2 runs"
ncodes=$(jq '.codes' site/api.json)
[ "$ncodes" = "$(jq '.errors | length' "$KC_SOURCE_DIR/suite/catalog.json")" ] ||
    fail "api.json: codes is not the catalog's"
green=$(jq '.targets[] | select(.name == "vendor-green") | .runs[0].codes_passing' site/api.json)
dev=$(jq '.targets[] | select(.name == "vendor-dev") | .runs[0].codes_passing' site/api.json)
[ "$dev" -lt "$green" ] || fail "the deviating target scores $dev, the green one $green"
[ "$(jq '.targets[] | select(.name == "vendor-dev") | .runs[0].failed' site/api.json)" = \
    "$(grep -c '<failure ' d.xml)" ] || fail "api.json: vendor-dev's failures differ from its report"

# the front page as Chromium renders it
cp -r site "$WORK/rendered"
chromium_dump rendered/index.html "" index.dom
[ "$(grep -c '<tr class="row target"' index.dom)" = 3 ] || fail "front page: not 3 target rows"
grep -q "<tr class=\"row target\" data-text=\"vendor-dev\" id=\"t-vendor-dev\"><td><a href=\"targets/vendor-dev.html\">vendor-dev</a></td><td class=\"score\">$dev/$ncodes</td>" index.dom ||
    fail "front page: vendor-dev's score is not $dev/$ncodes"
grep -q "id=\"t-vendor-green\"><td><a href=\"targets/vendor-green.html\">vendor-green</a></td><td class=\"score\">$green/$ncodes</td>" index.dom ||
    fail "front page: vendor-green's score is not $green/$ncodes"
grep -q '3 shown' index.dom || fail "front page: the counter does not say 3 shown"
grep -q 'data-level="core">json fail' index.dom || fail "front page: no failing core level"
chromium_dump rendered/index.html "#filter=dev" filtered.dom
grep -q '1 shown' filtered.dom || fail "filter=dev does not leave 1 row"
[ "$(grep -c 'style="display: none;"' filtered.dom)" = 2 ] || fail "filter=dev hides not 2 rows"

# a target's page: one row per run; a code's page: each target's answer
chromium_dump rendered/targets/vendor-green.html "" green.dom
[ "$(grep -c '<tr class="run">' green.dom)" = 2 ] || fail "vendor-green's page has not 2 runs"
chromium_dump rendered/codes/forbidden-keynotfound.html "" code.dom
[ "$(grep -c '<tr class="row"' code.dom)" = 3 ] || fail "code page: not 3 targets"
grep -q 'vendor-dev</a></td><td class="fail">FAIL' code.dom || fail "code page: vendor-dev not failing"
grep -q 'vendor-green</a></td><td class="pass">pass' code.dom || fail "code page: vendor-green not passing"
grep -q "KMS errors" site/badges/vendor-dev.svg && grep -q "$dev/$ncodes" site/badges/vendor-dev.svg ||
    fail "badge of vendor-dev"
echo "ok: site of 3 targets (4 runs): scores $green and $dev of $ncodes, filter, history, code page, badges"

# bad input: one line, exit 2
"$KMSCONF" site site2 nosuch.xml >bad.out 2>&1
assert_exit 2 $? "site with a missing input"
[ "$(wc -l <bad.out)" = 1 ] || fail "missing input: not one line: $(cat bad.out)"
"$KMSCONF" site onlyout >bad2.out 2>&1
assert_exit 2 $? "site without inputs"
echo "ok: bad input refused"
