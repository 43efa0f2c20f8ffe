#!/usr/bin/env bash
# Installs everything Port25 needs to build and test, and nothing twice.
#
#   scripts/setup.sh [--dry-run]
#
# It reads /etc/os-release and takes the Debian or the Ubuntu path; the
# package names for each are in scripts/packages.sh, the one list.
#
# Rust: with rustup it takes the normal path, `rustup target add
# wasm32-unknown-unknown` (laptops, GitHub's Ubuntu runners). Only on Debian,
# where rustup cannot download the target (Debian 12 machines that reach only
# the package registries), it installs Debian's rustc-web, builds the wasm32
# standard library into that sysroot once and links it into rustup as the
# "web" toolchain. Then: trunk, wasm-bindgen-cli at the version in
# Cargo.lock, the npm packages (wasm-opt from binaryen, playwright-core), the
# browser and shellcheck.
#
# Browser: the one in CHROMIUM, else Google Chrome or Chromium on PATH (not a
# snap), else, on Debian only, Debian's chromium package. On Ubuntu the
# chromium package installs a snap, so there it asks for Chrome instead.
#
# --dry-run (or PORT25_SETUP_DRY_RUN=1) prints the distribution, every package
# group with its names, the browser and the other steps, and changes nothing.
# PORT25_OS_RELEASE=FILE reads another os-release (the static checks use it).
#
# It downloads only from the package registries (Debian or Ubuntu, crates.io,
# npm). A second run takes seconds.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PORT25_ROOT"

dry_run="${PORT25_SETUP_DRY_RUN:-0}"
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=1 ;;
    *) die "unknown argument '$arg' (usage: scripts/setup.sh [--dry-run])" ;;
  esac
done
distro="$(port25_distro)"

started=$SECONDS

# missing_packages NAME...: prints the names dpkg does not know as installed.
missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || echo "$pkg"
  done
}

