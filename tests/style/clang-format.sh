#!/usr/bin/env bash
# Every C file follows .clang-format: the tracked ones in a git checkout,
# else every *.c and *.h of the source folders. Fails (never skips) when
# clang-format is missing; scripts/install-deps.sh installs it.
set -u
src=${1:?source dir}
command -v clang-format >/dev/null 2>&1 || {
  echo "FAIL: clang-format is not installed (scripts/install-deps.sh)"
  exit 1
}
cd "$src" || exit 1
files=
if command -v git >/dev/null 2>&1; then
  files=$(git ls-files '*.c' '*.h' 2>/dev/null)
fi
if [ -z "$files" ]; then
  files=$(find proto runner reports refserver tests -type f -name '*.[ch]' \
    -not -path '*/node_modules/*' |
    sort)
fi
[ -n "$files" ] || { echo "FAIL: no C file under $src"; exit 1; }
bad=0
for f in $files; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f (clang-format -i $f)"
    bad=$((bad + 1))
  fi
done
echo "$(echo "$files" | wc -w) files checked, $bad not formatted"
[ "$bad" -eq 0 ]
