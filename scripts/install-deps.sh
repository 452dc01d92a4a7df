#!/usr/bin/env bash
# Installs what kmsconf needs to build and test on Debian: the C toolchain
# and libraries, the test tools (cmocka, xmllint, jq, clang-format,
# clang-tidy, pmccabe, groff for the man pages, dpkg-dev for the .deb,
# python3 and openssl for the hostile-server tests, python3-h2 for the
# HTTP/2 endpoint of tests/integration/http2.sh, python3-junitparser
# for the consumers test, python3-jsonschema for the results-file schema
# test) and, with --all, clang with libFuzzer, Chromium
# (page tests) and Node.js with the official Alibaba Cloud SDKs (interop
# tests) and the JUnit consumers of tests/consumers (consumers test). A test whose tool is missing fails;
# none is skipped. Idempotent; run as root or with sudo available.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi

packages=(build-essential cmake pkg-config libcurl4-openssl-dev libcjson-dev
  libxml2-dev libxml2-utils libssl-dev libmicrohttpd-dev libcmocka-dev jq
  clang-format clang-tidy pmccabe groff-base dpkg-dev binutils wrk valgrind
  python3 openssl python3-junitparser python3-h2 python3-jsonschema)
if [ "${1:-}" = "--all" ]; then
  packages+=(chromium)
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
  command -v npm >/dev/null 2>&1 || packages+=(npm)
  # the fuzzing build of test-all.sh: clang and its libFuzzer runtime
  packages+=(clang)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

# libFuzzer ships in clang's runtime package, named by clang's major version
if [ "${1:-}" = "--all" ]; then
  rt="libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev"
  if ! dpkg-query -W -f='${Status}' "$rt" 2>/dev/null | grep -q "ok installed"; then
    echo "install-deps: installing $rt"
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
      --no-install-recommends "$rt" >/dev/null
  fi
fi

if [ "${1:-}" = "--all" ] && [ -x tests/interop/install.sh ]; then
  tests/interop/install.sh
fi
# junit2json, Testmo's CLI and junit-report-merger, pinned in
# tests/consumers/package.json (tests/integration/consumers.sh)
if [ "${1:-}" = "--all" ]; then
  tests/consumers/install.sh
fi
