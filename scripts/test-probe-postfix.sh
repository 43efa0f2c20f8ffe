#!/usr/bin/env bash
# Runs the probe against a real Postfix with STARTTLS on loopback: the
# ignored-by-default test crates/probe/tests/postfix_starttls.rs. It installs
# Postfix first if needed (the same idempotent step as the relay
# configuration check) and needs root, because it starts a throwaway Postfix
# master in a temporary directory (the test stops it again, also on failure).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PORT25_ROOT"

bash scripts/validate-relay-configs.sh --install-only
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo "--preserve-env=PATH,CARGO_TARGET_DIR,RUSTUP_TOOLCHAIN,RUSTUP_HOME,CARGO_HOME,HOME")
# Build as the calling user; only the test run needs root.
cargo test -p port25-probe --test postfix_starttls --no-run --quiet
"${sudo[@]}" cargo test -p port25-probe --test postfix_starttls --quiet -- --ignored
