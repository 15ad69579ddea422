#!/usr/bin/env bash
# Builds the vendor scripts committed under qunfang/*/static/vendor/ from their npm packages, at the exact
# versions of scripts/vendor_js/package-lock.json (with their integrity hashes):
#   - ECharts cut down to what Qunfang draws (scripts/vendor_js/echarts-entry.js lists it), as one
#     minified file that defines `window.echarts` (mobilization/static/vendor/echarts/echarts.min.js);
#   - jsQR and noble-ed25519, minified, for the guard's page (community/static/vendor/).
# Their licences go beside them. Only this script needs Node.js and npm: the tests and the server use the
# committed files. After changing a version (package.json, then `npm install` in a copy to rewrite the
# lock) or the entry file, run it again and commit what it wrote.
#
#   ./scripts/build_vendor_js.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SOURCE="$ROOT/scripts/vendor_js"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp "$SOURCE/package.json" "$SOURCE/package-lock.json" "$SOURCE/echarts-entry.js" "$WORK/"
cd "$WORK"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
MODULES="$WORK/node_modules"
ESBUILD=("$MODULES/.bin/esbuild" --minify --log-level=warning)
version() { node -p "require('$MODULES/$1/package.json').version"; }

CHARTS="$ROOT/qunfang/mobilization/static/vendor/echarts"
mkdir -p "$CHARTS"
"${ESBUILD[@]}" echarts-entry.js --bundle --format=iife --global-name=echarts --target=es2017 \
  --legal-comments=none --outfile="$CHARTS/echarts.min.js" \
  --banner:js="/*! Apache ECharts $(version echarts) with ZRender $(version zrender), cut down by scripts/build_vendor_js.sh: line, map and scatter charts, geo, grid, legend, tooltip, visual map, canvas. Apache-2.0: see LICENSE and NOTICE beside this file. */"
cp "$MODULES/echarts/LICENSE" "$MODULES/echarts/NOTICE" "$CHARTS/"
cp "$MODULES/echarts/licenses/LICENSE-d3" "$CHARTS/LICENSE-d3"
cp "$MODULES/zrender/LICENSE" "$CHARTS/LICENSE-zrender"

JSQR="$ROOT/qunfang/community/static/vendor/jsqr-$(version jsqr)"
mkdir -p "$JSQR"
"${ESBUILD[@]}" "$MODULES/jsqr/dist/jsQR.js" --target=es2017 --legal-comments=inline --outfile="$JSQR/jsQR.min.js" \
  --banner:js="/*! jsQR $(version jsqr), minified by scripts/build_vendor_js.sh. Apache-2.0: see LICENSE beside this file. */"
cp "$MODULES/jsqr/LICENSE" "$JSQR/"

NOBLE="$ROOT/qunfang/community/static/vendor/noble-ed25519-$(version @noble/ed25519)"
mkdir -p "$NOBLE"
# An ES module still (pass-check.js imports it); BigInt literals need ES2020.
"${ESBUILD[@]}" "$MODULES/@noble/ed25519/index.js" --format=esm --target=es2020 --legal-comments=inline \
  --outfile="$NOBLE/index.min.js"
cp "$MODULES/@noble/ed25519/LICENSE" "$NOBLE/"
echo "Built: $(cd "$ROOT" && ls -s --block-size=K "${CHARTS#"$ROOT/"}/echarts.min.js" "${JSQR#"$ROOT/"}/jsQR.min.js" "${NOBLE#"$ROOT/"}/index.min.js" | tr '\n' ' ')"
