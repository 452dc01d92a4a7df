#!/usr/bin/env bash
# kmsconf diff on real runs: two clean runs compare equal (exit 0); a run
# against a deviating server shows regressions (exit 1) in every rendering;
# reports of different catalogs are refused unless --force.
. "$(dirname "$0")/lib.sh"

run() { # OUT [refserver deviation]
    local out=$1
    shift
    local args=()
    [ $# -gt 0 ] && args=(--refserver-arg --allow-deviations
        --refserver-arg --deviate --refserver-arg "$1")
    "$KMSCONF" run -q -j 4 --tag read-only "${args[@]}" -o "$out" \
        >"$out.out" 2>&1
}

run clean1.xml
assert_exit 0 $? "clean run 1: $(tail -n 3 clean1.xml.out)"
run clean2.xml
assert_exit 0 $? "clean run 2"
run dev.xml status
assert_exit 1 $? "deviating run"
n=$(grep -c '<testcase ' clean1.xml)
[ "$n" -gt 0 ] || fail "clean run has no testcases"

"$KMSCONF" diff clean1.xml clean2.xml >same.txt 2>&1
assert_exit 0 $? "diff of two clean runs: $(cat same.txt)"
assert_grep "^unchanged: $n, regression: 0," same.txt
assert_grep '^levels: unchanged$' same.txt
echo "ok: two clean runs are equal ($n testcases)"

"$KMSCONF" diff clean1.xml dev.xml >reg.txt 2>&1
assert_exit 1 $? "diff clean -> deviating"
assert_grep "^Regressions \($n\):" reg.txt
assert_grep "pass -> fail  failing checks: status" reg.txt
# every read-only level fails the status check now, in both formats
assert_grep '^levels:$' reg.txt
assert_grep '^  core json: pass \([0-9]+\) -> fail \([0-9]+ of [0-9]+ failed\)$' reg.txt
assert_grep '^  core xml: pass \([0-9]+\) -> fail \([0-9]+ of [0-9]+ failed\)$' reg.txt
echo "ok: regressions named, exit 1"

"$KMSCONF" diff dev.xml clean1.xml >fix.txt 2>&1
assert_exit 0 $? "diff deviating -> clean (fixes only)"
assert_grep "^Fixes \($n\):" fix.txt
"$KMSCONF" diff --fail-on fix dev.xml clean1.xml >/dev/null 2>&1
assert_exit 1 $? "--fail-on fix"

"$KMSCONF" diff --markdown clean1.xml dev.xml >reg.md 2>&1
assert_exit 1 $? "diff --markdown"
assert_grep "^#### Regressions \($n\)" reg.md
assert_grep "^\| regression \| $n \|" reg.md
assert_grep '^\| core \| json \| pass \([0-9]+\) \| fail \([0-9]+ of [0-9]+ failed\) \|$' reg.md

"$KMSCONF" diff --json clean1.xml dev.xml >reg.json 2>diff.err
assert_exit 1 $? "diff --json"
need jq
jq -e --argjson n "$n" '.counts.regression == $n and .failing == true' \
    reg.json >/dev/null || fail "diff --json output: $(jq -c .counts reg.json)"
echo "ok: markdown and json renderings"

# a report with another catalog is refused (exit 2) unless --force
sed 's/name="kmsconf.catalog_sha256" value="[0-9a-f]*"/name="kmsconf.catalog_sha256" value="0000"/' \
    clean2.xml >othercat.xml
"$KMSCONF" diff clean1.xml othercat.xml >cat.txt 2>&1
assert_exit 2 $? "diff across catalogs"
assert_grep "different catalogs" cat.txt
"$KMSCONF" diff --force clean1.xml othercat.xml >/dev/null 2>&1
assert_exit 0 $? "diff --force across catalogs"

# unreadable input and usage errors: exit 2 with one line naming the file
printf '<testsuites><testcase' >broken.xml
"$KMSCONF" diff clean1.xml broken.xml >broken.txt 2>&1
assert_exit 2 $? "diff of a broken report"
assert_grep "broken.xml:1: malformed XML" broken.txt
[ "$(wc -l <broken.txt)" -eq 1 ] || fail "error is not one line"
# an input libxml2 cannot decode: kmsconf's one line and none of libxml2's
# own ("encoding error : ...", "I/O error : ..."), though diff reads it twice
printf '<\0\0\0001' >ucs4.xml
"$KMSCONF" diff ucs4.xml clean1.xml >ucs4.txt 2>&1
assert_exit 2 $? "diff of an undecodable report"
assert_grep "^kmsconf diff: ucs4.xml:0: malformed XML: encoder error$" ucs4.txt
[ "$(wc -l <ucs4.txt)" -eq 1 ] || fail "libxml2 printed its own lines: $(cat ucs4.txt)"
"$KMSCONF" diff --fail-on nonsense clean1.xml clean2.xml >/dev/null 2>&1
assert_exit 2 $? "diff --fail-on nonsense"
echo "ok: catalogs, malformed input, usage"

