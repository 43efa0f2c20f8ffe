#!/usr/bin/env bash
# Reads every CSV download in a built site with a real spreadsheet parser,
# LibreOffice Calc (headless, no GUI packages), and checks that it reads back
# exactly what Python's RFC 4180 reader reads: the same rows and cells,
# accented names intact (`Gerência`), no byte order mark left in the first
# column's name, quoted line breaks kept inside their cell (booleans aside:
# Calc turns `true` into TRUE, as Excel does).
#
# Usage: scripts/test-csv-spreadsheet.sh [DIST]     (default dist/)
#
# LibreOffice's command-line import does not pick the character set from the
# byte order mark, so the import is told UTF-8 (as a person picks "Unicode
# (UTF-8)" in Calc's Text Import dialog); Excel is the program that needs the
# mark, which the e2e and unit tests check byte for byte. Each conversion is
# bounded (120 s) and uses a throwaway profile; nothing is left running.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$PORT25_ROOT"
dist="${1:-dist}"
[ -d "$dist/data" ] || die "$dist/data not found: run scripts/build.sh first"

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
if ! command -v soffice >/dev/null 2>&1; then
  mapfile -t SPREADSHEET_PACKAGES < <(port25_packages spreadsheet) # scripts/packages.sh
  [ ${#SPREADSHEET_PACKAGES[@]} -gt 0 ] || die "no LibreOffice package known for this distribution"
  log "apt-get install ${SPREADSHEET_PACKAGES[*]}"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends "${SPREADSHEET_PACKAGES[@]}" >/dev/null
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/in" "$tmp/out" "$tmp/profile"
cp "$dist"/data/*.csv "$tmp/in/"
# Import: comma, double quote, UTF-8 (76), from line 1. Export: the same,
# every text cell quoted as needed, one file per sheet.
for file in "$tmp"/in/*.csv; do
  timeout 120 soffice --headless --norestore --nologo \
    "-env:UserInstallation=file://$tmp/profile" \
    --infilter='CSV:44,34,76,1' \
    --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1' \
    --outdir "$tmp/out" "$file" >/dev/null 2>&1 ||
    die "LibreOffice could not convert $(basename "$file")"
done

python3 - "$tmp" <<'PY'
import csv, pathlib, sys
tmp = pathlib.Path(sys.argv[1])
failures = 0
for original in sorted((tmp / "in").glob("*.csv")):
    raw = original.read_bytes()
    if not raw.startswith(b"\xef\xbb\xbf"):
        print(f"FAIL {original.name}: no UTF-8 byte order mark"); failures += 1
    ours = list(csv.reader(open(original, encoding="utf-8-sig", newline="")))
    sheet = list((tmp / "out").glob(original.stem + "*.csv"))
    if len(sheet) != 1:
        print(f"FAIL {original.name}: LibreOffice wrote {len(sheet)} files"); failures += 1; continue
    theirs = list(csv.reader(open(sheet[0], encoding="utf-8", newline="")))
    # A spreadsheet reads `true` and `false` as booleans and writes them back
    # as TRUE and FALSE: a value, not an encoding or a parsing change.
    theirs = [[c.lower() if c in ("TRUE", "FALSE") else c for c in row] for row in theirs]
    if theirs[0][0] != ours[0][0]:
        print(f"FAIL {original.name}: first column read as {theirs[0][0]!r}"); failures += 1
    if theirs != ours:
        bad = next(i for i, (a, b) in enumerate(zip(ours + [None], theirs + [None])) if a != b)
        print(f"FAIL {original.name}: row {bad} differs"); failures += 1
    else:
        print(f"ok {original.name}: {len(ours)} rows, {len(ours[0])} columns read back by LibreOffice")
providers = (tmp / "in" / "providers.csv").read_text(encoding="utf-8-sig")
if "Gerência da Porta 25" not in providers:
    print("FAIL providers.csv: the accented name is missing"); failures += 1
sys.exit(1 if failures else 0)
PY
