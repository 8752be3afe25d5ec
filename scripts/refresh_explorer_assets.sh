#!/usr/bin/env bash
# Re-fetch the explorer's vendored JavaScript from the npm registry and copy the built files into
# autograd_lite/viz/explorer/static/vendor/. Usage: scripts/refresh_explorer_assets.sh [VIZ_VERSION] [KATEX_VERSION]
set -euo pipefail
VIZ_VERSION="${1:-3.31.0}"
KATEX_VERSION="${2:-0.19.1}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENDOR="$ROOT/autograd_lite/viz/explorer/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm pack --silent "@viz-js/viz@$VIZ_VERSION" "katex@$KATEX_VERSION" >/dev/null
mkdir viz katex
tar xzf "viz-js-viz-$VIZ_VERSION.tgz" -C viz
tar xzf "katex-$KATEX_VERSION.tgz" -C katex

# Graphviz compiled to WebAssembly, inlined in one UMD script (no separate .wasm file to fetch)
cp viz/package/dist/viz-global.js "$VENDOR/viz-global.js"
# KaTeX's UMD build; the explorer asks it for MathML, which needs neither its CSS nor its fonts
cp katex/package/dist/katex.min.js "$VENDOR/katex.min.js"
cp katex/package/LICENSE "$VENDOR/katex.LICENSE"
# @viz-js/viz's npm package carries no LICENSE file: keep the one in the folder (MIT, Michael Daines)
# and check that the package still says MIT.
grep -q '"license": "MIT"' viz/package/package.json || { echo "@viz-js/viz is no longer MIT: check its licence" >&2; exit 1; }
test -s "$VENDOR/viz-js.LICENSE" || { echo "viz-js.LICENSE is missing from $VENDOR" >&2; exit 1; }

sed -i -E "s/^- @viz-js\/viz .*/- @viz-js\/viz $VIZ_VERSION (dist\/viz-global.js; Graphviz $(grep -o 'graphvizVersion="[0-9.]*"' viz/package/dist/viz-global.js | head -1 | cut -d'"' -f2))/; s/^- katex .*/- katex $KATEX_VERSION (dist\/katex.min.js)/" "$VENDOR/VERSIONS.md"
echo "refreshed: @viz-js/viz $VIZ_VERSION, katex $KATEX_VERSION in $VENDOR"
