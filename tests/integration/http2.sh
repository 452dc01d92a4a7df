#!/usr/bin/env bash
# HTTP/2 where a TLS endpoint offers it: against an endpoint that speaks
# only h2 (ALPN), kmsconf doctor gets its answers over HTTP/2 and says so;
# a handle that offered only HTTP/1.1 would get no answer from it at all.
. "$(dirname "$0")/lib.sh"
need openssl
PY=/usr/bin/python3 # Debian's, with python3-h2
"$PY" -c 'import h2' 2>/dev/null ||
    fail "python3-h2 is not installed (scripts/install-deps.sh installs it)"

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem \
    2>openssl.err || fail "openssl req: $(head -n 1 openssl.err)"
rm -f h2.out h2.port
mkfifo h2.out
"$PY" "$KC_SOURCE_DIR/tests/integration/h2_server.py" --port-file h2.port \
    --cert cert.pem --key key.pem >h2.out 2>h2.err &
RS_PIDS+=("$!")
exec {fd}<h2.out
read -t 20 -r url <&"$fd" || fail "h2 server did not start: $(head -n 3 h2.err)"

"$KMSCONF" doctor --target "$KC_SOURCE_DIR/suite/targets/refserver.json" \
    --endpoint "$url" --cacert cert.pem >doctor.out 2>&1
assert_grep '^error envelope \(JSON\): HTTP/2 404, JSON \{HttpStatus, Code, Message, RequestId\}' doctor.out
assert_grep '^error envelope \(XML\): HTTP/2 404, XML <KMS>' doctor.out
echo "ok: $(grep -c 'HTTP/2' doctor.out) answers over HTTP/2"
