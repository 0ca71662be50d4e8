#!/usr/bin/env bash
# The manual pages, rendered with scdoc from docs/*.scd: liveinit(8), and liveinit-cmdline(7) whose parameter
# sections come from the README's boot-parameter table (the one source of it, by packaging/readme-params.py).
#   packaging/man.sh OUTDIR        writes OUTDIR/liveinit.8 and OUTDIR/liveinit-cmdline.7
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:?usage: man.sh OUTDIR}; mkdir -p "$OUT"
command -v scdoc >/dev/null || { echo "man.sh: scdoc is missing (apt-get install scdoc)" >&2; exit 1; }
# one date for reproducible pages: the last commit's, else the source's
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || stat -c %Y "$ROOT/README.md")}
export SOURCE_DATE_EPOCH
scdoc <"$ROOT/docs/liveinit.8.scd" >"$OUT/liveinit.8"
params=$(python3 "$ROOT/packaging/readme-params.py" "$ROOT/README.md")
python3 - "$ROOT/docs/liveinit-cmdline.7.scd" "$params" <<'PY' | scdoc >"$OUT/liveinit-cmdline.7"
import sys
page, params = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2]
assert page.count("@PARAMETERS@") == 1, "docs/liveinit-cmdline.7.scd must hold @PARAMETERS@ once"
sys.stdout.write(page.replace("@PARAMETERS@", params.rstrip("\n")))
PY
