#!/usr/bin/env bash
# Expectation files: written from a deviating run's report they make a rerun
# against that server exit 0; against a clean server the entries are stale
# (exit 4); an expired entry makes the failure count again (exit 1).
. "$(dirname "$0")/lib.sh"

DEV=(--refserver-arg --allow-deviations --refserver-arg --deviate
    --refserver-arg message)
runs() { # OUT [ARGS...]
    local out=$1
    shift
    "$KMSCONF" run -q -j 4 --tag read-only "$@" -o "$out" >"$out.out" 2>&1
}

runs dev.xml "${DEV[@]}"
assert_exit 1 $? "deviating run"
"$KMSCONF" expect --from dev.xml -o known.json >expect.out 2>&1
assert_exit 0 $? "expect --from: $(cat expect.out)"
"$KMSCONF" expect --check known.json >check.out 2>&1
assert_exit 0 $? "expect --check: $(cat check.out)"
assert_grep '"check":	"message"' known.json

runs rerun.xml "${DEV[@]}" --expect known.json
assert_exit 0 $? "rerun with the expectation file: $(tail -n 5 rerun.xml.out)"
# recognisable as known failures: type, message and text say so
assert_grep '<skipped type="expected-failure" message="known failure: [^"]+"><!\[CDATA\[known failure: ' rerun.xml
assert_no_grep '<failure' rerun.xml
validate_junit rerun.xml
# kmsconf's reader gets them back: a diff against itself is empty, and the
# merge of the report alone writes the same skips
"$KMSCONF" diff --fail-on all rerun.xml rerun.xml >self.diff 2>&1
assert_exit 0 $? "diff of the report with itself: $(head -n 3 self.diff)"
"$KMSCONF" merge -o merged.xml rerun.xml >merge.out 2>&1
assert_exit 0 $? "merge: $(cat merge.out)"
[ "$(grep -c '<skipped type="expected-failure"' merged.xml)" = \
    "$(grep -c '<skipped type="expected-failure"' rerun.xml)" ] ||
    fail "merge lost known failures"
"$KMSCONF" run -q -j 4 --tag read-only "${DEV[@]}" --expect known.json \
    --junit-strict -o rerun-strict.xml >rerun-strict.out 2>&1
assert_exit 0 $? "strict rerun"
assert_grep '<skipped message="known failure: ' rerun-strict.xml
validate_junit rerun-strict.xml strict
echo "ok: known failures become known-failure skips, exit 0"

runs clean.xml --expect known.json
assert_exit 4 $? "clean server with the expectation file (stale)"
echo "ok: stale entries exit 4"

# one entry expired yesterday: its failure counts again
sed '0,/"case":/s//"expires": "2001-01-01", "case":/' known.json >expired.json
"$KMSCONF" expect --check expired.json >/dev/null 2>&1
assert_exit 0 $? "expect --check of the edited file"
assert_grep '"expires": "2001-01-01"' expired.json
runs expired.xml "${DEV[@]}" --expect expired.json
assert_exit 1 $? "an expired entry"
assert_grep 'expected-failure entry expired 2001-01-01' expired.xml
echo "ok: expired entries fail"

# a malformed file: exit 2, one line naming the file and the JSON path
printf '{"expectations": [{"case": "x"}]}' >bad.json
"$KMSCONF" expect --check bad.json >bad.out 2>&1
assert_exit 2 $? "expect --check of a malformed file"
assert_grep 'bad.json: \$\.expectations\[0\]: missing "reason"' bad.out
runs bad-run.xml --expect bad.json
assert_exit 2 $? "run --expect with a malformed file"
echo "ok: malformed file rejected"
