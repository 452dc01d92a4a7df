#!/usr/bin/env bash
# The man pages and shell completions stay in step with the binaries:
# every command of `kmsconf --help` has a section in kmsconf(1) and a place
# in each completion, every option of `kmsconf CMD --help` and
# `kms-refserver --help` is in the man page; the pages format without
# warnings; the bash completion completes commands and options; help,
# version and "did you mean" behave.
. "$(dirname "$0")/lib.sh"
need groff
D=$KC_SOURCE_DIR/dist
MAN=$D/man/kmsconf.1

for page in "$MAN" "$D/man/kms-refserver.1"; do
    groff -man -ww -z "$page" 2>groff.out || fail "groff $page"
    [ -s groff.out ] && fail "groff warns on $page: $(head -1 groff.out)"
done
# the man page's text with roff's \- as -
groff -man -Tutf8 -P-cbou "$MAN" 2>/dev/null | sed 's/‐/-/g; s/−/-/g' \
    >man.txt
groff -man -Tutf8 -P-cbou "$D/man/kms-refserver.1" 2>/dev/null |
    sed 's/‐/-/g; s/−/-/g' >rs-man.txt

"$KMSCONF" --help >help.out
cmds=$(sed -n '/^commands:/,/^$/p' help.out | awk 'NF > 1 {print $1}')
[ "$(echo "$cmds" | wc -w)" -ge 10 ] || fail "too few commands in --help"
for c in $cmds; do
    grep -q "^\.SS .*\b$c\b" "$MAN" || fail "kmsconf.1 has no section for $c"
    grep -qw -- "$c" "$D/completion/kmsconf.bash" || fail "bash: no $c"
    grep -q "'$c:" "$D/completion/_kmsconf" || fail "zsh: no $c"
    grep -qw -- "$c" "$D/completion/kmsconf.fish" || fail "fish: no $c"
    case $c in help | version) continue ;; esac
    "$KMSCONF" "$c" --help >"$c.help" || fail "kmsconf $c --help"
    for o in $(grep -oE -- '(^|[ ,(\[|])--?[a-z][a-z-]*' "$c.help" |
        grep -oE -- '--?[a-z][a-z-]*' | sort -u); do
        [ "$o" = -h ] || [ "$o" = --help ] && continue
        grep -qE -- "(^|[^a-z-])$o([^a-z-]|\$)" man.txt ||
            fail "kmsconf.1 lacks $c option $o"
        grep -qE -- "(^|[^a-z-])$o([^a-z-]|\$)" "$D/completion/kmsconf.bash" ||
            fail "bash completion lacks $c option $o"
    done
done
# every --help fits in 80 columns
for h in help.out ./*.help; do
    wide=$(awk 'length > 80 {print FILENAME ":" FNR ": " length " columns"; exit}' "$h")
    [ -z "$wide" ] || fail "--help wider than 80 columns: $wide"
done
"$REFSERVER" --help >rs.help
for o in $(grep -oE -- '--[a-z][a-z-]*' rs.help | sort -u); do
    grep -qE -- "(^|[^a-z-])$o([^a-z-]|\$)" rs-man.txt ||
        fail "kms-refserver.1 lacks $o"
    for f in kmsconf.bash _kmsconf kmsconf.fish; do
        grep -qE -- "(^|[^a-z-])(--|-l )${o#--}([^a-z-]|\$)" "$D/completion/$f" ||
            fail "$f lacks kms-refserver option $o"
    done
done

# bash completion, run for real
# shellcheck source=/dev/null
. "$D/completion/kmsconf.bash"
complete_line() {
    # shellcheck disable=SC2206 # split the line into words on purpose
    COMP_WORDS=($1)
    [ "${1: -1}" = " " ] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    _kmsconf
    echo "${COMPREPLY[*]}"
}
[ "$(complete_line "kmsconf ru")" = run ] || fail "bash: 'kmsconf ru'"
[ "$(complete_line "kmsconf m")" = "merge matrix" ] || fail "bash: 'kmsconf m'"
[ "$(complete_line "kmsconf run --conn")" = --connect-timeout ] ||
    fail "bash: 'kmsconf run --conn': $(complete_line "kmsconf run --conn")"
[ "$(complete_line "kmsconf run --format ")" = "json xml both" ] ||
    fail "bash: --format values"
[ "$(complete_line "kmsconf help ex")" = expect ] || fail "bash: help ex"

# version and help
for v in --version -V version; do
    [ "$("$KMSCONF" $v)" = "kmsconf $(sed -n 's/^project(kmsconf VERSION \([0-9.]*\).*/\1/p' "$KC_SOURCE_DIR/CMakeLists.txt")" ] ||
        fail "kmsconf $v"
done
for c in $cmds; do
    case $c in help | version) continue ;; esac
    "$KMSCONF" help "$c" >"help-$c.out" 2>&1
    assert_exit 0 $? "kmsconf help $c"
    cmp -s "help-$c.out" "$c.help" || fail "kmsconf help $c differs from --help"
done
"$KMSCONF" help nosuch >nosuch.out 2>&1
assert_exit 2 $? "kmsconf help nosuch"
assert_grep "^kmsconf: unknown command 'nosuch'" nosuch.out
"$KMSCONF" rnu >rnu.out 2>&1
assert_exit 2 $? "kmsconf rnu"
assert_grep "^kmsconf: unknown command 'rnu' \(did you mean 'run'\?\)$" rnu.out
"$KMSCONF" help mrege >mrege.out 2>&1
assert_exit 2 $? "kmsconf help mrege"
assert_grep "did you mean 'merge'" mrege.out
# options: long forms, attached values, "did you mean" for a flag
"$KMSCONF" run --jbos 3 >jbos.out 2>&1
assert_exit 2 $? "kmsconf run --jbos 3"
assert_grep "^kmsconf run: unknown option '--jbos' \(did you mean '--jobs'\?\)$" jbos.out
"$KMSCONF" merge --outptu=x.xml a.xml >outptu.out 2>&1
assert_exit 2 $? "kmsconf merge --outptu=x.xml"
assert_grep "did you mean '--output'" outptu.out
for a in "--jobs 3" "--jobs=3" "-j3" "-j 3"; do
    # shellcheck disable=SC2086 # the option and its value are two words
    "$KMSCONF" run $a --plan --only parameters/missing-parameter/describe-key-keyid \
        >plan.out 2>&1
    assert_exit 0 $? "kmsconf run $a --plan: $(head -1 plan.out)"
done
"$KMSCONF" run -j=3 --plan >eq.out 2>&1
assert_exit 2 $? "kmsconf run -j=3"
assert_grep "^kmsconf run: --jobs '=3': expected a number from 1 to 256$" eq.out
echo ok
