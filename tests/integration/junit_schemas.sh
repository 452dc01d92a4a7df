#!/usr/bin/env bash
# The project's JUnit schemas (tests/data/junit) have teeth: each accepts its
# good fixtures and refuses every bad one (well-formed XML with one defect,
# named in the file's first comment), the strict one refuses the default
# flavour, and both accept real reports of kmsconf run with passes,
# failures and skips (merged reports: reports_merge.sh).
. "$(dirname "$0")/lib.sh"

need xmllint jq
DATA=$JUNIT_XSD_DIR

# fixtures FLAVOUR KIND: the fixture files, failing when there are none.
fixtures() {
    local f n=0
    for f in "$DATA/$1-$2-"*.xml; do
        [ -e "$f" ] || continue
        echo "$f"
        n=$((n + 1))
    done
    [ "$n" -gt 0 ] || fail "no $DATA/$1-$2-*.xml fixture"
}

for flavour in default strict; do
    mode=
    [ "$flavour" = strict ] && mode=strict
    files=$(fixtures "$flavour" good) || exit 1
    for f in $files; do
        validate_junit "$f" $mode
    done
    files=$(fixtures "$flavour" bad) || exit 1
    for f in $files; do
        grep -q '^<!-- rejected: ' "$f" || fail "$f: no '<!-- rejected: why -->'"
        xmllint --noout --nonet "$f" 2>/dev/null || fail "$f is not well-formed"
        reject_junit "$f" $mode
    done
    echo "ok: $flavour schema: $(echo "$files" | wc -l) bad fixtures refused"
done

# A target without two credentials (their cases are skipped) against a
# server that breaks the status check: passes, failures and skips.
jq 'del(.credentials["in-debt"], .credentials["risk-control"])' \
    "$KC_SOURCE_DIR/suite/targets/refserver.json" >target.json ||
    fail "cannot write target.json"
start_refserver --allow-deviations --deviate-code Forbidden.KeyNotFound
for mode in default strict; do
    opt=()
    [ "$mode" = strict ] && opt=(--junit-strict)
    "$KMSCONF" run -q -j 4 "${opt[@]}" --target target.json \
        --endpoint "$RS_URL" -o "mixed-$mode.xml" >"mixed-$mode.out" 2>&1
    assert_exit 1 $? "run ($mode): $(tail -n 3 "mixed-$mode.out")"
    assert_grep '<failure type="status"' "mixed-$mode.xml"
    assert_grep '<skipped message="missing-credential: ' "mixed-$mode.xml"
    ntc=$(grep -c '<testcase ' "mixed-$mode.xml")
    nbad=$(grep -c '<failure \|<skipped ' "mixed-$mode.xml")
    [ "$ntc" -gt "$nbad" ] || fail "mixed-$mode.xml: no passing testcase"
    validate_junit "mixed-$mode.xml" "${mode#default}"
done
reject_junit mixed-default.xml strict

echo "ok: real reports with passes, failures and skips are valid"
