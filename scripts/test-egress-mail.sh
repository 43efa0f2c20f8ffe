#!/usr/bin/env bash
# The egress mail path against a real sender: the ignored-by-default test
# crates/probe/tests/egress_mail.rs, where a throwaway Postfix signing with
# OpenDKIM delivers to a test's address and the report's EHLO name, TLS and
# SPF, DKIM and DMARC results are checked against the DNS fixture's records.
# Installs Postfix (the relay-config step's idempotent install) and OpenDKIM
# (scripts/packages.sh, group "egress-mail") if needed; the DNS fixture's
# packages come from setup.sh. Needs root, because it starts a Postfix
# master (the test stops it, OpenDKIM and the fixture again, also on failure).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PORT25_ROOT"

bash scripts/validate-relay-configs.sh --install-only
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo "--preserve-env=PATH,CARGO_TARGET_DIR,RUSTUP_TOOLCHAIN,RUSTUP_HOME,CARGO_HOME,HOME")

install_group egress-mail # OpenDKIM (scripts/packages.sh)

# Build as the calling user; only the test run needs root.
nice -n 5 cargo test -p port25-probe --test egress_mail --no-run --quiet
"${sudo[@]}" nice -n 5 cargo test -p port25-probe --test egress_mail --quiet -- --ignored
