# shellcheck shell=bash
# The system packages Port25's scripts install, per distribution: the one
# place to add or rename one. Sourced (by lib.sh), never run.
#
#   port25_distro            prints "debian", "ubuntu" or "other", read from
#                            /etc/os-release (PORT25_OS_RELEASE overrides the
#                            path, for tests)
#   port25_packages GROUP    prints GROUP's package names for that
#                            distribution, one a line (none when the group
#                            does not apply there)
#
# Names are checked for Debian 12 (bookworm) and Ubuntu 24.04 (noble), amd64.
# Ubuntu 24.04 renamed many libraries for the 64-bit time_t transition
# (libssl3 -> libssl3t64), which is why the lists differ. The static checks
# (scripts/static-checks.sh) assert both lists and, where apt has package
# lists, that every name for the running distribution has a candidate.
#
# Adding packages: put them in the group of the script that installs them, or
# add a group here and call `port25_packages NEWGROUP` from that script. The
# planned ones (redis-server, knot and nsd exist under those names on
# Debian 12; check Ubuntu 24.04's names when adding them):
#   - redis-server: add a "redis" group.
#   - more MTA tools: "mta" (installed) or "mta-unpacked" (downloaded and
#     unpacked, for MTAs that conflict with Postfix), their libraries in
#     "mta-libs".
# Then add the group to PORT25_PACKAGE_GROUPS so the dry run and the static
# checks cover it.

# Every group, in the order the test command needs them.
PORT25_PACKAGE_GROUPS=(rust-web node browser checks dns mta mta-unpacked mta-libs relay-e2e spreadsheet egress egress-mail)

port25_distro() {
  local file="${PORT25_OS_RELEASE:-/etc/os-release}" id="" like=""
  if [ -r "$file" ]; then
    # os-release is shell-compatible, but read only the two fields rather
    # than sourcing a file that tests point at.
    id="$(sed -n 's/^ID=//p' "$file" | tr -d '"'\''')"
    like="$(sed -n 's/^ID_LIKE=//p' "$file" | tr -d '"'\''')"
  fi
  case " $id $like " in
    *" ubuntu "*) echo ubuntu ;; # before debian: Ubuntu derivatives say both
    *" debian "*) echo debian ;;
    *) echo other ;;
  esac
}

# The VERSION_ID of the os-release file, for messages.
port25_distro_version() {
  sed -n 's/^VERSION_ID=//p' "${PORT25_OS_RELEASE:-/etc/os-release}" 2>/dev/null | tr -d '"'\'''
}

port25_packages() {
  local group=$1 distro
  case " ${PORT25_PACKAGE_GROUPS[*]} " in
    *" $group "*) ;;
    *) printf 'port25_packages: unknown group %s\n' "$group" >&2; return 2 ;;
  esac
  distro="$(port25_distro)"
  local -a names=()
  case "$group:$distro" in
    # Debian's Rust built for Firefox, new enough for this workspace, and the
    # source of its standard library, which setup.sh builds for wasm32 when
    # rustup cannot download the target. Debian only: on Ubuntu rustup's
    # own path runs (GitHub's runners have rustup and reach its servers).
    rust-web:debian)
      names=(rustc-web cargo-web rust-web-src rust-web-llvm rust-web-clippy rustfmt-web lld-22) ;;
    rust-web:*) ;;

    # Only where npm is missing (GitHub's runners have Node.js already).
    node:debian | node:ubuntu) names=(nodejs npm) ;;

    # Only where no browser is found (setup.sh's select_browser). Ubuntu's
    # chromium and chromium-browser are shims that install a snap, which
    # does not run reliably headless from a temporary profile: there,
    # install Google Chrome or set CHROMIUM instead.
    browser:debian) names=(chromium) ;;
    browser:*) ;;

    # The static checks' shell linter (scripts/static-checks.sh).
    checks:debian | checks:ubuntu) names=(shellcheck) ;;

    # The DNS fixture (scripts/dns-fixture.sh), installed by setup.sh: NSD
    # serves the test zones, Unbound validates them (DNSSEC), BIND's tools
    # make the keys and sign (dnssec-keygen, dnssec-signzone) and query
    # (dig). Same names on Debian 12 and Ubuntu 24.04.
    dns:debian | dns:ubuntu) names=(nsd unbound bind9-utils bind9-dnsutils) ;;

    # Installed by scripts/validate-relay-configs.sh.
    mta:debian | mta:ubuntu) names=(postfix msmtp) ;;
    # Downloaded (apt-get download) and unpacked, never installed: they
    # conflict with Postfix as mail-transport-agent.
    mta-unpacked:debian | mta-unpacked:ubuntu)
      names=(exim4-daemon-light exim4-base exim4-config opensmtpd) ;;
    # The libraries the unpacked exim4-daemon-light and opensmtpd link to
    # (their Depends).
    mta-libs:debian)
      names=(libgnutls-dane0 libgnutls30 libidn12 libidn2-0 libpcre2-8-0 libdb5.3
        libnsl2 libcrypt1 libevent-2.1-7 libpam0g libssl3 zlib1g) ;;
    mta-libs:ubuntu)
      names=(libgnutls-dane0t64 libgnutls30t64 libidn12 libidn2-0 libpcre2-8-0 libdb5.3t64
        libnsl2 libcrypt1 libevent-2.1-7t64 libpam0g libssl3t64 zlib1g) ;;

    # Installed by scripts/e2e-relay.sh: Postfix's SASL client mechanisms,
    # the test CA, aiosmtpd's venv, unshare.
    relay-e2e:debian | relay-e2e:ubuntu)
      names=(libsasl2-modules openssl python3-venv util-linux) ;;

    # Installed by scripts/test-csv-spreadsheet.sh: LibreOffice Calc without
    # its GUI, to read the CSV downloads with a real spreadsheet parser.
    spreadsheet:debian | spreadsheet:ubuntu) names=(libreoffice-calc-nogui python3) ;;

    # Installed by scripts/test-egress.sh: the shared store (Redis 7.0 on
    # Debian 12, 7.0 on Ubuntu 24.04), the clients whose one-liners the
    # egress test hands out, and the network-namespace test's firewall.
    egress:debian | egress:ubuntu)
      names=(redis-server curl netcat-openbsd openssl swaks telnet nftables iproute2 util-linux python3) ;;

    # Installed by scripts/test-egress-mail.sh: OpenDKIM, the real DKIM
    # signer (a Postfix milter) whose mail the egress mail path checks, and
    # opendkim-genkey to make its key. Same names on Debian 12 and Ubuntu
    # 24.04.
    egress-mail:debian | egress-mail:ubuntu) names=(opendkim opendkim-tools) ;;

    *) ;; # another distribution: its own package manager, by hand
  esac
  [ ${#names[@]} -eq 0 ] || printf '%s\n' "${names[@]}"
}
