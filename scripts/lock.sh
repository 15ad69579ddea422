#!/usr/bin/env bash
# Writes the lock files the README's two commands install from: every package at one version, with the
# hashes of its files, resolved from the ranges in pyproject.toml.
#
#   ./scripts/lock.sh                       # after editing pyproject.toml: keep the other pins as they are
#   ./scripts/lock.sh --upgrade             # every package to the newest its range allows
#   ./scripts/lock.sh --upgrade-package X   # only X (and what it needs)
#
# Then run ./scripts/test.sh and commit requirements/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# uv resolves in a second where pip-tools takes minutes; it lives in a throwaway environment.
TOOLS=$(mktemp -d)
trap 'rm -rf "$TOOLS"' EXIT
python3 -m venv "$TOOLS"
"$TOOLS/bin/pip" install -q --disable-pip-version-check uv
COMPILE=("$TOOLS/bin/uv" pip compile --quiet --generate-hashes --universal --python-version 3.11)
# The test lock holds everything; the demo's lock is the same versions without the test packages.
"${COMPILE[@]}" pyproject.toml requirements/tools.in --extra test -o requirements/test.txt "$@"
"${COMPILE[@]}" pyproject.toml requirements/tools.in -c requirements/test.txt -o requirements/base.txt
echo "requirements/test.txt and requirements/base.txt written; run ./scripts/test.sh, then commit requirements/."
