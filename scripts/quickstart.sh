#!/usr/bin/env bash
# The main job: install what is missing, build, and run the whole suite
# against the embedded kms-refserver. Prints the summary and the report path.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build/quickstart -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKC_BUILD_TESTS=OFF >/dev/null
cmake --build build/quickstart -j"$(nproc)" >/dev/null
exec build/quickstart/runner/cli/kmsconf run -o build/kmsconf-junit.xml "$@"