# apt_install GROUP: installs GROUP's packages (scripts/packages.sh) with
# apt-get, as root or through sudo, unless they are installed.
apt_install() {
  local names=() missing=()
  mapfile -t names < <(port25_packages "$1")
  [ ${#names[@]} -gt 0 ] || return 0
  if command -v dpkg >/dev/null 2>&1; then
    mapfile -t missing < <(missing_packages "${names[@]}")
  else
    missing=("${names[@]}")
  fi
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 ||
    die "missing ${missing[*]}: install them with your system's package manager"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  log "apt-get install ${missing[*]}"
  # Others may be using apt on a shared machine: wait for the lock.
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
    install -y -qq --no-install-recommends "${missing[@]}"
}

# Builds the wasm32 standard library from rust-web-src into Debian's sysroot.
build_wasm_std() {
  local scratch
  scratch="$(mktemp -d)"
  log "building the wasm32 standard library into $WEB_SYSROOT_WASM (about 2 minutes)"
  mkdir -p "$scratch/src"
  cat >"$scratch/Cargo.toml" <<'TOML'
[package]
name = "port25-wasm-std-scratch"
version = "0.0.0"
edition = "2021"

[lib]
path = "src/lib.rs"

[profile.release]
lto = true
opt-level = 3
TOML
  echo '#![no_std]' >"$scratch/src/lib.rs"
  # RUSTC matters: without it Debian's cargo would call rustup's rustc.
  (cd "$scratch" && RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc CARGO_TARGET_DIR="$scratch/target" \
    /usr/bin/cargo build --quiet --release --target wasm32-unknown-unknown \
    -Zbuild-std=std,panic_abort,panic_unwind,proc_macro)
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" mkdir -p "$WEB_SYSROOT_WASM"
  find "$scratch/target/wasm32-unknown-unknown/release/deps" -name 'lib*.rlib' \
    ! -name 'libport25_wasm_std_scratch-*' -exec "${sudo[@]}" cp {} "$WEB_SYSROOT_WASM/" \;
  rm -rf "$scratch"
}

setup_rust() {
  command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust with rustup (https://rustup.rs)"
  if [ "${PORT25_TOOLCHAIN:-}" != web ]; then
    if is_rustup_wasm_ready || is_web_toolchain_ready; then
      return 0
    fi
  elif is_web_toolchain_ready; then
    export RUSTUP_TOOLCHAIN=web
    return 0
  fi
  if [ "${PORT25_TOOLCHAIN:-}" != web ] && command -v rustup >/dev/null 2>&1; then
    log "rustup target add wasm32-unknown-unknown"
    if timeout 120 rustup target add wasm32-unknown-unknown; then
      return 0
    fi
    [ "$distro" = debian ] ||
      die "rustup could not download the wasm32 target (the rustc-web fallback exists only on Debian)"
    log "rustup could not download the wasm32 target: using Debian's rustc-web instead"
  fi
  [ "$distro" = debian ] ||
    die "Debian's rustc-web toolchain exists only on Debian: install Rust with rustup (https://rustup.rs)"
  apt_install rust-web
  compgen -G "$WEB_SYSROOT_WASM/libstd-*.rlib" >/dev/null || build_wasm_std
  rustup toolchain list | grep -q '^web' || rustup toolchain link web /usr
  export RUSTUP_TOOLCHAIN=web
}

# Installs a cargo binary unless `$bin --version` already prints `$want`.
cargo_tool() {
  local bin=$1 want=$2
  shift 2
  if [ "$("$bin" --version 2>/dev/null || true)" = "$want" ]; then
    return 0
  fi
  log "cargo install $* (several minutes, once)"
  # The installed tools are native programs: build them in their own target dir
  # so they never invalidate the project's builds.
  CARGO_TARGET_DIR="$HOME/.cache/port25/tools-target" cargo install --quiet "$@"
}

setup_tools() {
  cargo_tool trunk "trunk $TRUNK_VERSION" --locked trunk --version "$TRUNK_VERSION"
  # With --locked one dependency pinned in wasm-bindgen-cli's lockfile is gone
  # from crates.io, so it falls back to a fresh resolution.
  if ! cargo_tool wasm-bindgen "wasm-bindgen $WASM_BINDGEN_VERSION" \
    --locked wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"; then
    cargo_tool wasm-bindgen "wasm-bindgen $WASM_BINDGEN_VERSION" \
      wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
  fi
}

setup_node() {
  command -v npm >/dev/null 2>&1 || apt_install node
  # npm ci only when package-lock.json changed since the last install.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

setup_browser() {
  local browser
  if [ -n "${CHROMIUM:-}" ] && [ ! -x "$CHROMIUM" ]; then
    die "CHROMIUM=$CHROMIUM is not an executable file"
  fi
  if browser="$(find_browser)"; then
    log "browser: $browser"
    return 0
  fi
  case "$distro" in
    debian) apt_install browser ;;
    *) die "no Chrome or Chromium found: install Google Chrome, or set CHROMIUM to a Chrome or Chromium binary (a snap Chromium does not run reliably headless)" ;;
  esac
}

# Prints what a real run would do on this distribution; changes nothing.
dry_run_report() {
  local group names when browser
  echo "distribution: $distro $(port25_distro_version) (${PORT25_OS_RELEASE:-/etc/os-release})"
  case "$distro" in
    debian) echo "rust: rustup target add wasm32-unknown-unknown; where that cannot download, Debian's rustc-web (group rust-web) as the web toolchain" ;;
    *) echo "rust: rustup target add wasm32-unknown-unknown" ;;
  esac
  for group in "${PORT25_PACKAGE_GROUPS[@]}"; do
    case "$group" in
      rust-web) when="only when rustup cannot add the wasm32 target" ;;
      node) when="only when npm is missing" ;;
      browser) when="only when no browser is found" ;;
      checks | dns) when="always" ;;
      mta | mta-unpacked | mta-libs) when="later, by scripts/validate-relay-configs.sh" ;;
      relay-e2e) when="later, by scripts/e2e-relay.sh" ;;
      spreadsheet) when="later, by scripts/test-csv-spreadsheet.sh" ;;
      egress-mail) when="later, by scripts/test-egress-mail.sh" ;;
      *) when="see scripts/packages.sh" ;;
    esac
    names="$(port25_packages "$group" | tr '\n' ' ')"
    names="${names% }"
    echo "packages $group ($when):${names:+ $names}"
  done
  if [ -n "${CHROMIUM:-}" ] && [ ! -x "$CHROMIUM" ]; then
    echo "browser: none (CHROMIUM=$CHROMIUM is not executable: set-up would stop)"
  elif browser="$(find_browser)"; then
    echo "browser: $browser"
  elif [ "$distro" = debian ]; then
    echo "browser: none found: would install group browser"
  else
    echo "browser: none found: set-up would stop (install Google Chrome or set CHROMIUM)"
  fi
  echo "cargo install: trunk $TRUNK_VERSION, wasm-bindgen-cli $WASM_BINDGEN_VERSION (each unless that version is installed)"
  echo "npm ci: when package-lock.json is newer than node_modules"
  # On the machine itself (not a fake os-release): what apt-get would install
  # now, rust-web aside (that depends on whether rustup can download).
  if [ -z "${PORT25_OS_RELEASE:-}" ] && command -v dpkg >/dev/null 2>&1; then
    local wanted=(checks dns) all=() group_names=() missing
    command -v npm >/dev/null 2>&1 || wanted+=(node)
    [ "$distro" != debian ] || find_browser >/dev/null || wanted+=(browser)
    for group in "${wanted[@]}"; do
      mapfile -t group_names < <(port25_packages "$group")
      all+=("${group_names[@]}")
    done
    missing="$(missing_packages "${all[@]}" | tr '\n' ' ')"
    missing="${missing% }"
    echo "apt-get install here now: ${missing:-nothing}"
  fi
}

if [ "$dry_run" = 1 ]; then
  dry_run_report
  exit 0
fi

setup_rust
setup_tools
setup_node
setup_browser
apt_install checks
apt_install dns # the DNS fixture of the probe's tests (scripts/dns-fixture.sh)
log "set-up complete in $((SECONDS - started)) s (toolchain: ${RUSTUP_TOOLCHAIN:-rustup default})"