# Reports unfit to gate on fail the gate (exit 2, one line) unless
# --allow-partial: a partial NEW run (fewer testcases), a NEW report marked
# interrupted, a testcase twice in either report.
# shellcheck disable=SC2054 # one option value with a comma
GATE=(--fail-on regression,new-failing)
"$KMSCONF" run -q -j 4 --tag read-only --only 'not-found/*' -o partial.xml \
    >partial.out 2>&1
assert_exit 0 $? "partial run"
np=$(grep -c '<testcase ' partial.xml)
[ "$np" -lt "$n" ] || fail "the partial run has all $n testcases"
"$KMSCONF" diff "${GATE[@]}" clean1.xml partial.xml >part.txt 2>part.err
assert_exit 2 $? "diff against a partial run"
assert_grep "^kmsconf diff: partial.xml has $np testcases, $((n - np)) fewer than clean1.xml \($n\): a partial run cannot show the regressions of what it left out; use --allow-partial to compare anyway\$" part.err
[ "$(wc -l <part.err)" = 1 ] || fail "partial: not one line"
[ -s part.txt ] && fail "partial: a diff was printed"
"$KMSCONF" diff "${GATE[@]}" --allow-partial clean1.xml partial.xml \
    >part.txt 2>part.err
assert_exit 0 $? "diff --allow-partial against a partial run"
assert_grep "^kmsconf diff: warning: partial.xml has $np testcases.*\(--allow-partial\)\$" part.err
assert_grep "^unchanged: $np, .*removed: $((n - np))," part.txt
"$KMSCONF" diff "${GATE[@]}" partial.xml clean1.xml >/dev/null 2>&1
assert_exit 0 $? "diff of a partial BASE against a whole NEW run"
echo "ok: a partial NEW run fails the gate ($np of $n testcases), --allow-partial compares"

sed 's/name="kmsconf.interrupted" value="false"/name="kmsconf.interrupted" value="true"/' \
    clean2.xml >int.xml
[ "$(prop int.xml kmsconf.interrupted)" = true ] || fail "int.xml not marked"
"$KMSCONF" diff "${GATE[@]}" clean1.xml int.xml >int.txt 2>int.err
assert_exit 2 $? "diff against an interrupted run"
assert_grep "^kmsconf diff: int.xml is the report of an interrupted run \(kmsconf.interrupted=true, 0 testcases skipped as interrupted\): what it did not run cannot regress; use --allow-partial to compare anyway\$" int.err
"$KMSCONF" diff "${GATE[@]}" --allow-partial clean1.xml int.xml >/dev/null \
    2>&1
assert_exit 0 $? "diff --allow-partial against an interrupted run"
echo "ok: an interrupted NEW run fails the gate"

# the first testcase written twice
awk '/<testcase / && !t {t=1} t==1 {b=b $0 "\n"} {print}
    t==1 && /<\/testcase>/ {printf "%s", b; t=2}' \
    clean2.xml >dup.xml
[ "$(grep -c '<testcase ' dup.xml)" = $((n + 1)) ] || fail "dup.xml not made"
first=$(grep -m1 -o '<testcase classname="[^"]*" name="[^"]*"' clean2.xml |
    sed 's/<testcase classname="\([^"]*\)" name="\([^"]*\)"/\1'"' '"'\2/')
first_re=$(sed -e 's/\[/\\[/g' -e 's/\]/\\]/g' -e 's/\./\\./g' <<<"$first")
for order in "clean1.xml dup.xml" "dup.xml clean1.xml"; do
    # shellcheck disable=SC2086 # two file names
    "$KMSCONF" diff "${GATE[@]}" $order >dup.txt 2>dup.err
    assert_exit 2 $? "diff $order (a duplicate)"
    assert_grep "^kmsconf diff: dup.xml holds testcase '$first_re' more than once: a report with duplicates cannot be compared \(combine shards with kmsconf merge\); use --allow-partial to compare anyway\$" dup.err
done
"$KMSCONF" diff "${GATE[@]}" --allow-partial clean1.xml dup.xml >/dev/null 2>&1
assert_exit 0 $? "diff --allow-partial with a duplicate"
echo "ok: a duplicate testcase in either report fails the gate"
