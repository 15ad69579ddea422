#!/usr/bin/env bash
# Set up this machine (virtual environment, Python packages) and run the demo at http://127.0.0.1:8000
# on the embedded SQLite database under var/.
source "$(dirname "$0")/setup.sh"
ensure_venv ""
exec "$VENV/bin/qunfang" demo "$@"
