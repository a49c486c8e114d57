#!/usr/bin/env bash
# Set up, then print the fleet benchmark's figures (see scripts/benchmark.py).
set -euo pipefail
"$(dirname "$0")/setup.sh"
source "$(dirname "$0")/env.sh"
python scripts/benchmark.py "$@"
