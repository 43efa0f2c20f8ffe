#!/usr/bin/env bash
# Trunk post-build hook: builds the tool bundles beside Trunk's site bundle
# (scripts/bundles.sh), then renders every route into the staging directory
# with the site binary built natively (src/prerender.rs). Trunk sets
# TRUNK_STAGING_DIR, TRUNK_PUBLIC_URL and TRUNK_PROFILE.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PORT25_ROOT"
bash scripts/bundles.sh "$TRUNK_STAGING_DIR" "${TRUNK_PROFILE:-release}"
# The native build shares the dev profile with `cargo test`, so after the
# tests it is only a link step.
cargo run --quiet --bin port25-site -- "$TRUNK_STAGING_DIR"
