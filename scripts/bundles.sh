#!/usr/bin/env bash
# Builds the tool bundles into DIR, beside the site bundle Trunk built there.
#
#   scripts/bundles.sh DIR [debug|release]
#
# Each interactive tool is its own browser bundle (port25_core::site::Bundle),
# so a page downloads only the code it runs. Trunk builds the `site` bundle
# from index.html; this script builds the others the way Trunk does: cargo for
# wasm32 with the tool's feature, wasm-bindgen --target web, wasm-opt -Oz in
# release. Files are named `<tool>-<hash>.js` and `<tool>-<hash>_bg.wasm`,
# the hash being of their contents; the prerenderer swaps them into the shell
# of the tool's page. Run by scripts/prerender.sh (Trunk's post-build hook).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PORT25_ROOT"

out="${1:?usage: scripts/bundles.sh DIR [debug|release]}"
mode="${2:-${TRUNK_PROFILE:-release}}"
case "$mode" in
  release) profile=wasm-release; profile_dir=wasm-release ;;
  debug) profile=dev; profile_dir=debug ;;
  *) die "unknown build mode '$mode' (debug or release)" ;;
esac

tools=(diagnose generator tester)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for tool in "${tools[@]}"; do
  log "bundle $tool ($mode)"
  cargo build --quiet --target wasm32-unknown-unknown --profile "$profile" \
    --bin port25-site --no-default-features --features "$tool"
  wasm-bindgen --target web --no-typescript --out-dir "$work" --out-name "$tool" \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/$profile_dir/port25-site.wasm"
  if [ "$mode" = release ]; then
    # The features rustc enables by default for wasm32, as Trunk passes them.
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
      --enable-sign-ext --enable-mutable-globals --enable-reference-types \
      --enable-multivalue "$work/${tool}_bg.wasm" -o "$work/${tool}_bg.opt.wasm"
    mv "$work/${tool}_bg.opt.wasm" "$work/${tool}_bg.wasm"
  fi
  hash="$(cat "$work/$tool.js" "$work/${tool}_bg.wasm" | sha256sum | cut -c1-16)"
  rm -f "$out/$tool"-*.js "$out/$tool"-*_bg.wasm
  mv "$work/$tool.js" "$out/$tool-$hash.js"
  mv "$work/${tool}_bg.wasm" "$out/$tool-${hash}_bg.wasm"
  if [ -d "$work/snippets" ]; then
    die "the $tool bundle has wasm-bindgen snippets, which this script does not copy"
  fi
done
