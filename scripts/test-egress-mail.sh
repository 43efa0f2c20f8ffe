#!/usr/bin/env bash
# The egress mail path against a real sender: the ignored-by-default test
# crates/probe/tests/egress_mail.rs, where a throwaway Postfix signing with
# OpenDKIM delivers to a test's address and the report's EHLO name, TLS and
# SPF, DKIM and DMARC results are checked against the DNS fixture's records.
# Installs OpenDKIM (scripts/packages.sh, group "egress-mail") if needed;
# scripts/test-probe-postfix.sh installs Postfix and runs the test as root
# (it stops Postfix, OpenDKIM and the fixture again, also on failure). The
# DNS fixture's packages come from setup.sh.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PORT25_ROOT"

install_group egress-mail # OpenDKIM (scripts/packages.sh)
exec bash scripts/test-probe-postfix.sh egress_mail
