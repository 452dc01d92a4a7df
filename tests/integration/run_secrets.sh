#!/usr/bin/env bash
# No secret reaches the console (-v: transcripts), the report or the
# kms-refserver request log: no AccessKeySecret of the target, no
# Signature value, no Plaintext value (V1 and V3).
. "$(dirname "$0")/lib.sh"

start_refserver --request-log "$WORK/requests.jsonl"
profile=$KC_SOURCE_DIR/suite/targets/refserver.json
sed -e 's/"signature": "v1"/"signature": "v3"/' "$profile" >v3.json
for sig in v1 v3; do
    t=$profile
    [ "$sig" = v3 ] && t=v3.json
    "$KMSCONF" run -v -j 4 --target "$t" --endpoint "$RS_URL" \
        -o "secrets-$sig.xml" >"console-$sig.txt" 2>&1
    rc=$?
    [ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "kmsconf run ($sig) exit $rc"
done
outputs=(console-v1.txt console-v3.txt secrets-v1.xml secrets-v3.xml
    requests.jsonl)
grep -q '^> ' console-v1.txt || fail "-v printed no transcript"

# every secret of the profile
secrets=$(sed -n 's/.*"access_key_secret": *"\([^"]*\)".*/\1/p' "$profile")
[ -n "$secrets" ] || fail "no secret found in $profile"
for s in $secrets; do
    assert_no_grep "$s" "${outputs[@]}"
done
# signature values: only the redaction marker may follow "Signature="
if grep -Eo 'Signature=[^*&", ]+' "${outputs[@]}" | grep -q .; then
    fail "a Signature value leaked: $(grep -Eo 'Signature=[^*&", ]+' "${outputs[@]}" | head -n 1)"
fi
# plaintexts sent by the cases (both the raw and the form-encoded spelling)
plaintexts=$(grep -rhoE '"Plaintext": *"[^"]+"' "$KC_SOURCE_DIR/cases" "$H4_CASES" |
    sed -E 's/.*: *"([^"]+)"/\1/' | sort -u)
[ -n "$plaintexts" ] || fail "no Plaintext value found in the cases"
while IFS= read -r p; do
    assert_no_grep "$p" "${outputs[@]}"
    assert_no_grep "${p//=/%3D}" "${outputs[@]}"
done <<<"$plaintexts"
echo "ok"
