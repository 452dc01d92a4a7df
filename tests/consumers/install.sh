#!/bin/sh
# Installs the JUnit consumers pinned in package.json into
# tests/consumers/node_modules (git-ignored), for
# tests/integration/consumers.sh:
#   junit2json           its CLI, JUnit XML to JSON
#   @testmo/testmo-cli   Testmo's CLI; the test calls the loader that
#                        `testmo automation:run:submit` parses reports with
#   junit-report-merger  its CLI `jrm`, merges reports and sums the totals
#   fast-xml-parser      the parser Testmo's CLI uses, pinned to the version
#                        its range resolves to, so that it does not move
# (Debian's python3-junitparser, the fourth consumer, comes from
# scripts/install-deps.sh.)
#
#   install.sh          install unless already installed (idempotent)
#   install.sh --check  only tell: exit 0 when installed, 1 (and what is
#                       missing) when not
#
# Exit 1 with a one-line reason when node/npm is missing or npm fails; the
# consumers test then fails, saying so.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

check_only=0
case "${1:-}" in
--check) check_only=1 ;;
"") ;;
*)
	echo "consumers/install.sh: unknown option $1 (usage: install.sh [--check])" >&2
	exit 2
	;;
esac

if ! command -v node >/dev/null 2>&1; then
	echo "consumers/install.sh: node is not installed (Node >= 20 is needed)" >&2
	exit 1
fi

# Installed when every pinned package is there at its pinned version.
installed() {
	# shellcheck disable=SC2016 # JavaScript, not shell, expands ${...}
	node -e '
	const want = require("./package.json").dependencies;
	let ok = true;
	for (const [name, version] of Object.entries(want)) {
		let got = null;
		try { got = require(`./node_modules/${name}/package.json`).version; } catch (e) {}
		if (got !== version) {
			console.error(`consumers: ${name}: want ${version}, have ${got || "none"}`);
			ok = false;
		}
	}
	process.exit(ok ? 0 : 1);'
}

if [ "$check_only" = 1 ]; then
	installed
	exit $?
fi

if installed 2>/dev/null; then
	echo "consumers/install.sh: consumers already installed in $here/node_modules"
	exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
	echo "consumers/install.sh: npm is not installed; cannot install the consumers" >&2
	exit 1
fi

# --ignore-scripts: none of them needs an install script. No
# package-lock.json is kept (git-ignored); the packages are pinned exactly
# in package.json.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! npm install --no-audit --no-fund --no-save --no-package-lock \
	--ignore-scripts --loglevel=error >"$log" 2>&1; then
	tail -n 20 "$log" >&2
	echo "consumers/install.sh: npm install failed (is the npm registry reachable?)" >&2
	exit 1
fi
if ! installed; then
	echo "consumers/install.sh: npm install finished but the pinned versions are not in place" >&2
	exit 1
fi
echo "consumers/install.sh: installed the consumers pinned in $here/package.json"
