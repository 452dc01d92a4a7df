#!/bin/sh
# Runs one interop test file with node's test runner, for ctest:
#   REFSERVER=/path/to/kms-refserver run-test.sh pop_core.test.js
# Exit 77 (skipped) when node >= 20 or the SDKs (install.sh) are missing.
set -u

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ne 1 ]; then
	echo "usage: REFSERVER=BINARY run-test.sh FILE.test.js" >&2
	exit 2
fi

if ! command -v node >/dev/null 2>&1; then
	echo "SKIPPED: node is not installed (the interop tests need Node >= 20)"
	exit 77
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
	echo "SKIPPED: node $(node --version) is too old (the interop tests need Node >= 20)"
	exit 77
fi
if ! sh "$here/install.sh" --check; then
	echo "SKIPPED: the SDKs are not installed; run tests/interop/install.sh (needs the npm registry)"
	exit 77
fi
if [ -z "${REFSERVER:-}" ] || [ ! -x "$REFSERVER" ]; then
	echo "error: REFSERVER must name the kms-refserver binary (got '${REFSERVER:-}')" >&2
	exit 1
fi

cd "$here" || exit 1
exec node --test --test-concurrency=1 --test-timeout=180000 "$1"
