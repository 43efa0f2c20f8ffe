#!/usr/bin/env bash
# Release build of the site into dist/: Trunk builds the four browser
# bundles (index.html), its post-build hook prerenders every route, then the
# size budgets are checked and every internal link is followed.
#
#   scripts/build.sh [PUBLIC_URL]     PUBLIC_URL defaults to / (use /repo/ for
#                                     a GitHub Pages project site)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PORT25_ROOT"
public_url="${1:-${PORT25_PUBLIC_URL:-/}}"

log "trunk build --release --public-url $public_url"
trunk build --release --public-url "$public_url"
log "size budgets (budgets.json)"
node scripts/check-budgets.mjs dist
log "internal links (every href and src under $public_url)"
node scripts/check-links.mjs dist "$public_url"
