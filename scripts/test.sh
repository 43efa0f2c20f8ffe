#!/usr/bin/env bash
# Runs every test: set-up if needed, formatting, lints, native tests, the
# release wasm build (with prerender and size budgets), then end-to-end tests
# in headless Chromium against dist/ served from a sub-path. Runs every step
# it can, prints a summary, and exits non-zero if any step failed.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PORT25_ROOT" || exit 1

# The e2e suite serves the site under this prefix, as GitHub Pages does for a
# project site, so sub-path bugs cannot hide.
E2E_BASE="/port25/"

names=()
results=()
times=()
failed=0

# step NAME COMMAND...: runs one step, recording its outcome and duration.
step() {
  local name=$1
  shift
  log "$name"
  local start=$SECONDS
  if "$@"; then
    results+=("ok")
  else
    results+=("FAILED")
    failed=$((failed + 1))
  fi
  names+=("$name")
  times+=($((SECONDS - start)))
}

# skip NAME WHY: records a step that could not run.
skip() {
  names+=("$1")
  results+=("skipped: $2")
  times+=(0)
}

started=$SECONDS
step "set-up" bash scripts/setup.sh
if [ "${results[0]}" != ok ]; then
  echo "set-up failed: nothing else can run" >&2
  exit 1
fi
source scripts/lib.sh # the set-up may have created the web toolchain

step "static checks (workflows, shellcheck, set-up per distribution)" bash scripts/static-checks.sh

step "cargo fmt --check" cargo fmt --all --check
step "cargo clippy" cargo clippy --workspace --all-targets --quiet -- -D warnings
step "cargo clippy (wasm32 bundles)" bash scripts/clippy-wasm.sh
step "cargo test" cargo test --workspace
step "relay configs checked by Postfix, Exim, OpenSMTPD, msmtp" bash scripts/validate-relay-configs.sh
step "probe vs real Postfix (STARTTLS, test CA)" bash scripts/test-probe-postfix.sh
step "relay e2e (Postfix via 587 and 465 relays)" bash scripts/e2e-relay.sh
step "egress (one-liners, two instances + Redis, netns)" bash scripts/test-egress.sh
step "egress mail path (Postfix + OpenDKIM, DNS fixture)" bash scripts/test-egress-mail.sh
step "release build (trunk, prerender, budgets, links)" bash scripts/build.sh "$E2E_BASE"
if [ "${results[-1]}" = ok ]; then
  # The tester's suite runs the probe `cargo test` built against a real
  # Postfix (installed by the relay-config step; started as root or via sudo).
  # The suites save their screenshots in target/e2e-screenshots: this run's
  # only.
  rm -rf target/e2e-screenshots
  step "e2e (Chromium)" env PORT25_E2E_BASE="$E2E_BASE" \
    PORT25_PROBE_BIN="$CARGO_TARGET_DIR/debug/port25-probe" \
    node --test --test-concurrency=1 e2e/
  step "Lighthouse (mobile, gzip-served)" node scripts/lighthouse.mjs dist "$E2E_BASE"
  step "CSV downloads read back by LibreOffice Calc" bash scripts/test-csv-spreadsheet.sh dist
else
  skip "e2e (Chromium)" "the build failed"
  skip "Lighthouse (mobile, gzip-served)" "the build failed"
  skip "CSV downloads read back by LibreOffice Calc" "the build failed"
fi

echo
echo "Summary ($((SECONDS - started)) s):"
passed=0
for i in "${!names[@]}"; do
  printf '  %-44s %-28s %4s s\n' "${names[$i]}" "${results[$i]}" "${times[$i]}"
  [ "${results[$i]}" = ok ] && passed=$((passed + 1))
done
echo "steps: $passed passed, $failed failed"
if [ -d target/e2e-screenshots ]; then
  # Every route at 1366 and 390 px, light and dark (e2e/site.test.mjs): to
  # be looked at, not compared.
  echo "screenshots: $(find target/e2e-screenshots -name '*.png' | wc -l) in $PORT25_ROOT/target/e2e-screenshots/"
fi
[ "$failed" -eq 0 ]
