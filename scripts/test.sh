#!/usr/bin/env bash
# Runs the whole test suite (installs what it needs first). Fails when any test fails
# and when no test ran at all.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then
    echo "no tests ran" >&2
    exit 1
fi
exit "$rc"
