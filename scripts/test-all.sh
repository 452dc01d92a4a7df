#!/usr/bin/env bash
# Every test, twice: a normal build with warnings as errors, then an
# ASan+UBSan build. Installs what is missing first. Exits non-zero on any
# failure; ctest prints each build's summary.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --all || exit 1

jobs=$(nproc)
status=0
run_build() { # name, cmake options...
  local dir="build/$1"
  shift
  echo "== build $dir ($*)"
  if ! cmake -S . -B "$dir" -DKC_WERROR=ON "$@" >"$dir.configure.log" 2>&1; then
    cat "$dir.configure.log"
    return 1
  fi
  cmake --build "$dir" -j"$jobs" || return 1
  echo "== ctest $dir"
  ctest --test-dir "$dir" -j"$jobs" --output-on-failure
}

mkdir -p build
run_build ci -DCMAKE_BUILD_TYPE=RelWithDebInfo || status=1
run_build asan -DCMAKE_BUILD_TYPE=Debug -DKC_SANITIZE=ON || status=1

if [ "$status" -ne 0 ]; then
  echo "test-all: FAILED"
else
  echo "test-all: all builds and tests passed"
fi
exit "$status"
