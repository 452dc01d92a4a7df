#!/bin/sh
# npm-pinned.sh DIR [--check]: installs the npm packages pinned exactly in
# DIR/package.json into DIR/node_modules (git-ignored); used by
# tests/interop/install.sh (the official Alibaba Cloud SDKs) and
# tests/consumers/install.sh (the JUnit consumers).
#
#   npm-pinned.sh DIR          install unless already installed (idempotent)
#   npm-pinned.sh DIR --check  only tell: exit 0 when installed, 1 (and what
#                              is missing) when not
#
# Exit 1 with a one-line reason when node/npm is missing or npm fails (e.g.
# an offline machine); the tests that need the packages then fail, saying so.
set -eu

[ -n "${1:-}" ] && [ -d "$1" ] || {
	echo "npm-pinned.sh: usage: npm-pinned.sh DIR [--check]" >&2
	exit 2
}
here=$(cd "$1" && pwd)
name=$(basename "$here")
cd "$here"

check_only=0
case "${2:-}" in
--check) check_only=1 ;;
"") ;;
*)
	echo "$name/install.sh: unknown option $2 (usage: install.sh [--check])" >&2
	exit 2
	;;
esac

if ! command -v node >/dev/null 2>&1; then
	echo "$name/install.sh: node is not installed (Node >= 20 is needed)" >&2
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
			console.error(`${name}: want ${version}, have ${got || "none"}`);
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
	echo "$name/install.sh: already installed in $here/node_modules"
	exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
	echo "$name/install.sh: npm is not installed; cannot install $here/package.json" >&2
	exit 1
fi

# --ignore-scripts: no pinned package needs an install script (the only one,
# @alicloud/openapi-core's postinstall, installs TypeScript on Node 10/12
# only). No package-lock.json is kept (git-ignored); the packages are pinned
# exactly in package.json.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! npm install --no-audit --no-fund --no-save --no-package-lock \
	--ignore-scripts --loglevel=error >"$log" 2>&1; then
	tail -n 20 "$log" >&2
	echo "$name/install.sh: npm install failed (is the npm registry reachable?)" >&2
	exit 1
fi
if ! installed; then
	echo "$name/install.sh: npm install finished but the pinned versions are not in place" >&2
	exit 1
fi
echo "$name/install.sh: installed the packages pinned in $here/package.json"
