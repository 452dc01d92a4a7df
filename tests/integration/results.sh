#!/usr/bin/env bash
# run --results: a green run and a deviating run (in two shards) write a
# results file beside the JUnit report; every results file is valid against
# docs/results.schema.json (Debian's python3-jsonschema, draft 2020-12), and
# diff, merge, matrix and expect say the same on the results files as on
# the JUnit files of the same runs, and on a mix of both.
. "$(dirname "$0")/lib.sh"

DEBIAN_PYTHON=/usr/bin/python3 # Debian's, with python3-jsonschema
SCHEMA=$KC_SOURCE_DIR/docs/results.schema.json
"$DEBIAN_PYTHON" -c 'import jsonschema' 2>/dev/null ||
    fail "python3-jsonschema is not installed (scripts/install-deps.sh)"

# validate FILE...: every file is valid against the schema (the schema
# itself is checked first).
validate() {
    "$DEBIAN_PYTHON" - "$SCHEMA" "$@" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
bad = 0
for path in sys.argv[2:]:
    for e in validator.iter_errors(json.load(open(path))):
        print("%s: %s: %s" % (path, "/".join(map(str, e.path)), e.message))
        bad += 1
sys.exit(1 if bad else 0)
PY
}

# The JUnit files in x/, the results files of the same runs in j/, without
# a suffix: the readers tell them apart by their content.
mkdir -p x j m
deviate=(--refserver-arg --allow-deviations
    --refserver-arg --deviate-code --refserver-arg Forbidden.KeyNotFound)
"$KMSCONF" run -q -j 4 -o x/green --results j/green >green.out 2>&1
assert_exit 0 $? "green run: $(tail -n 3 green.out)"
for s in 1 2; do
    "$KMSCONF" run -q -j 4 --shard "$s/2" "${deviate[@]}" \
        -o "x/dev$s" --results "j/dev$s" >"dev$s.out" 2>&1
    assert_exit 1 $? "deviating shard $s: $(tail -n 3 "dev$s.out")"
done
# A target that states a manifest and claims: the "claims" member.
need jq
jq '.name = "claims" | .manifest = {"vendor": "Example", "levels": ["core",
    "key-lifecycle"], "actions": ["Encrypt"]}' \
    "$KC_SOURCE_DIR/suite/targets/refserver.json" >claims.json
start_refserver --allow-deviations --deviate-code Rejected.Disabled
"$KMSCONF" run -q -j 4 --target claims.json --endpoint "$RS_URL" \
    -o x/claims --results j/claims >claims.out 2>&1
assert_exit 1 $? "claims run: $(tail -n 3 claims.out)"
stop_refservers
assert_grep '"kind": "level", "name": "key-lifecycle", "state": "claimed but failing"' j/claims
assert_grep '"kind": "action", "name": "Encrypt", "state": "claimed but failing"' j/claims
assert_grep '"action": "Encrypt"' j/claims
validate j/green j/dev1 j/dev2 j/claims || fail "a results file is not valid"
grep -q '"verdict": "fail"' j/dev1 || fail "dev1: no failed check listed"
grep -q '"schema": "kmsconf-results/1"' j/green || fail "green: no schema"
echo "ok: runs, schema"

# The schema and the reader refuse what they should: an unknown outcome
# (schema), an unknown major version (reader, one line with the JSON path).
sed 's/"outcome": "pass"/"outcome": "passed"/' j/green >broken.json
validate broken.json >broken.out && fail "the schema accepts outcome 'passed'"
assert_grep "is not one of" broken.out
sed 's|"kmsconf-results/1"|"kmsconf-results/2"|' j/green >v2.json
"$KMSCONF" diff v2.json j/green >v2.out 2>&1
assert_exit 2 $? "diff on schema version 2"
assert_grep '^kmsconf diff: v2.json: \$\.schema: schema version 2 is not supported' v2.out
echo "ok: refusals"

# The same command in x/, j/ and m/ (a mix: JUnit green, results devs).
ln -s ../x/green m/green
ln -s ../j/dev1 m/dev1
ln -s ../x/dev2 m/dev2
# same_in DIRS -- ARGS...: kmsconf ARGS in each folder gives the same
# output and exit code as in x/.
same_in() {
    local dirs=() d
    while [ "$1" != "--" ]; do
        dirs+=("$1")
        shift
    done
    shift
    (cd x && "$KMSCONF" "$@" >../x.out 2>&1; echo "exit $?" >>../x.out)
    for d in "${dirs[@]}"; do
        (cd "$d" && "$KMSCONF" "$@" >"../$d.out" 2>&1
            echo "exit $?" >>"../$d.out")
        cmp -s x.out "$d.out" ||
            fail "kmsconf $* differs in $d: $(diff x.out "$d.out" | head -n 5)"
    done
}
same_in j m -- diff green dev1
same_in j m -- diff --json green dev1
same_in j m -- diff --markdown --fail-on all dev1 green
same_in j m -- matrix green dev1 dev2
same_in j -- diff green claims
same_in j m -- report dev1
# The page shows the transcripts: JUnit drops a transcript's final newline,
# the results file keeps it, and that is all that differs.
same_in j -- report --html page.html claims
for d in x j; do
    perl -0pe 's/\n<\/pre>/<\/pre>/g' "$d/page.html" >"page-$d.norm"
done
cmp -s page-x.norm page-j.norm ||
    fail "report --html differs: $(diff page-x.norm page-j.norm | head -n 5)"
same_in j m -- matrix --cases green dev2
same_in j m -- expect --from dev1 -o -
grep -q "^exit 1" x.out && fail "expect: $(head -n 3 x.out)"
echo "ok: diff, matrix, expect"

# merge: the same report from shards in either format. The JUnit reader
# names a report after its <testsuite> ("kmsconf kms-refserver"), the
# results file keeps the report's own name ("kmsconf"): the merged
# documents differ only in the name of <testsuites>.
for d in x j m; do
    (cd "$d" && "$KMSCONF" merge -o ../merged-"$d".xml dev1 dev2 >../merge-"$d".out 2>&1)
    assert_exit 0 $? "merge in $d: $(cat merge-"$d".out)"
    sed '2s/^<testsuites name="[^"]*"/<testsuites/' merged-"$d".xml >merged-"$d".norm
done
cmp -s merged-x.norm merged-j.norm || fail "merge differs: $(diff merged-x.norm merged-j.norm | head -n 5)"
cmp -s merged-x.norm merged-m.norm || fail "merge of a mix differs"
validate_junit merged-j.xml
echo "ok: merge"
