#!/bin/sh
# Installs the official Alibaba Cloud SDKs pinned in package.json into
# tests/interop/node_modules (git-ignored), for the interop tests.
#
#   install.sh          install unless already installed (idempotent)
#   install.sh --check  only tell: exit 0 when installed, 1 when not
#
# The work is scripts/npm-pinned.sh's, shared with tests/consumers/install.sh;
# without the SDKs the interop tests fail, saying so.
here=$(cd "$(dirname "$0")" && pwd)
exec sh "$here/../../scripts/npm-pinned.sh" "$here" "$@"
