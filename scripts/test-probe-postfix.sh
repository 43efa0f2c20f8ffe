#!/usr/bin/env bash
# Runs an ignored-by-default probe test that needs a real Postfix on
# loopback, crates/probe/tests/TEST.rs (default postfix_starttls: the probe
# against Postfix with STARTTLS and a test CA). It installs Postfix first if
# needed (the same idempotent step as the relay configuration check) and
# needs root, because the test starts a throwaway Postfix master in a
# temporary directory (and stops it again, also on failure).
#
#   scripts/test-probe-postfix.sh [TEST]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PORT25_ROOT"
test_name="${1:-postfix_starttls}"

bash scripts/validate-relay-configs.sh --install-only
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo "--preserve-env=PATH,CARGO_TARGET_DIR,RUSTUP_TOOLCHAIN,RUSTUP_HOME,CARGO_HOME,HOME")
# Build as the calling user; only the test run needs root.
nice -n 5 cargo test -p port25-probe --test "$test_name" --no-run --quiet
"${sudo[@]}" nice -n 5 cargo test -p port25-probe --test "$test_name" --quiet -- --ignored
