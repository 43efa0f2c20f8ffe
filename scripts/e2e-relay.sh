#!/usr/bin/env bash
# End-to-end relay tests: a real Postfix, configured only with the output of
# `port25 relay-config`, relays a message through a real SMTP relay
# (aiosmtpd) on loopback that requires STARTTLS + AUTH on port 587, and
# separately one that requires implicit TLS + AUTH on port 465. The relay
# asserts the message arrived over TLS and that AUTH used exactly the given
# user name and password (quotes, $, backtick, backslash, spaces, colon, #
# and non-ASCII). scripts/e2e_relay.py says what deviates from the generated
# procedure and why.
#
# Each scenario runs in fresh network, mount and PID namespaces (unshare, as
# root): its only network is a private loopback, so the relay can use the
# real ports 587 and 465 and nothing can reach the internet; Postfix's
# directories are private bind mounts; and when the scenario ends, its PID
# namespace ends, so no Postfix or relay process outlives it.
#
# Usage: scripts/e2e-relay.sh [starttls-587|implicit-tls-465]...
# Installs what it needs, idempotently: Postfix (through
# scripts/validate-relay-configs.sh --install-only), libsasl2-modules
# (Postfix's SASL PLAIN/LOGIN client), openssl, python3-venv, and aiosmtpd at
# a pinned version in a venv under ~/.cache/port25/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PORT25_ROOT"

AIOSMTPD_PINS=(aiosmtpd==1.4.6 atpublic==9.0.0 attrs==26.1.0)
VENV="${PORT25_RELAY_VENV:-$HOME/.cache/port25/relay-venv}"
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(starttls-587 implicit-tls-465)

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)

bash scripts/validate-relay-configs.sh --install-only

missing=()
mapfile -t RELAY_PACKAGES < <(port25_packages relay-e2e) # scripts/packages.sh
for pkg in "${RELAY_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

# The venv is rebuilt only when the pins change.
pins="${AIOSMTPD_PINS[*]}"
if [ "$(cat "$VENV/.port25-pins" 2>/dev/null)" != "$pins" ]; then
  log "creating $VENV with ${pins}"
  rm -rf "$VENV"
  /usr/bin/python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${AIOSMTPD_PINS[@]}"
  printf '%s' "$pins" >"$VENV/.port25-pins"
fi

log "cargo build -p port25-cli"
nice -n 10 cargo build --quiet -p port25-cli
PORT25_BIN="$CARGO_TARGET_DIR/debug/port25"

outer="$(readlink /proc/self/ns/mnt) $(readlink /proc/self/ns/net) $(readlink /proc/self/ns/pid)"
failed=0
for scenario in "${SCENARIOS[@]}"; do
  log "e2e relay: $scenario"
  if ! "${sudo[@]}" timeout --kill-after=10 300 \
    unshare --net --mount --propagation private --pid --fork --mount-proc -- \
    "$VENV/bin/python" -B scripts/e2e_relay.py "$scenario" \
    --port25 "$PORT25_BIN" --outer-ns "$outer"; then
    echo "e2e relay: $scenario FAILED" >&2
    failed=$((failed + 1))
  fi
done
echo "e2e relay: $((${#SCENARIOS[@]} - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
