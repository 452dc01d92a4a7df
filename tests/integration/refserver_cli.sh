#!/usr/bin/env bash
# kms-refserver's command line: port file, URL line, --print-config, config
# files, refused deviations, one-line errors for bad flags, clean exit on
# SIGTERM and SIGINT.
. "$(dirname "$0")/lib.sh"

# The URL it prints and the port it writes agree; SIGTERM ends it with 0.
start_refserver
port=$(cat "$RS_DIR/port")
[ "$RS_URL" = "http://127.0.0.1:$port" ] || fail "URL $RS_URL vs port $port"
kill -TERM "$RS_PID"
wait "$RS_PID"
assert_exit 0 $? "exit on SIGTERM"
RS_PIDS=()
start_refserver
kill -INT "$RS_PID"
wait "$RS_PID"
assert_exit 0 $? "exit on SIGINT"
RS_PIDS=()
echo "ok: URL line, port file, SIGTERM/SIGINT"

# The connection limits are accepted (their effect: unit.test_rs_starve).
start_refserver --max-conns 50 --max-conns-per-ip 0 --conn-timeout=5
stop_refservers
echo "ok: connection limit flags"

# --hang-after 1: the first request is answered, the second is read and
# gets no byte (no effect, no request-log line) until the server stops;
# then its connection closes, without an answer, and SIGTERM is exit 0.
need python3
rm -f "$WORK/hang.jsonl" hang.out # an earlier run's
start_refserver --hang-after 1 --request-log "$WORK/hang.jsonl"
python3 - "$(cat "$RS_DIR/port")" >hang.out 2>&1 <<'PY' &
import socket, sys
req = (b"GET /?Action=ListKeys&Format=JSON HTTP/1.1\r\nHost: x\r\n"
       b"Connection: close\r\n\r\n")
def ask(timeout):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.settimeout(timeout)
    s.sendall(req)
    try:
        return s, s.recv(16)
    except socket.timeout:
        return s, None
s, first = ask(5)
print("first:", first[:8].decode() if first else first, flush=True)
s, second = ask(1)
print("second:", second, flush=True)
s.settimeout(20)  # the server stops: the connection closes, no byte
print("at stop:", s.recv(16), flush=True)
PY
client=$!
wait_for_grep '^second: None' hang.out 10
[ "$(wc -l <"$WORK/hang.jsonl")" = 1 ] ||
    fail "--hang-after 1: $(wc -l <"$WORK/hang.jsonl") request-log lines, expected 1"
kill -TERM "$RS_PID"
wait "$RS_PID"
assert_exit 0 $? "exit on SIGTERM with a hung request"
RS_PIDS=()
wait "$client"
assert_grep '^first: HTTP/1.1' hang.out
assert_grep "^at stop: b''" hang.out
echo "ok: --hang-after"

# --print-config: the built-in default with its credentials, as JSON.
"$REFSERVER" --print-config >config.json
assert_exit 0 $? "--print-config"
assert_grep '"testid"' config.json
assert_grep '"testsecret-indebt"' config.json
assert_grep 'xx-nohsm-1' config.json
# The printed configuration is a valid configuration file.
start_refserver --config config.json
stop_refservers
echo "ok: --print-config round trip"

# Errors: one line on stderr, exit 2.
expect_usage() { # what, args...
    local what=$1 rc
    shift
    "$REFSERVER" "$@" >usage.out 2>usage.err
    rc=$?
    assert_exit 2 "$rc" "$what"
    [ "$(wc -l <usage.err)" -eq 1 ] || fail "$what: not one line: $(cat usage.err)"
}
expect_usage "unknown flag" --no-such-flag
assert_grep 'no-such-flag' usage.err
expect_usage "bad hold-request" --hold-request 0
assert_grep 'hold-request: expected 1..99999' usage.err
expect_usage "bad hang-after" --hang-after x
assert_grep 'hang-after: expected 0..99999' usage.err
expect_usage "bad listen" --listen nowhere
expect_usage "bad latency" --latency-ms -5
expect_usage "bad max-conns" --max-conns 0
assert_grep 'max-conns: expected 1..10000' usage.err
expect_usage "bad max-conns-per-ip" --max-conns-per-ip=10001
assert_grep 'max-conns-per-ip' usage.err
expect_usage "bad conn-timeout" --conn-timeout x
assert_grep 'conn-timeout' usage.err
expect_usage "deviation without --allow-deviations" --deviate status
assert_grep 'allow-deviations' usage.err
expect_usage "unknown deviation" --allow-deviations --deviate nonsense
printf '{"accounts": [{"id": 5}]}' >bad.json
expect_usage "malformed config" --config bad.json
assert_grep 'bad.json' usage.err
assert_grep '\$\.accounts\[0\]' usage.err
expect_usage "missing config" --config /nonexistent/config.json
echo "ok: one-line errors, exit 2"
