#!/usr/bin/env bash
# Every test, twice: a normal build with warnings as errors, then an
# ASan+UBSan build; then a clang build (warnings as errors too) that fuzzes
# every libFuzzer target for KC_FUZZ_SECONDS (default 30). Installs what is
# missing first. Exits non-zero on any failure; ctest prints each build's
# summary.
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

# clang's libFuzzer binaries under ASan+UBSan, each fuzzing its corpus for
# KC_FUZZ_SECONDS (ctest label fuzzrun); a finding fails the run.
fuzz_build() {
  local dir=build/fuzz
  echo "== build $dir (clang, libFuzzer, ASan+UBSan)"
  if ! CC=clang cmake -S . -B "$dir" -DKC_WERROR=ON -DKC_FUZZ=ON \
    -DKC_SANITIZE=ON -DKC_INTEROP=OFF -DCMAKE_BUILD_TYPE=Debug \
    -DKC_FUZZ_SECONDS="${KC_FUZZ_SECONDS:-30}" >"$dir.configure.log" 2>&1; then
    cat "$dir.configure.log"
    return 1
  fi
  cmake --build "$dir" -j"$jobs" || return 1
  echo "== ctest $dir -L fuzzrun"
  ctest --test-dir "$dir" -j"$jobs" -L fuzzrun --output-on-failure
}

mkdir -p build
run_build ci -DCMAKE_BUILD_TYPE=RelWithDebInfo || status=1
run_build asan -DCMAKE_BUILD_TYPE=Debug -DKC_SANITIZE=ON || status=1
fuzz_build || status=1

if [ "$status" -ne 0 ]; then
  echo "test-all: FAILED"
else
  echo "test-all: all builds and tests passed"
fi
exit "$status"
