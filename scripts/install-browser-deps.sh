#!/usr/bin/env bash
# Installs what the browser tests of the search site need (tests/browser/):
# Debian's chromium and Node.js with npm, then puppeteer-core and its
# dependencies exactly as tests/browser/package-lock.json pins them (npm ci,
# from the npm registry only; puppeteer-core downloads no browser, the tests
# drive /usr/bin/chromium). Idempotent: with everything in place it only runs
# dpkg queries and compares the lock file with the installed one.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/apt.sh
source scripts/lib/apt.sh

packages=(chromium)
# The machine may already have Node.js from elsewhere (nodesource); only a
# missing node or npm pulls Debian's.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

apt_install_missing "${packages[@]}"

# npm ci only when node_modules does not match the lock file (npm writes its
# own copy of the lock into node_modules/.package-lock.json).
lock=tests/browser/package-lock.json
installed=tests/browser/node_modules/.package-lock.json
if [[ ! -f $installed ]] || ! cmp -s <(sed -n '/"node_modules\//,$p' "$lock") \
                                       <(sed -n '/"node_modules\//,$p' "$installed"); then
  echo "install-browser-deps: npm ci in tests/browser" >&2
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi
