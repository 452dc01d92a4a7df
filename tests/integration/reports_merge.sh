#!/usr/bin/env bash
# kmsconf merge: the shards of a run merge into a valid report equal to the
# unsharded run (after normalising times and per-run identifiers); a
# conflicting duplicate or another catalog is refused with exit 2.
. "$(dirname "$0")/lib.sh"

runs() { # OUT [ARGS...]
    local out=$1
    shift
    "$KMSCONF" run -q -j 4 --tag read-only "$@" -o "$out" >"$out.out" 2>&1
}

runs full.xml
assert_exit 0 $? "unsharded run: $(tail -n 3 full.xml.out)"
for i in 1 2 3; do
    runs "shard$i.xml" --shard "$i/3"
    assert_exit 0 $? "shard $i/3: $(tail -n 3 "shard$i.xml.out")"
done

"$KMSCONF" merge -o merged.xml shard1.xml shard2.xml shard3.xml \
    >merge.out 2>&1
assert_exit 0 $? "merge: $(cat merge.out)"
validate_junit merged.xml

# testcases and outcomes: the same set, in the same (sorted) order
outline() {
    grep -E '<testcase |<failure |<error |<skipped ' "$1" |
        sed -E 's/ time="[^"]*"//; s/ message="[^"]*"//'
}
outline full.xml >full.lines
outline merged.xml >merged.lines
diff -u full.lines merged.lines >lines.diff ||
    fail "merged shards differ from the unsharded run: $(head -n 20 lines.diff)"
head_counts() {
    grep -m1 -o '<testsuite name="kmsconf" tests="[0-9]*" failures="[0-9]*" errors="[0-9]*" skipped="[0-9]*"' "$1"
}
[ "$(head_counts full.xml)" = "$(head_counts merged.xml)" ] ||
    fail "totals differ: $(head_counts full.xml) vs $(head_counts merged.xml)"
[ -z "$(prop merged.xml kmsconf.shard)" ] || fail "merged report keeps kmsconf.shard"
[ "$(prop merged.xml kmsconf.catalog_sha256)" = "$(prop full.xml kmsconf.catalog_sha256)" ] ||
    fail "catalog property lost"
"$KMSCONF" diff --fail-on all full.xml merged.xml >full-vs-merged.txt 2>&1
assert_exit 0 $? "diff unsharded vs merged: $(head -n 5 full-vs-merged.txt)"
echo "ok: 3 shards merge into the unsharded run ($(grep -c '<testcase ' merged.xml) testcases)"

# streamed (regular files) and read whole (a pipe cannot be read twice,
# so it falls back) alike: the same bytes, in both flavours
for flavour in "" --junit-strict; do
    "$KMSCONF" merge $flavour -o streamed.xml shard1.xml shard2.xml shard3.xml \
        >/dev/null 2>&1
    assert_exit 0 $? "merge $flavour (streamed)"
    cat shard2.xml | "$KMSCONF" merge $flavour -o whole.xml shard1.xml \
        /dev/stdin shard3.xml >/dev/null 2>&1
    assert_exit 0 $? "merge $flavour (a pipe: read whole)"
    cmp -s streamed.xml whole.xml ||
        fail "merge $flavour: streamed and whole differ: $(diff streamed.xml whole.xml | head -n 5)"
done
ls -a | grep -q '\.spool\.\|\.tmp\.' && fail "a spool or temporary file was left"
echo "ok: a streamed merge writes what a merge read whole writes"

# identical duplicates are kept once
"$KMSCONF" merge -o twice.xml shard1.xml shard1.xml >/dev/null 2>&1
assert_exit 0 $? "merge of a shard with itself"
[ "$(grep -c '<testcase ' twice.xml)" = "$(grep -c '<testcase ' shard1.xml)" ] ||
    fail "identical duplicates were not collapsed"

# strict flavour validates against the Ant schema
"$KMSCONF" merge --junit-strict -o merged-strict.xml shard1.xml shard2.xml \
    shard3.xml >/dev/null 2>&1
assert_exit 0 $? "merge --junit-strict"
validate_junit merged-strict.xml strict

# a conflicting duplicate: the same testcase passed in one, failed in other
runs dev1.xml --shard 1/3 --refserver-arg --allow-deviations \
    --refserver-arg --deviate --refserver-arg code
assert_exit 1 $? "deviating shard"
"$KMSCONF" merge -o conflict.xml shard1.xml dev1.xml >conflict.out 2>&1
assert_exit 2 $? "merge of conflicting shards"
assert_grep "conflict: testcase '.*' \(kmsconf\..*\) is pass in shard1.xml but fail in dev1.xml" conflict.out
[ ! -e conflict.xml ] || fail "a conflicting merge wrote its output"

# different catalogs are refused unless --force
sed 's/name="kmsconf.catalog_sha256" value="[0-9a-f]*"/name="kmsconf.catalog_sha256" value="0000"/' \
    shard2.xml >othercat.xml
"$KMSCONF" merge -o x.xml shard1.xml othercat.xml >cat.out 2>&1
assert_exit 2 $? "merge across catalogs"
assert_grep "different catalogs" cat.out
"$KMSCONF" merge --force -o x.xml shard1.xml othercat.xml >/dev/null 2>&1
assert_exit 0 $? "merge --force across catalogs"
echo "ok: conflicts and catalogs refused"

# more inputs than the open-file limit leaves room to stream at once: the
# merge reads them one at a time, as in memory, instead of failing on
# whichever input its reader thread opened last
# (inputs large enough that every reader waits with its file open)
mkdir -p many
python3 "$KC_SOURCE_DIR/bench/gen_junit.py" 5000 many/s1.xml \
    --catalog "$KC_SOURCE_DIR/suite/catalog.json" || fail "gen_junit.py"
for i in $(seq 2 40); do cp many/s1.xml "many/s$i.xml"; done
(ulimit -n 30 && "$KMSCONF" merge -o many.xml many/s*.xml) >many.out 2>&1
assert_exit 0 $? "merge of 40 inputs under ulimit -n 30"
[ "$(grep -c '<testcase ' many.xml)" = 5000 ] ||
    fail "40 copies of a report did not merge to one"
echo "ok: many inputs under a low open-file limit"
