#!/usr/bin/env bash
# Renders an exported brief in headless Chromium (Debian's `chromium` package) and
# writes a PNG to look at: the HTML must stand on its own, with no network.
#
#   bash scripts/render_brief.sh [BRIEF.html] [OUT.png]
# With no argument it writes the default brief of the bundled churn sample first.
set -euo pipefail
cd "$(dirname "$0")/.."
html=${1:-target/brief/churn-brief.html}
png=${2:-${html%.html}.png}
if [ $# -eq 0 ]; then
  mkdir -p target/brief
  cargo run --quiet --bin faultline -- brief sample_data/churn.parquet \
    --baseline baseline --candidate candidate --out "$html"
fi
command -v chromium >/dev/null || { echo "install Debian's chromium package first" >&2; exit 2; }
profile=$(mktemp -d)
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --window-size=1100,2400 --hide-scrollbars \
  --screenshot="$(realpath -m "$png")" "file://$(realpath "$html")" 2>/dev/null
rm -rf "$profile"
echo "wrote $png"
