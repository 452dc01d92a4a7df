#!/usr/bin/env bash
# Evidence bundles (docs/bundles.md): run --bundle writes one that verify
# accepts, for a conformant run and for deviating ones; a byte changed in
# any file, an added or removed file, a forged answer whose hash was
# recomputed, and a wrong or missing signature each make verify exit 1.
. "$(dirname "$0")/lib.sh"
need openssl python3
# the folder is kept between runs: start from nothing
rm -rf green status code full signed t ./*.pem ./*.pub

# flip FILE OFFSET: changes one bit of the byte at OFFSET
flip() {
    python3 - "$1" "$2" <<'PY'
import sys
p, i = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read())
b[i % len(b)] ^= 1
open(p, "wb").write(b)
PY
}

# forge DIR ANSWER: changes the Code in the answer's body and recomputes
# its SHA256SUMS line, as a forger who re-hashes would
forge() {
    python3 - "$1" "$2" <<'PY'
import base64, hashlib, json, os, sys
d, name = sys.argv[1], sys.argv[2]
p = os.path.join(d, name)
a = json.load(open(p))
body = base64.b64decode(a["body_b64"]).decode()
assert a["code"] in body
a["body_b64"] = base64.b64encode(
    body.replace(a["code"], a["code"] + "X", 1).encode()).decode()
open(p, "w").write(json.dumps(a, indent=2) + "\n")
h = hashlib.sha256(open(p, "rb").read()).hexdigest()
s = os.path.join(d, "SHA256SUMS")
lines = [h + "  " + name if l.endswith("  " + name) else l
         for l in open(s).read().splitlines()]
open(s, "w").write("\n".join(lines) + "\n")
PY
}

# verify_fails DIR WHAT PATTERN: verify exits 1 and prints PATTERN
verify_fails() {
    "$KMSCONF" verify "$1" "${@:4}" >vf.out 2>&1
    assert_exit 1 $? "verify $2: $(tail -n 2 vf.out)"
    assert_grep "$3" vf.out
    echo "ok: $2"
}

# 1. a conformant run and two deviating ones give bundles verify accepts
"$KMSCONF" run -q -j 4 --tag read-only --bundle green -o green.xml \
    >green.out 2>&1
assert_exit 0 $? "green run: $(tail -n 3 green.out)"
"$KMSCONF" run -q -j 4 --tag read-only --bundle status -o status.xml \
    --refserver-arg --allow-deviations --refserver-arg --deviate \
    --refserver-arg status >status.out 2>&1
assert_exit 1 $? "--deviate status run"
"$KMSCONF" run -q --only 'h4/*' "$H4_CASES" --bundle code -o code.xml \
    --refserver-arg --allow-deviations --refserver-arg --deviate-code \
    --refserver-arg Forbidden.KeyNotFound >code.out 2>&1
assert_exit 1 $? "--deviate-code run"
for b in green status code; do
    [ -s "$b/SHA256SUMS" ] && [ -s "$b/report.xml" ] &&
        [ -s "$b/results.json" ] && [ -s "$b/rids.json" ] &&
        [ -s "$b/suite/catalog.json" ] && [ -s "$b/suite/envelopes.json" ] ||
        fail "$b: a bundle file is missing"
    "$KMSCONF" verify "$b" >"v-$b.out" 2>&1
    assert_exit 0 $? "verify $b: $(tail -n 3 "v-$b.out")"
    assert_grep '^verified: [1-9][0-9]* answers re-checked, [1-9][0-9]* testcases compared, 0 differences, 0 file problems$' "v-$b.out"
done
assert_grep '<failure type="status"' status/report.xml
[ "$(grep -c '<failure' code/report.xml)" = 2 ] || fail "deviate-code report"
# one answer per probe testcase of the report
[ "$(ls status/answers | wc -l)" = "$(grep -c '<testcase ' status/report.xml)" ] ||
    fail "status: not one answer per testcase"
echo "ok: three bundles verified"

# no secret of the profile and no signature value reaches a bundle (the
# bodies are checked decoded too)
profile=$KC_SOURCE_DIR/suite/targets/refserver.json
secrets=$(sed -n 's/.*"access_key_secret": *"\([^"]*\)".*/\1/p' "$profile")
[ -n "$secrets" ] || fail "no secret found in $profile"
python3 - green status code >decoded.txt <<'PY'
import base64, glob, json, sys
for d in sys.argv[1:]:
    for p in glob.glob(d + "/answers/*.json"):
        print(base64.b64decode(json.load(open(p))["body_b64"]).decode("latin-1"))
PY
for s in $secrets; do
    grep -rqF -- "$s" green status code decoded.txt &&
        fail "secret $s in a bundle"
done
grep -rqE 'Signature=[^*&", ]' green status code decoded.txt &&
    fail "a Signature value in a bundle"
echo "ok: no secret in the bundles"

# the folder must be new or empty, checked before any request
mkdir full && touch full/x
"$KMSCONF" run -q --only 'h4/*' "$H4_CASES" --bundle full -o full.xml \
    >full.out 2>&1
