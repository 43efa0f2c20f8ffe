# shellcheck shell=bash
# Shared environment for Port25's scripts: sourced, never run.
#
# It puts the tools that scripts/setup.sh installs on PATH, picks the Rust
# toolchain that can build for wasm32 (rustup's own when it has the target,
# otherwise the "web" toolchain that setup.sh links to Debian's rustc-web) and
# the browser the end-to-end tests drive (CHROMIUM). The system package names
# are in scripts/packages.sh.

PORT25_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PORT25_ROOT
export PATH="$HOME/.cargo/bin:$PORT25_ROOT/node_modules/.bin:$PATH"

source "$PORT25_ROOT/scripts/packages.sh"

# Versions the set-up installs. wasm-bindgen-cli must equal the wasm-bindgen
# crate in Cargo.lock, so it is read from there, not written twice.
# shellcheck disable=SC2034 # read by setup.sh, which sources this file
TRUNK_VERSION="0.21.14"
# shellcheck disable=SC2034 # read by setup.sh, which sources this file
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$PORT25_ROOT/Cargo.lock")"
# The sysroot Debian's rustc-web looks in for the wasm32 standard library.
WEB_SYSROOT_WASM="/usr/lib/rustlib/wasm32-unknown-unknown/lib"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# install_group GROUP: apt-installs the packages of GROUP (scripts/packages.sh)
# that are missing, with sudo when not root.
install_group() {
  local pkg
  local -a missing=() names=() sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  mapfile -t names < <(port25_packages "$1")
  for pkg in "${names[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  log "apt-get install ${missing[*]}"
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
    install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Is the Debian rustc-web toolchain complete (linked into rustup, wasm32 std built)?
is_web_toolchain_ready() {
  command -v rustup >/dev/null 2>&1 &&
    rustup toolchain list 2>/dev/null | grep -q '^web' &&
    compgen -G "$WEB_SYSROOT_WASM/libstd-*.rlib" >/dev/null
}

# Does rustup's active toolchain already have the wasm32 target?
is_rustup_wasm_ready() {
  command -v rustup >/dev/null 2>&1 &&
    rustup target list --installed 2>/dev/null | grep -qx 'wasm32-unknown-unknown'
}

# Export RUSTUP_TOOLCHAIN when the web toolchain is the one to use. Every cargo
# call (native tests included) then uses one compiler, so nothing builds twice.
# PORT25_TOOLCHAIN=web forces the Debian path even where rustup works.
select_toolchain() {
  if [ -n "${RUSTUP_TOOLCHAIN:-}" ]; then
    return 0
  elif [ "${PORT25_TOOLCHAIN:-}" = web ]; then
    if is_web_toolchain_ready; then export RUSTUP_TOOLCHAIN=web; fi
  elif is_rustup_wasm_ready; then
    return 0
  elif is_web_toolchain_ready; then
    export RUSTUP_TOOLCHAIN=web
  fi
}

# Prints the browser the end-to-end tests drive: CHROMIUM when it is set
# (and executable), else the first Google Chrome or Chromium on PATH that is
# not a snap (a snap browser does not run reliably headless from a temporary
# profile). Fails when there is none.
find_browser() {
  if [ -n "${CHROMIUM:-}" ]; then
    [ -x "$CHROMIUM" ] || return 1
    printf '%s\n' "$CHROMIUM"
    return 0
  fi
  local name path
  for name in google-chrome google-chrome-stable chromium; do
    path="$(command -v "$name" 2>/dev/null)" || continue
    case "$(readlink -f "$path")" in
      /snap/* | */snap) continue ;;
    esac
    printf '%s\n' "$path"
    return 0
  done
  return 1
}

# e2e/harness.mjs reads CHROMIUM; set it to what find_browser chose.
if [ -z "${CHROMIUM:-}" ] && port25_browser="$(find_browser)"; then
  export CHROMIUM="$port25_browser"
fi
unset port25_browser

# Cargo's build directory: outside the checkout unless the caller chose one, so
# that a fresh clone on the same machine reuses earlier builds.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/port25/target}"

# Cargo names the workspace's own crates by their path inside the workspace,
# so two checkouts sharing this directory build to the same files, and an
# older checkout's sources look up to date against the other's artifacts:
# the build would silently use the other checkout's code. When the checkout
# using the directory changes, touch its tracked files so cargo rebuilds the
# workspace crates (dependencies stay shared). Two checkouts must still not
# build at the same time.
claim_target_dir() {
  local mark="$CARGO_TARGET_DIR/.port25-checkout"
  [ "$(cat "$mark" 2>/dev/null)" = "$PORT25_ROOT" ] && return 0
  mkdir -p "$CARGO_TARGET_DIR"
  if git -C "$PORT25_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$PORT25_ROOT" && git ls-files -z | xargs -0 touch -c)
  else
    find "$PORT25_ROOT" \( -name node_modules -o -name dist -o -name .git \) -prune -o -type f -exec touch -c {} +
  fi
  printf '%s\n' "$PORT25_ROOT" >"$mark"
}
claim_target_dir

select_toolchain
