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
echo "ok: two clean runs are equal ($n testcases)"

"$KMSCONF" diff clean1.xml dev.xml >reg.txt 2>&1
assert_exit 1 $? "diff clean -> deviating"
assert_grep "^Regressions \($n\):" reg.txt
assert_grep "pass -> fail  failing checks: status" reg.txt
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
"$KMSCONF" diff --fail-on nonsense clean1.xml clean2.xml >/dev/null 2>&1
assert_exit 2 $? "diff --fail-on nonsense"
echo "ok: catalogs, malformed input, usage"
