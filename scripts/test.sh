#!/usr/bin/env bash
# Set up, then lint, format-check, type-check and run every test. .ci/run calls this.
# Extra arguments go to pytest, e.g. -k config.
set -euo pipefail
"$(dirname "$0")/setup.sh"
source "$(dirname "$0")/env.sh"
echo "== ruff check" && ruff check .
echo "== ruff format --check" && ruff format --check .
echo "== mypy" && mypy
echo "== pytest" && pytest "$@"
