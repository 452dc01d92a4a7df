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
#   install.sh --check  only tell: exit 0 when installed, 1 when not
#
# The work is scripts/npm-pinned.sh's, shared with tests/interop/install.sh.
here=$(cd "$(dirname "$0")" && pwd)
exec sh "$here/../../scripts/npm-pinned.sh" "$here" "$@"
