#!/usr/bin/env bash
# Set up, synthesize the fleet, then report each store's running hours and cost from the
# templates in cdk.out/. Arguments go to the report: --month YYYY-MM | --from D --to D,
# --price USD, --start-minutes N, --out DIR (default reports/). See docs/reviewer.md, "Cost report".
set -euo pipefail
"$(dirname "$0")/setup.sh"
source "$(dirname "$0")/env.sh"
cdk synth --quiet >/dev/null
python -m report "$@"
