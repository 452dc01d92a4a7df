#!/usr/bin/env bash
# Every report pins the suite it ran: kmsconf.suite_version (the catalog's
# suite_version), kmsconf.catalog_sha256 (SHA-256 of the catalog file) and
# kmsconf.cases_sha256 (SHA-256 of one "<id> <file SHA-256>" line per case
# of the library, in id order), each recomputed here with sha256sum. The
# library digest is the same for every shard and selection, and changes
# when one byte of one case file changes.
. "$(dirname "$0")/lib.sh"
need jq
need sha256sum
CATALOG=$KC_SOURCE_DIR/suite/catalog.json

# digest DIR: the library digest of the case files under DIR
digest() {
    find "$1" -name '*.json' -print0 | while IFS= read -r -d '' f; do
        printf '%s %s\n' "$(jq -r .id "$f")" "$(sha256sum "$f" | cut -d' ' -f1)"
    done | LC_ALL=C sort | sha256sum | cut -d' ' -f1
}

want_version=$(jq -r .suite_version "$CATALOG")
[ -n "$want_version" ] && [ "$want_version" != null ] ||
    fail "suite/catalog.json has no suite_version"
want_catalog=$(sha256sum "$CATALOG" | cut -d' ' -f1)
want_cases=$(digest "$KC_SOURCE_DIR/cases")

i=0
for sel in "--tag read-only" "--shard 1/2" "--shard 2/2"; do
    i=$((i + 1))
    # shellcheck disable=SC2086 # the selection is two words
    "$KMSCONF" run -q -j 4 $sel -o sel.xml >sel.out 2>&1
    cp sel.xml "sel$i.xml"
    assert_exit 0 $? "run $sel: $(tail -n 3 sel.out)"
    [ "$(prop sel.xml kmsconf.suite_version)" = "$want_version" ] ||
        fail "$sel: kmsconf.suite_version is '$(prop sel.xml kmsconf.suite_version)', want $want_version"
    [ "$(prop sel.xml kmsconf.catalog_sha256)" = "$want_catalog" ] ||
        fail "$sel: kmsconf.catalog_sha256 differs from sha256sum of the catalog"
    [ "$(prop sel.xml kmsconf.cases_sha256)" = "$want_cases" ] ||
        fail "$sel: kmsconf.cases_sha256 is '$(prop sel.xml kmsconf.cases_sha256)', want $want_cases"
done
echo "ok: suite version and hashes, the same for every selection"

# one byte more in one case file: another library
rm -rf lib
cp -r "$KC_SOURCE_DIR/cases" lib
chmod -R u+w lib
f=$(find lib -name '*.json' | LC_ALL=C sort | head -n 1)
printf ' ' >>"$f"
changed=$(digest lib)
[ "$changed" != "$want_cases" ] || fail "the shell digest did not change"
"$KMSCONF" run -q -j 4 --tag read-only -o changed.xml lib >changed.out 2>&1
assert_exit 0 $? "run of the changed library: $(tail -n 3 changed.out)"
[ "$(prop changed.xml kmsconf.cases_sha256)" = "$changed" ] ||
    fail "changed library: kmsconf.cases_sha256 is '$(prop changed.xml kmsconf.cases_sha256)', want $changed"
echo "ok: one changed byte changes kmsconf.cases_sha256"

# merged shards keep the one library digest
"$KMSCONF" merge -o merged.xml sel2.xml sel3.xml >merge.out 2>&1 ||
    fail "merge: $(head -n 1 merge.out)"
[ "$(prop merged.xml kmsconf.cases_sha256)" = "$want_cases" ] ||
    fail "merged shards: kmsconf.cases_sha256 is '$(prop merged.xml kmsconf.cases_sha256)'"
echo "ok: merged shards keep the library digest"
