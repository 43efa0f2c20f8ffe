#!/usr/bin/env bash
# Validates every relay configuration the generator can produce with the real
# mail programs: Postfix, Exim 4 (Debian's update-exim4.conf), OpenSMTPD and
# msmtp. Nothing connects to the network; no daemon is left running.
#
# Usage: scripts/validate-relay-configs.sh [--install-only]
#
# Postfix, Exim and OpenSMTPD each provide (and conflict on) Debian's
# mail-transport-agent, so only Postfix and msmtp are installed as packages.
# Exim and OpenSMTPD are fetched with `apt-get download` and unpacked with
# `dpkg-deb -x` into a private root ($PORT25_MTA_ROOT, by default
# ~/.cache/port25/mta-root); their shared libraries are installed as ordinary
# packages, and the Debian-exim system user is created as exim4-base would.
# The Rust test `relay_config_programs` (ignored by default) then writes each
# generated configuration to a temporary directory and runs:
#   Postfix:   postconf -c DIR -n (no warnings, every setting read back),
#              the generated `postconf -e` command against Debian's main.cf,
#              postfix -c DIR check, postmap and postmap -q on every table
#   Exim:      update-exim4.conf -d DIR -o FILE, exim4 -C FILE -bV, -bP of
#              the smarthost router and transport, and -be with Debian's
#              authenticator expressions to read the credentials back
#   OpenSMTPD: smtpd -n -f FILE
#   msmtp:     msmtp -C FILE --pretend, and its passwordeval command
# The test copies pin the host name (myhostname, primary_hostname) so no
# program asks DNS, and point fixed paths (/etc/mailname, the credentials
# tables) into the temporary directory; the test file says where.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PORT25_ROOT"

MTA_ROOT="${PORT25_MTA_ROOT:-$HOME/.cache/port25/mta-root}"
export PORT25_MTA_ROOT="$MTA_ROOT"

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)

# The package names, per distribution, are in scripts/packages.sh: Postfix and
# msmtp, the unpacked Exim and OpenSMTPD, and the libraries their binaries
# link to.
mapfile -t MTA_PACKAGES < <(port25_packages mta)
mapfile -t UNPACKED_PACKAGES < <(port25_packages mta-unpacked)
mapfile -t UNPACKED_LIB_DEPS < <(port25_packages mta-libs)

install_packages() {
  local want=("${MTA_PACKAGES[@]}" "${UNPACKED_LIB_DEPS[@]}") missing=()
  for pkg in "${want[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    # Postfix asks debconf what kind of mail server to be; "No configuration"
    # leaves main.cf alone and starts nothing.
    echo "postfix postfix/main_mailer_type select No configuration" |
      "${sudo[@]}" debconf-set-selections
    # A policy-rc.d that answers 101 stops maintainer scripts starting
    # daemons during the install. A trap removes it on every way out (a
    # failed install included), so no later install on the machine is left
    # unable to start its services.
    local policy=/usr/sbin/policy-rc.d
    if [ ! -e "$policy" ]; then
      trap '"${sudo[@]}" rm -f /usr/sbin/policy-rc.d' EXIT
      printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
      "${sudo[@]}" chmod 755 "$policy"
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # Whatever happened above, leave no mail daemon running or enabled.
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    "${sudo[@]}" systemctl disable --now postfix >/dev/null 2>&1 || true
  fi
  if [ -x /usr/sbin/postfix ] && "${sudo[@]}" /usr/sbin/postfix status >/dev/null 2>&1; then
    "${sudo[@]}" /usr/sbin/postfix stop >/dev/null 2>&1 || true
  fi
  # postfix check wants the postfix user, group and postdrop group, which the
  # package creates; master.cf is copied from /etc/postfix by the test.
  [ -f /etc/postfix/master.cf ] || die "postfix installed but /etc/postfix/master.cf is missing"

  # Exim and OpenSMTPD: download and unpack, never install (see the header).
  if [ ! -x "$MTA_ROOT/usr/sbin/exim4" ] || [ ! -x "$MTA_ROOT/usr/sbin/smtpd" ] ||
    [ ! -x "$MTA_ROOT/usr/sbin/update-exim4.conf" ]; then
    log "unpacking exim4 and opensmtpd into $MTA_ROOT"
    local debs
    debs="$(mktemp -d)"
    chmod 755 "$debs" # apt-get download runs as _apt
    (cd "$debs" && apt-get download -qq "${UNPACKED_PACKAGES[@]}")
    mkdir -p "$MTA_ROOT"
    for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$MTA_ROOT"; done
    rm -rf "$debs"
  fi
  # The exim4 binary looks up its compiled-in user at start-up, even for -bV;
  # exim4-base's postinst would create it, so create it the same way.
  if ! getent passwd Debian-exim >/dev/null; then
    log "adding the Debian-exim system user (as exim4-base's postinst does)"
    "${sudo[@]}" adduser --system --group --quiet --home /var/spool/exim4 \
      --no-create-home --disabled-login --force-badname Debian-exim
  fi
}

check_nothing_listens() {
  # Fail loudly if a mail daemon ended up listening on an SMTP port.
  if command -v ss >/dev/null 2>&1 && ss -ltnH 2>/dev/null | awk '{print $4}' |
    grep -Eq ':(25|465|587)$'; then
    die "something is listening on an SMTP port after the install"
  fi
  if pgrep -x master >/dev/null 2>&1 || pgrep -x smtpd >/dev/null 2>&1 ||
    pgrep -x exim4 >/dev/null 2>&1; then
    die "a mail daemon is running after the install"
  fi
}

install_packages
check_nothing_listens
[ "${1:-}" = --install-only ] && exit 0

select_toolchain
log "cargo test -p port25-core --test relay_config_programs -- --ignored"
nice -n 19 cargo test -p port25-core --test relay_config_programs -- --ignored --nocapture
