#!/usr/bin/env bash
# kmsconf lint, list and coverage:
#  - each malformed fixture of tests/lint (a <name>.json file or a <name>/
#    folder) gives exactly the lines of <name>.expected and exit 2;
#  - the real case library lints clean (exit 0);
#  - bad options, missing paths and a missing catalog give exit 2;
#  - list's --shard slices partition the library; coverage's exit code.
# Env (set by ctest): KMSCONF, KC_SOURCE_DIR.
set -u
fail() { echo "FAIL: $*" >&2; exit 1; }
: "${KMSCONF:?}" "${KC_SOURCE_DIR:?}"
SUITE="$KC_SOURCE_DIR/suite"
CASES="$KC_SOURCE_DIR/cases"
FIXTURES="$KC_SOURCE_DIR/tests/lint"
# Scratch files go to the test's own working folder, never the sources.
WORK=$PWD
cd "$FIXTURES" || fail "no $FIXTURES"

# 1. One fixture at a time (paths relative, so messages are stable).
n=0
total=0
for exp in *.expected; do
    name=${exp%.expected}
    subject=$name.json
    [ -d "$name" ] && subject=$name
    [ -e "$subject" ] || fail "$exp: no fixture $subject"
    out=$("$KMSCONF" lint --quiet --suite "$SUITE" "$subject")
    rc=$?
    [ "$rc" -eq 2 ] || fail "$subject: exit $rc, want 2"
    if [ "$out" != "$(cat "$exp")" ]; then
        diff -u "$exp" <(printf '%s\n' "$out") >&2
        fail "$subject: messages differ from $exp"
    fi
    n=$((n + 1))
    total=$((total + $(wc -l < "$exp")))
done
for f in *.json; do
    [ -e "${f%.json}.expected" ] || fail "$f has no .expected file"
done
[ "$n" -ge 25 ] || fail "only $n fixtures"
echo "lint fixtures: $n, $total messages, all as expected"

