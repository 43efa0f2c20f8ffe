#!/usr/bin/env bash
# The static checks of the test command, none of which builds anything:
#   - every workflow in .github/workflows/ validated against GitHub's workflow
#     schema by action-validator (npm @action-validator/cli, in
#     package-lock.json);
#   - shellcheck (default severity, settings in .shellcheckrc) over
#     scripts/*.sh;
#   - scripts/test-setup.sh: setup.sh's dry run against fake os-release files
#     for Debian 12 and Ubuntu 24.04, and the package names for this machine's
#     distribution against its apt archive.
# Runs all three, then exits non-zero if any failed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PORT25_ROOT"

failed=0
# check NAME COMMAND...: runs one check and records a failure.
check() {
  local name=$1
  shift
  if "$@"; then
    echo "ok: $name"
  else
    echo "FAILED: $name" >&2
    failed=$((failed + 1))
  fi
}

command -v action-validator >/dev/null 2>&1 ||
  die "action-validator not found: run scripts/setup.sh (npm ci installs it)"
command -v shellcheck >/dev/null 2>&1 ||
  die "shellcheck not found: run scripts/setup.sh (it installs it)"

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
shopt -u nullglob
[ ${#workflows[@]} -gt 0 ] || die "no workflow files in .github/workflows/"
for workflow in "${workflows[@]}"; do
  check "action-validator $workflow" action-validator "$workflow"
done

check "shellcheck scripts/*.sh" shellcheck scripts/*.sh

check "set-up on Debian 12 and Ubuntu 24.04 (scripts/test-setup.sh)" bash scripts/test-setup.sh

[ "$failed" -eq 0 ]
