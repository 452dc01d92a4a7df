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
