#!/usr/bin/env bash
# Trunk post-build hook: renders every route into the staging directory with
# the site binary built natively (src/prerender.rs). Trunk sets
# TRUNK_STAGING_DIR and TRUNK_PUBLIC_URL.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PORT25_ROOT"
# The native build shares the dev profile with `cargo test`, so after the
# tests it is only a link step.
cargo run --quiet --bin port25-site -- "$TRUNK_STAGING_DIR"
