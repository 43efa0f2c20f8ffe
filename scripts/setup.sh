#!/usr/bin/env bash
# Installs everything Port25 needs to build and test, and nothing twice.
#
# On a laptop with rustup it takes the normal path: `rustup target add
# wasm32-unknown-unknown`. Where rustup cannot download the target (Debian 12
# machines that reach only the package registries) it installs Debian's
# rustc-web, builds the wasm32 standard library into that sysroot once and
# links it into rustup as the "web" toolchain. Then: trunk, wasm-bindgen-cli at
# the version in Cargo.lock, the npm packages (wasm-opt from binaryen,
# playwright-core) and Debian's Chromium. It downloads only from the package
# registries (Debian, crates.io, npm). A second run takes seconds.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PORT25_ROOT"

started=$SECONDS

# Runs apt-get as root, through sudo when needed.
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 ||
    die "missing ${missing[*]}: install them with your system's package manager"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  log "apt-get install ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
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
    log "rustup could not download the wasm32 target: using Debian's rustc-web instead"
  fi
  apt_install rustc-web cargo-web rust-web-src rust-web-llvm rust-web-clippy rustfmt-web lld-22
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
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  # npm ci only when package-lock.json changed since the last install.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

setup_browser() {
  if [ -n "${CHROMIUM:-}" ] && [ -x "$CHROMIUM" ]; then
    return 0
  fi
  if command -v apt-get >/dev/null 2>&1; then
    apt_install chromium
  elif ! command -v chromium >/dev/null 2>&1; then
    die "no Chromium found: install it, or set CHROMIUM to its path"
  fi
}

setup_rust
setup_tools
setup_node
setup_browser
log "set-up complete in $((SECONDS - started)) s (toolchain: ${RUSTUP_TOOLCHAIN:-rustup default})"
