#!/usr/bin/env bash
# Re-fetch the course site's MathJax from the npm registry into docs/_static/mathjax/ (the site builds and reads
# offline: no CDN). Usage: scripts/refresh_docs_mathjax.sh [MATHJAX_VERSION]
set -euo pipefail
VERSION="${1:-3.2.2}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENDOR="$ROOT/docs/_static/mathjax"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm pack --silent "mathjax@$VERSION" >/dev/null
tar xzf "mathjax-$VERSION.tgz"
grep -q '"license": "Apache-2.0"' package/package.json || { echo "mathjax is no longer Apache-2.0: check its licence" >&2; exit 1; }
mkdir -p "$VENDOR"
# TeX in, SVG out, every TeX extension in one file: SVG output needs no web fonts, so nothing else is fetched
cp package/es5/tex-svg-full.js "$VENDOR/tex-svg-full.js"
cp package/LICENSE "$VENDOR/LICENSE"
cat > "$VENDOR/VERSIONS.md" <<NOTE
# Vendored for the course site (docs/conf.py's mathjax_path)

- mathjax $VERSION (es5/tex-svg-full.js), Apache-2.0 (LICENSE beside this file), from the npm registry
  by scripts/refresh_docs_mathjax.sh
NOTE
echo "refreshed: mathjax $VERSION in $VENDOR"
