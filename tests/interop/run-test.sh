#!/bin/sh
# Runs one interop test file with node's test runner, for ctest:
#   REFSERVER=/path/to/kms-refserver run-test.sh pop_core.test.js
# Fails (exit 1, never skipped) when node >= 20 or the SDKs (install.sh) are
# missing: configure with -DKC_INTEROP=OFF to leave these tests out.
set -u

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ne 1 ]; then
	echo "usage: REFSERVER=BINARY run-test.sh FILE.test.js" >&2
	exit 2
fi

if ! command -v node >/dev/null 2>&1; then
	echo "FAIL: node is not installed (the interop tests need Node >= 20; scripts/install-deps.sh --all)" >&2
	exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
	echo "FAIL: node $(node --version) is too old (the interop tests need Node >= 20)" >&2
	exit 1
fi
if ! sh "$here/install.sh" --check; then
	echo "FAIL: the SDKs are not installed; run tests/interop/install.sh (needs the npm registry)" >&2
	exit 1
fi
if [ -z "${REFSERVER:-}" ] || [ ! -x "$REFSERVER" ]; then
	echo "error: REFSERVER must name the kms-refserver binary (got '${REFSERVER:-}')" >&2
	exit 1
fi

cd "$here" || exit 1
exec node --test --test-concurrency=1 --test-timeout=180000 "$1"
