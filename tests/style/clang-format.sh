#!/usr/bin/env bash
# Every tracked C file follows .clang-format. Exit 77 (skipped) when
# clang-format or git is missing.
set -u
src=${1:?source dir}
command -v clang-format >/dev/null 2>&1 || { echo "no clang-format"; exit 77; }
command -v git >/dev/null 2>&1 || { echo "no git"; exit 77; }
cd "$src" || exit 1
files=$(git ls-files '*.c' '*.h' 2>/dev/null) || { echo "not a git checkout"; exit 77; }
bad=0
for f in $files; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f (clang-format -i $f)"
    bad=$((bad + 1))
  fi
done
echo "$(echo "$files" | wc -w) files checked, $bad not formatted"
[ "$bad" -eq 0 ]
