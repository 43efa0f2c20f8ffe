#!/usr/bin/env bash
# clippy on the browser bundles as Trunk builds them (wasm32, each tool with
# its feature), so code behind `cfg(target_arch = "wasm32")` is linted too.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PORT25_ROOT"
wasm=(--target wasm32-unknown-unknown --quiet)
cargo clippy "${wasm[@]}" -p port25-enhance --bins -- -D warnings
for tool in diagnose generator tester egress; do
  cargo clippy "${wasm[@]}" -p port25-site --no-default-features --features "$tool" --bin "$tool" -- -D warnings
done
