#!/usr/bin/env bash
# Audit the installed Python packages against known vulnerabilities (pip-audit, PyPI's advisory data).
# Fails when a vulnerable package is found. Where the package index serves no advisory data (a mirror),
# says so and passes: run it again where PyPI itself answers.
source "$(dirname "$0")/setup.sh"
ensure_venv "[test]"
"$VENV/bin/pip-audit" --progress-spinner off --skip-editable --format json --output "$VENV/audit.json" \
  >/dev/null 2>"$VENV/audit.log" || true
"$VENV/bin/python" - "$VENV/audit.json" <<'PY'
import json, sys
try:
    report = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    print("pip-audit could not run; see .venv/audit.log")
    sys.exit(0)
dependencies = report.get("dependencies", [])
audited = [d for d in dependencies if "skip_reason" not in d]
vulnerable = [d for d in audited if d.get("vulns")]
if not audited:
    print(f"Dependency audit: no advisory data reachable here ({len(dependencies)} packages skipped); "
          "run ./scripts/audit.sh where PyPI answers.")
    sys.exit(0)
for d in vulnerable:
    for v in d["vulns"]:
        print(f"{d['name']} {d['version']}: {v['id']} (fixed in {', '.join(v.get('fix_versions') or ['?'])})")
print(f"Dependency audit: {len(audited)} packages audited, {len(vulnerable)} vulnerable.")
sys.exit(1 if vulnerable else 0)
PY
