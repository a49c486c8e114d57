#!/usr/bin/env bash
# The cost of a change (docs/reviewer.md, "Reviewing a change"):
#   ./scripts/cost-diff.sh [<git-ref>] [--month YYYY-MM | --from D --to D] [--price USD] [--out DIR]
# (options before or after the ref)
# Compares the fleet at <git-ref> (default HEAD: the uncommitted change) with the working tree.
set -euo pipefail
"$(dirname "$0")/setup.sh"
source "$(dirname "$0")/env.sh"
exec python scripts/cost_diff.py "$@"
