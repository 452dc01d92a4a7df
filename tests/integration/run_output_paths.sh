#!/usr/bin/env bash
# Every output path of kmsconf run (-o, --ledger) and the --expect file are
# checked before the first request (issue 14 defect 8): a folder that does
# not exist, a path that is a folder, a link to nothing, an empty string,
# an --expect file that cannot be read. Each is exit 2 with one line that
# names the option and the path, and kms-refserver's request log shows
# that no request (not even the preflight) reached the server.
. "$(dirname "$0")/lib.sh"

PROFILE=$KC_SOURCE_DIR/suite/targets/refserver.json
rm -rf "$WORK"/requests.jsonl afolder ok.xml
start_refserver --request-log "$WORK/requests.jsonl"
mkdir -p afolder
ln -sf no-such-target dangling.xml

# refused OPTION-REGEX ARGS...: exit 2, one line on stderr naming the
# option and its path, no request sent
refused() {
    local want=$1
    shift
    "$KMSCONF" run --target "$PROFILE" --endpoint "$RS_URL" "$H4_CASES" \
        "$@" >refused.out 2>refused.err
    assert_exit 2 $? "kmsconf run $*"
    [ "$(wc -l <refused.err)" = 1 ] ||
        fail "$*: stderr is not one line: $(head -n 3 refused.err)"
    assert_grep "^kmsconf run: $want" refused.err
    [ ! -s "$WORK/requests.jsonl" ] ||
        fail "$*: a request reached the server: $(head -n 1 "$WORK/requests.jsonl")"
}

refused "-o $WORK/no-such-folder/r.xml: folder $WORK/no-such-folder does not exist" \
    -o "$WORK/no-such-folder/r.xml"
refused "-o afolder: is a folder" -o afolder
refused "-o afolder: is a folder" --output=afolder
refused "-o '': an empty path" -o ''
refused "-o dangling.xml: a symlink to nothing" -o dangling.xml
refused "--ledger no-such-folder/l.jsonl: folder no-such-folder does not exist" \
    -o ok.xml --ledger no-such-folder/l.jsonl
refused "--ledger afolder: is a folder" -o ok.xml --ledger afolder
refused "--ledger '': an empty path" -o ok.xml --ledger ''
refused "--expect no-such.json: " -o ok.xml --expect no-such.json
refused "--expect '': an empty path" -o ok.xml --expect ''
[ ! -e ok.xml ] || fail "a refused run wrote its report"

# the same paths fine: the run goes ahead and sends its requests
"$KMSCONF" run -q --target "$PROFILE" --endpoint "$RS_URL" "$H4_CASES" \
    -o afolder/r.xml --ledger afolder/l.jsonl >ok.out 2>ok.err
assert_exit 0 $? "run with writable paths: $(head -n 2 ok.err)"
[ -s "$WORK/requests.jsonl" ] || fail "the accepted run sent no request"
validate_junit afolder/r.xml
echo "ok"