# 2. All fixtures in one call: every message, then the summary line.
out=$("$KMSCONF" lint --suite "$SUITE" ./*.json duplicate-ids)
rc=$?
[ "$rc" -eq 2 ] || fail "all fixtures: exit $rc, want 2"
got=$(printf '%s\n' "$out" | grep -c ': ')
last=$(printf '%s\n' "$out" | tail -n 1)
[ "$last" = "kmsconf lint: $total problems, 2 valid cases" ] ||
    fail "all fixtures: summary '$last'"
[ "$got" -eq $((total + 1)) ] || fail "all fixtures: $got lines, want $total"

# 3. The real library is clean, given as a path or by default.
out=$("$KMSCONF" lint --suite "$SUITE" "$CASES")
rc=$?
[ "$rc" -eq 0 ] || { printf '%s\n' "$out" >&2; fail "cases/: exit $rc"; }
ncases=$(find "$CASES" -name '*.json' | wc -l)
[ "$out" = "kmsconf lint: $ncases cases, no problems" ] ||
    fail "cases/: '$out'"
KMSCONF_CASES_DIR="$CASES" KMSCONF_SUITE_DIR="$SUITE" "$KMSCONF" lint \
    >/dev/null || fail "default folders from the environment"
KMSCONF_CASES_DIR="$FIXTURES/duplicate-ids" "$KMSCONF" lint --suite "$SUITE" \
    >/dev/null
[ $? -eq 2 ] || fail "KMSCONF_CASES_DIR not used"
echo "cases/: $ncases cases, clean"

# 4. Usage errors.
expect_rc() { # want description command...
    local want=$1 what=$2 rc
    shift 2
    "$@" >"$WORK/out.txt" 2>"$WORK/err.txt"
    rc=$?
    [ "$rc" -eq "$want" ] || fail "$what: exit $rc, want $want"
}
expect_rc 2 "unknown option" "$KMSCONF" lint --nope
grep -q "kmsconf lint: unknown option '--nope'" "$WORK/err.txt" || fail "option msg"
expect_rc 2 "missing value" "$KMSCONF" lint --suite
expect_rc 0 "help" "$KMSCONF" lint --help
grep -q '^usage: kmsconf lint' "$WORK/out.txt" || fail "lint --help text"
expect_rc 2 "missing path" "$KMSCONF" lint --suite "$SUITE" /nonexistent.json
grep -q '^/nonexistent.json: No such file or directory$' "$WORK/out.txt" ||
    fail "missing path message"
expect_rc 2 "missing catalog" "$KMSCONF" lint --suite /nonexistent "$CASES"
grep -q 'catalog.json: cannot open' "$WORK/err.txt" || fail "missing catalog msg"
expect_rc 2 "bad shard" "$KMSCONF" list --suite "$SUITE" --shard 4/3
grep -q -- '--shard: expected I/N' "$WORK/err.txt" || fail "bad shard message"
expect_rc 2 "list on malformed cases" "$KMSCONF" list --suite "$SUITE" \
    --cases "$FIXTURES/duplicate-ids"
for cmd in list coverage; do
    expect_rc 0 "$cmd --help" "$KMSCONF" "$cmd" --help
done
# Target profiles: the suite's refserver profile is valid; the example
# vendor profile names a secret file that does not exist here.
expect_rc 0 "lint --target" "$KMSCONF" lint --suite "$SUITE" \
    --target "$SUITE/targets/refserver.json" "$CASES"
VENDOR_ACCESS_KEY_ID=a VENDOR_ACCESS_KEY_SECRET=b VENDOR_NOPERM_ID=c \
    expect_rc 2 "lint --target vendor" "$KMSCONF" lint --suite "$SUITE" \
    --target "$SUITE/targets/example-vendor.json" "$CASES"
grep -q 'example-vendor.json: $.credentials.no-permission.access_key_secret_file: ' "$WORK/out.txt" ||
    fail "vendor profile message: $(cat "$WORK/out.txt")"
echo "usage errors: ok"

# 5. list: the three shards partition the library exactly.
ids() { "$KMSCONF" list --suite "$SUITE" --cases "$CASES" "$@" |
    tail -n +2 | awk '{print $1}'; }
ids | sort >"$WORK/all.txt"
[ "$(wc -l <"$WORK/all.txt")" -eq "$ncases" ] || fail "list: $(wc -l <"$WORK/all.txt") ids"
: >"$WORK/shards.txt"
for i in 1 2 3; do
    ids --shard "$i/3" >>"$WORK/shards.txt"
done
sort "$WORK/shards.txt" | cmp -s - "$WORK/all.txt" || fail "shards do not partition the cases"
[ "$(sort -u "$WORK/shards.txt" | wc -l)" -eq "$ncases" ] || fail "shards overlap"
ro=$(ids --read-only | wc -l)
only=$(ids --only 'protocol/*' | grep -vc '^protocol/')
[ "$only" -eq 0 ] || fail "--only let other ids through"
echo "list: $ncases ids, 3 shards partition them, $ro read-only"

# 6. coverage: 0 when every code has cases, 1 when one has none.
expect_rc 0 "coverage" "$KMSCONF" coverage --suite "$SUITE" --cases "$CASES"
tail -n 1 "$WORK/out.txt" | grep -q 'kmsconf coverage: 32 of 32' ||
    fail "coverage summary: $(tail -n 1 "$WORK/out.txt")"
# each code lists the pages its cases cite (once each), its extension cases
# are counted apart, and the extra table comes after the 32
cp "$WORK/out.txt" "$WORK/cov.txt"
sed -n '/^Rejected.Disabled (409)/,/^[A-Z]/p' "$WORK/cov.txt" >"$WORK/cov-disabled.txt"
grep -q '^  source docs-head: intl.en-US/API Reference/Impact of CMK states on API call.md$' \
    "$WORK/cov-disabled.txt" || fail "coverage: Rejected.Disabled without its key-state table"
[ "$(grep -c '^  source docs-head: intl.en-US/API Reference/Calling method/Responses.md$' \
    "$WORK/cov-disabled.txt")" = 1 ] || fail "coverage: a page listed twice"
grep -Eq '^Forbidden.KeyNotFound \(404\): [0-9]+ cases \([0-9]+ at level extension\)$' \
    "$WORK/cov.txt" || fail "coverage: extension cases not counted apart"
grep -q '^Documented errors beyond the 32 common ones' "$WORK/cov.txt" ||
    fail "coverage: no extra table"
grep -A1 '^SignatureNonceUsed (400): 1 case$' "$WORK/cov.txt" | grep -q '^  documented: ' ||
    fail "coverage: an extra code without its source"
expect_rc 1 "coverage gaps" "$KMSCONF" coverage --suite "$SUITE" \
    "$FIXTURES/duplicate-ids/keys"
grep -q '^InternalFailure (500): NO CASES$' "$WORK/out.txt" || fail "coverage gap text"
echo "coverage: ok"
