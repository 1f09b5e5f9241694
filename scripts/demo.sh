#!/usr/bin/env bash
# The main job on the bundled sample corpus: installs dependencies, builds
# newsdex (Release), indexes data/sample/ into build/demo-db, shows what it
# holds and one search, then runs the daemon on it, JSON API and search page
# (Ctrl-C stops it).
#   NEWSDEX_LISTEN=127.0.0.1:9090 scripts/demo.sh   to use another address
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target newsdex-index newsdex-search newsdexd
rm -rf build/demo-db
build/indexer/newsdex-index --db build/demo-db data/sample
build/indexer/newsdex-index --stats --db build/demo-db
echo
echo '$ newsdex-search --db build/demo-db trade --country Germany --facets country,actor --limit 3'
build/query/newsdex-search --db build/demo-db trade --country Germany --facets country,actor --limit 3 || true
listen="${NEWSDEX_LISTEN:-127.0.0.1:8080}"
echo
echo "Starting newsdexd on http://${listen} (Ctrl-C to stop)."
echo "Search page: open http://${listen}/ in a browser (e.g. http://${listen}/?q=trade&country=Germany)."
echo "JSON API, try:"
echo "  curl 'http://${listen}/search?q=trade&country=Germany&facets=country,actor&limit=3'"
echo "  curl 'http://${listen}/facets/actor?prefix=Kham'"
exec build/server/newsdexd --db build/demo-db --listen "${listen}"