assert_exit 2 $? "--bundle on a folder that is not empty"
assert_grep '^kmsconf run: --bundle: full: exists and is not empty$' full.out
[ -e full.xml ] && fail "a run with a bad --bundle sent requests"
echo "ok: --bundle refuses a folder that is not empty"

# 2. one byte changed in a copy: verify exits 1 naming the file
answer=$(cd green && ls answers | head -n 3 | tail -n 1)
for f in "answers/$answer" report.xml results.json rids.json \
    suite/catalog.json suite/envelopes.json; do
    rm -rf t && cp -r green t && flip "t/$f" 40
    verify_fails t "byte flipped in $f" "^$f: its SHA-256 differs"
done
rm -rf t && cp -r green t && flip t/SHA256SUMS 10
verify_fails t "byte flipped in SHA256SUMS" "SHA-256 differs|SHA256SUMS"
rm -rf t && cp -r green t && flip t/SHA256SUMS 66
verify_fails t "path changed in SHA256SUMS" "listed but missing|SHA256SUMS: line"
rm -rf t && cp -r green t && echo '{}' >t/answers/999999.json
verify_fails t "file added" '^answers/999999.json: not listed in SHA256SUMS$'
rm -rf t && cp -r green t && rm "t/answers/$answer"
verify_fails t "file removed" "^answers/$answer: listed but missing"

# 3. a forger who re-hashes: the re-derived verdict differs
rm -rf t && cp -r green t && forge t "answers/$answer"
verify_fails t "forged answer, re-hashed" \
    'the report says pass, the answer gives fail: code'
assert_grep '^results.json: .* the report says pass, the answer gives fail: code' vf.out
grep -q 'file problems' vf.out && ! grep -q ', 0 file problems' vf.out &&
    fail "the forged bundle's files should all match SHA256SUMS"

# rids.json orders the setup and teardown RequestIds among the answers: one
# moved before an answer with the same RequestId (and re-hashed) makes that
# answer's request-id-unique fail
rm -rf t && cp -r green t && python3 - t "answers/$answer" <<'PY'
import hashlib, json, os, sys
d, name = sys.argv[1], sys.argv[2]
rid = json.load(open(os.path.join(d, name)))["request_id_header"]
p = os.path.join(d, "rids.json")
r = json.load(open(p))
r["success_request_ids"].insert(0, [0, rid])
open(p, "w").write(json.dumps(r) + "\n")
h = hashlib.sha256(open(p, "rb").read()).hexdigest()
s = os.path.join(d, "SHA256SUMS")
lines = [h + "  rids.json" if l.endswith("  rids.json") else l
         for l in open(s).read().splitlines()]
open(s, "w").write("\n".join(lines) + "\n")
PY
verify_fails t "a setup RequestId before an answer's" \
    'the report says pass, the answer gives fail: request-id-unique'

# 4. signatures
openssl genpkey -algorithm ed25519 -out k1.pem 2>/dev/null &&
    openssl pkey -in k1.pem -pubout -out k1.pub &&
    openssl genpkey -algorithm ed25519 -out k2.pem 2>/dev/null &&
    openssl pkey -in k2.pem -pubout -out k2.pub || fail "openssl keys"
"$KMSCONF" run -q --only 'h4/*' "$H4_CASES" --bundle signed \
    --sign-key k1.pem -o signed.xml >signed.out 2>&1
assert_exit 0 $? "signed run: $(tail -n 3 signed.out)"
[ "$(stat -c %s signed/SHA256SUMS.sig)" = 64 ] || fail "signature size"
"$KMSCONF" verify --key k1.pub signed >vs.out 2>&1
assert_exit 0 $? "verify --key: $(cat vs.out)"
assert_grep 'signature valid$' vs.out
"$KMSCONF" verify signed >vs0.out 2>&1
assert_exit 0 $? "verify of a signed bundle without --key"
assert_grep ', signature not checked \(no --key\)$' vs0.out
verify_fails signed "another key" \
    '^SHA256SUMS.sig: not a valid signature of SHA256SUMS by this key$' \
    --key k2.pub
rm -rf t && cp -r signed t && forge t "$(cd t && ls answers/* | head -n 1)"
verify_fails t "signed, then forged" '^SHA256SUMS.sig: not a valid' --key k1.pub
rm -rf t && cp -r signed t && rm t/SHA256SUMS.sig
verify_fails t "signature removed" '^SHA256SUMS.sig: missing' --key k1.pub
# key material never reaches the output
for f in signed.out vs.out vf.out; do
    for k in k1.pem k2.pem; do
        grep -v -- '-----' "$k" >key-lines
        grep -qFf key-lines "$f" && fail "key material of $k in $f"
    done
done
"$KMSCONF" verify --key k1.pem signed >vk.out 2>&1
assert_exit 2 $? "verify --key with a private key"
"$KMSCONF" verify >vu.out 2>&1
assert_exit 2 $? "verify without a folder"
"$KMSCONF" verify nosuch >vn.out 2>&1
assert_exit 2 $? "verify of a folder that does not exist"
echo ok
