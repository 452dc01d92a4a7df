#!/usr/bin/env bash
# Real JUnit consumers count kmsconf's reports exactly as kmsconf does: a
# failing report (failures, errors, plain skips and known failures; default
# and strict flavour) and a green one, fed to junit2json, Testmo's CLI
# loader and junit-report-merger from npm (tests/consumers/, installed by
# tests/consumers/install.sh) and to Debian's python3-junitparser (read and
# merge). Fails when a consumer is not installed (scripts/install-deps.sh
# --all installs them all).
. "$(dirname "$0")/lib.sh"

need node jq xmllint
CONSUMERS=$KC_SOURCE_DIR/tests/consumers
DEBIAN_PYTHON=/usr/bin/python3
"$CONSUMERS/install.sh" --check 2>consumers.err ||
    fail "npm consumers not installed in $CONSUMERS/node_modules ($(head -n 1 consumers.err)); run tests/consumers/install.sh"
"$DEBIAN_PYTHON" -c 'import junitparser' 2>/dev/null ||
    fail "python3-junitparser is not installed (scripts/install-deps.sh)"
BIN=$CONSUMERS/node_modules/.bin

# kmsconf's own counts of a report: the totals its writer put on the root
# element, and the known failures it marked
kc_counts() {
    local a v
    for a in tests failures errors skipped; do
        v=$(xmllint --xpath "string(/*/@$a)" "$1") || fail "$1: no $a total"
        printf '%s=%s ' "$a" "$v"
    done
    printf 'known=%s\n' "$(grep -c 'message="known failure: ' "$1")"
}
# same, with the known failures left out (for a consumer's own totals)
totals() { kc_counts "$1" | sed 's/known=[0-9]*$/known=-/'; }
# field N ("tests", ...) of a counts line
field() { sed -n "s/.*$1=\([0-9]*\).*/\1/p" <<<"$2"; }
same() { # WHAT WANT GOT
    [ "$2" = "$3" ] || fail "$1: counted '$3', kmsconf counted '$2'"
    echo "ok: $1: $3"
}

# A failing target: kms-refserver that changes the status of every
# Forbidden.KeyNotFound answer, a profile without the in-debt credential
# (skips) and with a wrong secret for low-quota (setup errors), and an
# expectation file that covers part of the failures (known failures).
start_refserver --allow-deviations --deviate-code Forbidden.KeyNotFound
jq '.name = "kms-refserver-deviating" | del(.credentials["in-debt"]) |
    .credentials["low-quota"].access_key_secret = "wrong"' \
    "$KC_SOURCE_DIR/suite/targets/refserver.json" >deviating.json
RUN=("$KMSCONF" run -q -j 4 --no-preflight --target deviating.json
    --endpoint "$RS_URL")
"${RUN[@]}" -o first.xml >first.out 2>&1
assert_exit 1 $? "first deviating run: $(tail -n 3 first.out)"
"$KMSCONF" expect --from first.xml -o all-known.json >expect.out 2>&1 ||
    fail "expect --from: $(cat expect.out)"
jq '.expectations |= map(select(.case | startswith("not-found/key-not-found/describe")))' \
    all-known.json >known.json
"${RUN[@]}" --expect known.json -o fail.xml >fail.out 2>&1
assert_exit 1 $? "failing run: $(tail -n 3 fail.out)"
"${RUN[@]}" --expect known.json --junit-strict -o fail-strict.xml \
    >fail-strict.out 2>&1
assert_exit 1 $? "failing run, strict flavour"
"$KMSCONF" run -q -j 4 -o green.xml >green.out 2>&1
assert_exit 0 $? "green run: $(tail -n 3 green.out)"

want=$(kc_counts fail.xml)
for f in failures errors skipped known; do
    [ "$(field $f "$want")" -gt 0 ] || fail "fail.xml has no $f: $want"
done
[ "$(field skipped "$want")" -gt "$(field known "$want")" ] ||
    fail "fail.xml has no plain skip: $want"
same "kmsconf strict flavour" "$want" "$(kc_counts fail-strict.xml)"
# kmsconf's reader agrees with its writer
for r in fail fail-strict green; do
    "$KMSCONF" merge -o "reread-$r.xml" "$r.xml" >merge.out 2>&1 ||
        fail "kmsconf merge $r.xml: $(cat merge.out)"
    same "kmsconf's reader, $r.xml" "$(kc_counts "$r.xml")" \
        "$(kc_counts "reread-$r.xml")"
done

for r in fail fail-strict green; do
    want=$(kc_counts "$r.xml")
    got=$(node "$CONSUMERS/count.js" testmo "$r.xml" 2>testmo.err) ||
        fail "Testmo's loader refused $r.xml: $(head -n 3 testmo.err)"
    same "testmo-cli, $r.xml" "$want" "$got"
    "$BIN/junit2json" "$r.xml" >"$r.json" 2>j2j.err ||
        fail "junit2json $r.xml: $(head -n 3 j2j.err)"
    same "junit2json testcases, $r.xml" "$want" \
        "$(node "$CONSUMERS/count.js" junit2json "$r.json")"
    same "junit2json totals, $r.xml" "$(totals "$r.xml")" \
        "$(node "$CONSUMERS/count.js" junit2json-totals "$r.json")"
    got=$("$DEBIAN_PYTHON" "$CONSUMERS/junitparser_count.py" "$r.xml" \
        2>jp.err) || fail "junitparser $r.xml: $(head -n 3 jp.err)"
    same "junitparser, $r.xml" "$want" "$got"
done

# Merged, the failing and the green report keep a suite each (they are of
# two targets) and sum their totals.
sum=""
for f in tests failures errors skipped; do
    sum+="$f=$(($(field $f "$(kc_counts fail.xml)") + $(field $f "$(kc_counts green.xml)"))) "
done
sum+="known=-"
"$BIN/jrm" jrm.xml fail.xml green.xml >jrm.out 2>&1 ||
    fail "jrm: $(cat jrm.out)"
same "junit-report-merger totals" "$sum" "$(totals jrm.xml)"
same "junit-report-merger suites" 2 "$(grep -c '<testsuite ' jrm.xml)"
"$DEBIAN_PYTHON" -m junitparser merge fail.xml green.xml jp.xml \
    >jp-merge.out 2>&1 || fail "junitparser merge: $(cat jp-merge.out)"
same "junitparser merge totals" "$sum" "$(totals jp.xml)"
same "junitparser merge suites" 2 "$(grep -c '<testsuite ' jp.xml)"
got=$("$DEBIAN_PYTHON" "$CONSUMERS/junitparser_count.py" jp.xml)
same "junitparser merge testcases" "${sum%known=-}" "${got% known=*} "
"$DEBIAN_PYTHON" -m junitparser verify green.xml ||
    fail "junitparser verify: the green report has a failure"
"$DEBIAN_PYTHON" -m junitparser verify fail.xml &&
    fail "junitparser verify: the failing report passed"
echo "ok: junitparser verify: green passes, failing fails"
