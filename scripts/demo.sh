#!/usr/bin/env bash
# Set up this machine (virtual environment, Python packages) and run the demo at http://127.0.0.1:8000
# on the embedded SQLite database under var/.
source "$(dirname "$0")/setup.sh"
ensure_venv ""
# Chinese in the printable PDFs (passes, notice letters); the pages themselves use the browser's fonts.
ensure_debian_packages fonts-noto-cjk || echo "Without fonts-noto-cjk the PDFs print Chinese as boxes." >&2
exec "$VENV/bin/qunfang" demo "$@"
