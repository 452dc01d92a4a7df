#!/usr/bin/env bash
# A target profile's manifest claims levels and actions; the report and the
# console compare them with the results: a claimed level that fails is
# "claimed but failing", one with skips "claimed but partial" (never
# passing), one without testcases "claimed but not run", a passing level
# nobody claimed "passing but not claimed". The writer derives these from
# the testcases, so a merge of shards states the same. Bad manifests are
# refused with the JSON path.
. "$(dirname "$0")/lib.sh"
need jq
PROFILE=$KC_SOURCE_DIR/suite/targets/refserver.json

# profile NAME MANIFEST-JSON [jq filter]: a refserver profile with a manifest
profile() {
    jq --argjson m "$2" ".name = \"$1\" | .manifest = \$m ${3:-}" "$PROFILE" >"$1.json"
}

profile claims '{"vendor": "Example", "product": "Example KMS", "version": "4.2",
  "contact": "kms@example.com", "levels": ["core", "key-lifecycle", "account"],
  "actions": ["Encrypt", "CreateKey", "AsymmetricSign"]}'
start_refserver --allow-deviations --deviate-code Rejected.Disabled
"$KMSCONF" run -j 4 --target claims.json --endpoint "$RS_URL" -o claims.xml \
    >claims.out 2>&1
assert_exit 1 $? "deviating run: $(tail -n 3 claims.out)"
stop_refservers
want() { # property value
    [ "$(prop claims.xml "$1")" = "$2" ] ||
        fail "$1 is '$(prop claims.xml "$1")', want '$2'"
}
want kmsconf.vendor Example
want kmsconf.product "Example KMS"
want kmsconf.product_version 4.2
want kmsconf.contact kms@example.com
want kmsconf.claims.levels core,key-lifecycle,account
ncore=$(grep -c 'classname="kmsconf\.[^"]*" name="[^"]*"' claims.xml)
[ "$ncore" -gt 0 ] || fail "no testcase"
assert_grep '<property name="kmsconf.claim.level.core" value="claimed, passing: pass \([0-9]+\)"/>' claims.xml
assert_grep '<property name="kmsconf.claim.level.key-lifecycle" value="claimed but failing: fail \(8 of [0-9]+ failed\)"/>' claims.xml
assert_grep '<property name="kmsconf.claim.level.account" value="claimed, passing: ' claims.xml
assert_grep '<property name="kmsconf.claim.action.Encrypt" value="claimed but failing: fail \(4 of [0-9]+ failed\)"/>' claims.xml
assert_grep '<property name="kmsconf.claim.action.CreateKey" value="claimed, passing: ' claims.xml
assert_grep '<property name="kmsconf.claim.action.AsymmetricSign" value="claimed but not run: not run"/>' claims.xml
assert_grep '<property name="kmsconf.claim.level.aliases" value="passing but not claimed: pass \(18\)"/>' claims.xml
assert_grep '<property name="kmsconf.claim.action.CreateAlias" value="passing but not claimed: ' claims.xml
# extension is neither claimed nor offered as unclaimed
assert_no_grep 'kmsconf.claim.level.extension' claims.xml
# the console says the same
assert_grep '^claims of Example KMS:$' claims.out
assert_grep '^  level key-lifecycle: claimed but failing: fail \(8 of [0-9]+ failed\)$' claims.out
assert_grep '^  action AsymmetricSign: claimed but not run: not run$' claims.out
assert_grep '^  passing but not claimed, levels: aliases, import, faults$' claims.out
# the matrix marks the claimed levels
"$KMSCONF" matrix claims.xml >claims.md 2>&1 || fail "matrix: $(head -n 1 claims.md)"
assert_grep '^\| key-lifecycle \| json fail \([0-9]+ of [0-9]+ failed\) / xml fail \([0-9]+ of [0-9]+ failed\), claimed \|$' claims.md
assert_grep '^\| aliases \| json pass \([0-9]+\) / xml pass \([0-9]+\) \|$' claims.md
echo "ok: claimed but failing, claimed and passing, not run, not claimed"

# a claimed level with skips is partial, never passing: no low-quota
# credential, so the quota case of level account is skipped
profile partial '{"levels": ["account"]}' '| del(.credentials["low-quota"])'
start_refserver
"$KMSCONF" run -q -j 4 --target partial.json --endpoint "$RS_URL" \
    -o partial.xml >partial.out 2>&1
assert_exit 0 $? "run without low-quota: $(tail -n 3 partial.out)"
assert_grep '<property name="kmsconf.claim.level.account" value="claimed but partial \(skipped testcases\): partial \([0-9]+ of [0-9]+ skipped\)"/>' partial.xml
echo "ok: a claimed level with skips is partial"

# merged shards state the claims of the whole run
for run in "--shard 1/2 -o s1.xml" "--shard 2/2 -o s2.xml" "-o whole.xml"; do
    # shellcheck disable=SC2086 # the options are words
    "$KMSCONF" run -q -j 4 --target claims.json --endpoint "$RS_URL" $run \
        >/dev/null 2>&1
done
stop_refservers
"$KMSCONF" merge -o merged.xml s1.xml s2.xml >merge.out 2>&1 ||
    fail "merge: $(head -n 1 merge.out)"
grep -o '<property name="kmsconf.claim[^>]*>' whole.xml >whole.claims
grep -o '<property name="kmsconf.claim[^>]*>' merged.xml >merged.claims
[ -s whole.claims ] || fail "no claim in the whole run"
diff whole.claims merged.claims >/dev/null ||
    fail "merged shards state other claims: $(diff whole.claims merged.claims | head -n 3)"
echo "ok: merged shards state the claims of the whole run"

# bad manifests: one line naming the path
bad() { # manifest-json expected-message
    profile bad "$1"
    "$KMSCONF" run -q --target bad.json -o bad.xml >bad.out 2>&1
    assert_exit 2 $? "manifest $1"
    grep -qF -- "$2" bad.out || fail "manifest $1: got '$(head -n 1 bad.out)', want '$2'"
}
bad '{"levels": ["extension"]}' 'bad.json: $.manifest.levels[0]: "extension" is not a conformance level and cannot be claimed'
bad '{"levels": ["gold"]}' 'bad.json: $.manifest.levels[0]: unknown level'
bad '{"levels": ["core", "core"]}' 'bad.json: $.manifest.levels[1]: claimed twice'
bad '{"actions": ["Encrypt!"]}' 'bad.json: $.manifest.actions[0]: expected an action name ([A-Za-z0-9]+)'
bad '{"vendor": 3}' 'bad.json: $.manifest.vendor: expected a string'
bad '{"vendr": "x"}' "bad.json: \$.manifest.vendr: unknown key 'vendr' (did you mean 'vendor'?)"
bad '[]' 'bad.json: $.manifest: expected an object'
echo "ok: bad manifests refused with their path"
