#!/bin/sh
# Installs the official Alibaba Cloud SDKs pinned in package.json into
# tests/interop/node_modules (git-ignored), for the interop tests.
#
#   install.sh          install unless already installed (idempotent)
#   install.sh --check  only tell: exit 0 when installed, 1 when not
#
# Exit 1 with a one-line reason when node/npm is missing or npm fails (e.g. an
# offline machine); the interop tests then fail, saying so.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

check_only=0
case "${1:-}" in
--check) check_only=1 ;;
"") ;;
*)
	echo "interop/install.sh: unknown option $1 (usage: install.sh [--check])" >&2
	exit 2
	;;
esac

if ! command -v node >/dev/null 2>&1; then
	echo "interop/install.sh: node is not installed (Node >= 20 is needed)" >&2
	exit 1
fi

# Installed when every pinned dependency is there at its pinned version.
installed() {
	# shellcheck disable=SC2016 # JavaScript, not shell, expands ${...}
	node -e '
	const want = require("./package.json").dependencies;
	for (const [name, version] of Object.entries(want)) {
		let got = null;
		try { got = require(`./node_modules/${name}/package.json`).version; } catch (e) {}
		if (got !== version) {
			console.error(`${name}: want ${version}, have ${got || "none"}`);
			process.exit(1);
		}
	}'
}

if [ "$check_only" = 1 ]; then
	installed
	exit $?
fi

if installed 2>/dev/null; then
	echo "interop/install.sh: SDKs already installed in $here/node_modules"
	exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
	echo "interop/install.sh: npm is not installed; cannot install the SDKs" >&2
	exit 1
fi

# --ignore-scripts: the only install script among the pinned packages
# (@alicloud/openapi-core's postinstall) installs TypeScript on Node 10/12
# only. No package-lock.json is kept (git-ignored); the direct dependencies
# are pinned exactly in package.json.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! npm install --no-audit --no-fund --no-save --no-package-lock \
	--ignore-scripts --loglevel=error >"$log" 2>&1; then
	tail -n 20 "$log" >&2
	echo "interop/install.sh: npm install failed (is the npm registry reachable? without the SDKs the interop tests are skipped)" >&2
	exit 1
fi
if ! installed; then
	echo "interop/install.sh: npm install finished but the pinned versions are not in place" >&2
	exit 1
fi
echo "interop/install.sh: installed the SDKs pinned in $here/package.json"
