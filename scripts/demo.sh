#!/usr/bin/env bash
# Runs the whole job on the bundled examples: templates, import, read, check,
# indicator library, distribution (dry run) and consolidation. Outputs go to demo-output/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/perfxl demo -o "${1:-demo-output}"
