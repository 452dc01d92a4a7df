#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then the prefix moved: the
# installed kmsconf runs from another folder with its own data and its own
# kms-refserver, no path of the source or build tree compiled in, and a
# missing piece is named in one line with every place looked in.
. "$(dirname "$0")/lib.sh"
: "${KC_BUILD_DIR:?KC_BUILD_DIR must name the build tree}"
need cmake strings
rm -rf p moved elsewhere # the folder is kept between ctest runs

cmake --install "$KC_BUILD_DIR" --prefix "$WORK/p" --strip >install.out 2>&1 ||
    fail "cmake --install: $(tail -1 install.out)"
for f in bin/kmsconf bin/kms-refserver share/kmsconf/suite/catalog.json \
    share/kmsconf/suite/envelopes.json share/kmsconf/cases \
    share/man/man1/kmsconf.1 share/man/man1/kms-refserver.1 \
    share/bash-completion/completions/kmsconf \
    share/zsh/vendor-completions/_kmsconf \
    share/fish/vendor_completions.d/kmsconf.fish; do
    [ -e "p/$f" ] || fail "not installed: $f"
done
[ -L p/share/kmsconf/suite ] && fail "suite installed as a link"

# no build or source path to look data up in inside the binaries (a
# sanitizer build keeps the source file names of its diagnostics: GCC's
# UBSan ignores -ffile-prefix-map, so only those .c names may appear)
for b in kmsconf kms-refserver; do
    # (the paths themselves, cut out of the strings: the byte before a
    # string can be printable and join it, as "@/src/runner/src/select.c")
    strings "p/bin/$b" |
        grep -oE "($KC_SOURCE_DIR|$KC_BUILD_DIR)[^[:space:]\"']*" |
        grep -Ev "^$KC_SOURCE_DIR/[a-z/_]+\.[ch]\$" >"$b.paths"
    [ -s "$b.paths" ] && fail "$b has build paths: $(head -2 "$b.paths")"
done

# moved elsewhere, with fewer cases than the source tree: the run must use
# the moved copy's data, so it counts exactly those cases.
mv p moved
rm -rf moved/share/kmsconf/cases/*
mkdir -p moved/share/kmsconf/cases/keys
cp "$KC_SOURCE_DIR"/tests/integration/cases/h4/*.json \
    moved/share/kmsconf/cases/keys/
want=$(find moved/share/kmsconf/cases -name '*.json' | wc -l)
[ "$want" -gt 0 ] || fail "no case copied"
mkdir elsewhere
(
    cd elsewhere || exit 1
    unset KMSCONF_SUITE_DIR KMSCONF_CASES_DIR KMSCONF_REFSERVER
    "$WORK/moved/bin/kmsconf" list >../list.out 2>&1 || exit 1
    "$WORK/moved/bin/kmsconf" run -o ../moved.xml >../run.out 2>&1
) || fail "installed kmsconf run: $(cat list.out run.out | tail -3)"
assert_grep "^[0-9]+ testcases: [0-9]+ passed, 0 failed" run.out
assert_grep "tests=\"[0-9]+\"" moved.xml
[ "$(($(wc -l <list.out) - 1))" -eq "$want" ] ||
    fail "list shows $(($(wc -l <list.out) - 1)) cases, the moved copy has $want"
assert_no_grep "$KC_SOURCE_DIR" run.out moved.xml list.out

# the environment wins over the executable's neighbourhood
KMSCONF_CASES_DIR=$KC_SOURCE_DIR/cases moved/bin/kmsconf list >env.out 2>&1 ||
    fail "list with KMSCONF_CASES_DIR"
[ "$(wc -l <env.out)" -gt "$((want + 1))" ] ||
    fail "KMSCONF_CASES_DIR was not used"

# kms-refserver gone: one line naming where it looked
mv moved/bin/kms-refserver moved/kms-refserver.away
(cd elsewhere && unset KMSCONF_REFSERVER &&
    "$WORK/moved/bin/kmsconf" run -o ../x.xml >../norefs.out 2>&1)
assert_exit 2 $? "run without kms-refserver"
assert_grep "kms-refserver not found \(looked in \\\$KMSCONF_REFSERVER \(unset\), $WORK/moved/bin/kms-refserver, " norefs.out
assert_no_grep "no URL on its first output line" norefs.out
[ "$(grep -c . norefs.out)" -eq 1 ] || fail "more than one line: $(cat norefs.out)"
mv moved/kms-refserver.away moved/bin/kms-refserver

# suite gone: the same
mv moved/share/kmsconf/suite moved/suite.away
(cd elsewhere && "$WORK/moved/bin/kmsconf" list >../nosuite.out 2>&1)
assert_exit 2 $? "list without a suite"
assert_grep "no suite folder with catalog.json found \(looked in \\\$KMSCONF_SUITE_DIR \(unset\), $WORK/moved/bin/../share/kmsconf/suite, " nosuite.out
[ "$(grep -c . nosuite.out)" -eq 1 ] || fail "more than one line: $(cat nosuite.out)"
echo "ok"
