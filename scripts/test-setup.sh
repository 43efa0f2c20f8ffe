#!/usr/bin/env bash
# Tests scripts/setup.sh's distribution handling without installing anything.
#
# It runs `setup.sh --dry-run` against fake /etc/os-release files for Debian 12
# and Ubuntu 24.04 (PORT25_OS_RELEASE) with recording stand-ins for apt-get,
# apt, npm, cargo, rustup and sudo first on PATH, and checks:
#   - each distribution's printed package groups: on Ubuntu no rustc-web (or
#     any *-web), no chromium (a snap there) and the 64-bit time_t names of the
#     MTA libraries; on Debian the rustc-web toolchain, chromium and no *t64
#     name (bookworm has none);
#   - the browser preference: CHROMIUM, then google-chrome before chromium on
#     PATH, never a snap;
#   - that no dry run called an installer;
#   - how derivatives are classified (Mint, Raspbian, Fedora).
# Where apt has package lists it also asks apt-cache for every name of this
# machine's own distribution: on Debian 12 that checks the Debian names, on
# GitHub's Ubuntu 24.04 runner the Ubuntu names, against the real archive.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PORT25_ROOT"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
  printf 'FAIL: %s\n' "$*" >&2
  failures=$((failures + 1))
}

# os-release files as the distributions ship them (the fields that matter).
cat >"$tmp/debian-12" <<'EOF'
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
EOF
cat >"$tmp/ubuntu-24.04" <<'EOF'
PRETTY_NAME="Ubuntu 24.04.1 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04.1 LTS (Noble Numbat)"
VERSION_CODENAME=noble
ID=ubuntu
ID_LIKE=debian
UBUNTU_CODENAME=noble
EOF
printf 'ID=linuxmint\nID_LIKE="ubuntu debian"\nVERSION_ID="22"\n' >"$tmp/mint-22"
printf 'ID=raspbian\nID_LIKE=debian\nVERSION_ID="12"\n' >"$tmp/raspbian-12"
printf 'ID=fedora\nVERSION_ID=41\n' >"$tmp/fedora-41"

# Stand-ins that record any call that could install something and fail it.
mkdir -p "$tmp/bin"
for tool in apt-get apt npm cargo sudo; do
  cat >"$tmp/bin/$tool" <<EOF
