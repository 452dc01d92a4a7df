#!/usr/bin/env bash
# CPack's .deb: its contents (dpkg-deb -c), its declared library
# dependencies (dpkg-deb -f), and, when the test runs as root, dpkg -i into
# this machine, `kmsconf run` from / against the installed kms-refserver,
# then dpkg -r.
. "$(dirname "$0")/lib.sh"
: "${KC_BUILD_DIR:?KC_BUILD_DIR must name the build tree}"
need cpack dpkg-deb dpkg-shlibdeps

cpack -G DEB -B "$WORK/pkg" --config "$KC_BUILD_DIR/CPackConfig.cmake" \
    >cpack.out 2>&1 || fail "cpack: $(tail -3 cpack.out)"
deb=$(ls pkg/kmsconf_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "cpack made no kmsconf_*.deb: $(tail -3 cpack.out)"

dpkg-deb -c "$deb" >contents.out || fail "dpkg-deb -c $deb"
for f in ./usr/bin/kmsconf ./usr/bin/kms-refserver \
    ./usr/share/kmsconf/suite/catalog.json \
    ./usr/share/kmsconf/suite/envelopes.json \
    ./usr/share/kmsconf/suite/targets/refserver.json \
    ./usr/share/man/man1/kmsconf.1 ./usr/share/man/man1/kms-refserver.1 \
    ./usr/share/bash-completion/completions/kmsconf \
    ./usr/share/zsh/vendor-completions/_kmsconf \
    ./usr/share/fish/vendor_completions.d/kmsconf.fish; do
    grep -Eq " $f\$" contents.out || fail "$deb lacks $f"
done
ncases=$(grep -Ec ' ./usr/share/kmsconf/cases/.*\.json$' contents.out)
want=$(find "$KC_SOURCE_DIR/cases" -name '*.json' | wc -l)
[ "$ncases" -eq "$want" ] || fail "$deb has $ncases case files, not $want"
assert_no_grep "$KC_SOURCE_DIR" contents.out

dpkg-deb -f "$deb" Depends >depends.out || fail "dpkg-deb -f $deb"
for lib in libcurl libcjson libmicrohttpd libssl libxml2 libc6; do
    assert_grep "$lib" depends.out
done
dpkg-deb -f "$deb" Package Version >meta.out
assert_grep "^Package: kmsconf$" meta.out

if [ "$(id -u)" -ne 0 ]; then
    echo "ok (contents only: not root, so not installed)"
    exit 0
fi
if dpkg-query -W -f='${Status}' kmsconf 2>/dev/null | grep -q installed; then
    fail "a kmsconf package is already installed here; remove it first"
fi
trap 'dpkg -r kmsconf >/dev/null 2>&1; stop_refservers' EXIT
dpkg -i "$deb" >dpkg.out 2>&1 || fail "dpkg -i: $(tail -3 dpkg.out)"
[ "$(/usr/bin/kmsconf --version)" = "kmsconf $(dpkg-deb -f "$deb" Version)" ] ||
    fail "installed kmsconf --version"
(
    cd / || exit 1
    unset KMSCONF_SUITE_DIR KMSCONF_CASES_DIR KMSCONF_REFSERVER
    /usr/bin/kmsconf run -q -o "$WORK/deb.xml" >"$WORK/deb-run.out" 2>&1
) || fail "installed kmsconf run: $(tail -3 deb-run.out)"
assert_grep "^$want |^[0-9]+ testcases: [0-9]+ passed, 0 failed" deb-run.out
assert_grep "<testsuites" deb.xml
dpkg -r kmsconf >dpkg-r.out 2>&1 || fail "dpkg -r: $(tail -3 dpkg-r.out)"
[ -e /usr/bin/kmsconf ] && fail "dpkg -r left /usr/bin/kmsconf"
echo "ok (installed, run, removed)"
