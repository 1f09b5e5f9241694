#!/usr/bin/env bash
# Runs the browser tests of the search site (search_site_test.mjs) for ctest.
# Exits 77, which ctest reports as skipped, with a message saying what to
# install when Node.js, Debian's chromium or the npm packages are missing
# (scripts/install-browser-deps.sh installs all three).
#   run_browser_tests.sh NEWSDEXD NEWSDEX_INDEX SOURCE_DIR SHARED_DIR OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
chromium=${NEWSDEX_CHROMIUM:-/usr/bin/chromium}
if ! command -v node >/dev/null; then
  echo "SKIPPED: node is not installed; run scripts/install-browser-deps.sh"
  exit 77
fi
if [[ ! -x $chromium ]]; then
  echo "SKIPPED: $chromium is missing (Debian package chromium); run scripts/install-browser-deps.sh"
  exit 77
fi
if [[ ! -d $here/node_modules/puppeteer-core ]]; then
  echo "SKIPPED: puppeteer-core is not installed in tests/browser; run scripts/install-browser-deps.sh"
  exit 77
fi
exec node "$here/search_site_test.mjs" --newsdexd "$1" --indexer "$2" --source-dir "$3" \
  --shared-dir "$4" --out "$5" --chromium "$chromium"