#!/bin/sh
echo "$tool \$*" >>"$tmp/calls"
exit 1
EOF
done
# rustup may be asked what it has (lib.sh does), nothing else.
cat >"$tmp/bin/rustup" <<EOF
#!/bin/sh
case "\$1 \$2" in "target list" | "toolchain list") exit 0 ;; esac
echo "rustup \$*" >>"$tmp/calls"
exit 1
EOF
chmod +x "$tmp/bin"/*
# lib.sh puts ~/.cargo/bin first on PATH, so the dry runs get a HOME whose
# ~/.cargo/bin holds the stand-ins too.
mkdir -p "$tmp/home/.cargo"
ln -s "$tmp/bin" "$tmp/home/.cargo/bin"

# dry_run OS_RELEASE [VAR=VALUE...]: setup.sh's dry run, CHROMIUM unset unless given.
dry_run() {
  local os=$1
  shift
  env -u CHROMIUM HOME="$tmp/home" PATH="$tmp/bin:$PATH" PORT25_OS_RELEASE="$tmp/$os" "$@" \
    bash scripts/setup.sh --dry-run
}

# names OUTPUT GROUP: the names the dry run printed for GROUP, space-separated.
names() {
  sed -n "s/^packages $2 ([^)]*):\(.*\)$/\1/p" <<<"$1" | xargs
}

# has WORD LIST / lacks WORD LIST
has() { [[ " $2 " == *" $1 "* ]]; }

for os in debian-12 ubuntu-24.04; do
  if ! out="$(dry_run "$os")"; then
    fail "$os: setup.sh --dry-run failed"
    continue
  fi
  distro="${os%-*}" version="${os#*-}"
  grep -Fqx "distribution: $distro $version ($tmp/$os)" <<<"$out" ||
    fail "$os: distribution line is '$(grep '^distribution:' <<<"$out")'"
  all=""
  for group in "${PORT25_PACKAGE_GROUPS[@]}"; do
    [ "$(grep -c "^packages $group (" <<<"$out")" -eq 1 ] ||
      fail "$os: no single 'packages $group' line"
    all+=" $(names "$out" "$group")"
  done
  for group in node checks dns mta mta-unpacked mta-libs relay-e2e spreadsheet egress egress-mail; do
    [ -n "$(names "$out" "$group")" ] || fail "$os: group $group is empty"
  done
  mta_libs="$(names "$out" mta-libs)"
  case "$distro" in
    debian)
      for name in rustc-web cargo-web rust-web-src; do
        has "$name" "$(names "$out" rust-web)" || fail "debian: rust-web lacks $name"
      done
      [ "$(names "$out" browser)" = chromium ] ||
        fail "debian: browser group is '$(names "$out" browser)', want chromium"
      for name in $all; do
        [[ "$name" != *t64 ]] || fail "debian: $name is an Ubuntu (time_t) name; bookworm has none"
      done
      for name in libssl3 libgnutls30 libevent-2.1-7 libdb5.3; do
        has "$name" "$mta_libs" || fail "debian: mta-libs lacks $name"
      done
      ;;
    ubuntu)
      [ -z "$(names "$out" rust-web)" ] || fail "ubuntu: rust-web should be empty (rustup's path)"
      [ -z "$(names "$out" browser)" ] || fail "ubuntu: browser group should be empty (the package is a snap)"
      for name in $all; do
        case "$name" in
          chromium | chromium-browser) fail "ubuntu: $name installs a snap" ;;
          *-web | rust-web-* | lld-22) fail "ubuntu: $name is Debian's rustc-web toolchain" ;;
        esac
      done
      # Virtual names on noble since the 64-bit time_t transition.
      for name in libssl3 libgnutls30 libgnutls-dane0 libevent-2.1-7 libdb5.3; do
        has "$name" "$mta_libs" && fail "ubuntu: $name is only a virtual package on 24.04"
        has "${name}t64" "$mta_libs" || fail "ubuntu: mta-libs lacks ${name}t64"
      done
      grep -q '^rust: .*rustc-web' <<<"$out" && fail "ubuntu: the rust line mentions rustc-web"
      ;;
  esac
done

# Browser preference: CHROMIUM, then google-chrome, google-chrome-stable,
# chromium on PATH, skipping snaps.
mkdir -p "$tmp/plain" "$tmp/snap-bin" "$tmp/snap-root"
for name in google-chrome google-chrome-stable chromium custom; do
  printf '#!/bin/sh\nexit 0\n' >"$tmp/plain/$name"
done
printf '#!/bin/sh\nexit 0\n' >"$tmp/snap-root/snap"
chmod +x "$tmp/plain"/* "$tmp/snap-root/snap"
ln -s "$tmp/snap-root/snap" "$tmp/snap-bin/google-chrome"
browser_of() { sed -n 's/^browser: //p' <<<"$1"; }
for os in debian-12 ubuntu-24.04; do
  out="$(dry_run "$os" PATH="$tmp/bin:$tmp/plain:$PATH")"
  [ "$(browser_of "$out")" = "$tmp/plain/google-chrome" ] ||
    fail "$os: google-chrome on PATH should win, got '$(browser_of "$out")'"
  out="$(dry_run "$os" PATH="$tmp/bin:$tmp/plain:$PATH" CHROMIUM="$tmp/plain/custom")"
  [ "$(browser_of "$out")" = "$tmp/plain/custom" ] ||
    fail "$os: CHROMIUM should win, got '$(browser_of "$out")'"
  out="$(dry_run "$os" PATH="$tmp/bin:$tmp/snap-bin:$tmp/plain:$PATH")"
  [ "$(browser_of "$out")" = "$tmp/plain/google-chrome-stable" ] ||
    fail "$os: a snap google-chrome should be skipped, got '$(browser_of "$out")'"
  out="$(dry_run "$os" CHROMIUM="$tmp/missing")"
  [[ "$(browser_of "$out")" == "none (CHROMIUM=$tmp/missing is not executable"* ]] ||
    fail "$os: a CHROMIUM that is not executable should stop set-up, got '$(browser_of "$out")'"
done

# The dry runs installed nothing.
if [ -s "$tmp/calls" ]; then
  fail "the dry run called installers: $(tr '\n' ';' <"$tmp/calls")"
fi

# Derivatives follow ID_LIKE.
for case in mint-22:ubuntu raspbian-12:debian fedora-41:other debian-12:debian ubuntu-24.04:ubuntu; do
  got="$(PORT25_OS_RELEASE="$tmp/${case%%:*}" port25_distro)"
  [ "$got" = "${case#*:}" ] || fail "${case%%:*}: port25_distro says $got, want ${case#*:}"
done

# This machine's names against its own apt archive, where apt has lists.
distro="$(port25_distro)"
if [ "$distro" != other ] && command -v apt-cache >/dev/null 2>&1 &&
  compgen -G '/var/lib/apt/lists/*Packages*' >/dev/null; then
  wanted=()
  for group in "${PORT25_PACKAGE_GROUPS[@]}"; do
    mapfile -t -O "${#wanted[@]}" wanted < <(port25_packages "$group")
  done
  # apt-cache policy prints "NAME:" then "  Candidate: VERSION" or "(none)";
  # a name apt has never heard of prints nothing.
  policy="$(apt-cache policy "${wanted[@]}" 2>/dev/null)"
  for name in "${wanted[@]}"; do
    candidate="$(awk -v n="$name:" '$0 == n { hit = 1; next } /^[^ ]/ { hit = 0 }
      hit && $1 == "Candidate:" { print $2; exit }' <<<"$policy")"
    if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
      fail "$distro $(port25_distro_version): apt has no installable $name"
    fi
  done
  echo "apt-cache: all ${#wanted[@]} names for $distro $(port25_distro_version) have a candidate"
else
  echo "apt-cache: not checked (no apt package lists on this machine)"
fi

if [ "$failures" -gt 0 ]; then
  echo "set-up test: $failures failures" >&2
  exit 1
fi
echo "set-up test: Debian 12 and Ubuntu 24.04 dry runs as expected"
