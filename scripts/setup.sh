# Shared set-up for scripts/demo.sh and scripts/test.sh: sourced, not run.
# Creates .venv and installs the project into it; installs Debian packages when asked and run as root.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv"

ensure_venv() {  # ensure_venv EXTRAS  (e.g. "" or "[test]")
  # The exact packages, with their hashes, come from the lock files in requirements/ (scripts/lock.sh
  # writes them): a machine set up today runs the same code as the one set up last month.
  local extras=${1:-}
  local lock="$ROOT/requirements/base.txt"
  [ "$extras" = "[test]" ] && lock="$ROOT/requirements/test.txt"
  local stamp="$VENV/.installed$extras"
  local want
  want=$(cat "$lock" "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "Installing Python packages into $VENV from ${lock#"$ROOT/"} (the log is in $VENV/install.log)"
    if ! { "$VENV/bin/python" -m pip install --disable-pip-version-check --require-hashes --no-deps -r "$lock" &&
           "$VENV/bin/python" -m pip install --disable-pip-version-check --no-deps --no-build-isolation \
             -e "$ROOT"; } > "$VENV/install.log" 2>&1; then
      tail -30 "$VENV/install.log" >&2
      return 1
    fi
    echo "$want" > "$stamp"
  fi
}

ensure_debian_packages() {  # ensure_debian_packages PACKAGE...
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "Missing Debian packages: ${missing[*]} (run as root, or install them)" >&2
    return 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
