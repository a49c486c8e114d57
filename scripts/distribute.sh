#!/usr/bin/env bash
# Copy a newly trained version into every project it serves (CopyProjectVersion), check each
# copy as the rotation does, and write the passing ones into cdk.json:
#   ./scripts/distribute.sh <source-version-arn> [<group-or-store-id> ...] [--dry-run]
# See docs/operator.md, "Distributing a new version to every account".
set -euo pipefail
"$(dirname "$0")/setup.sh"
source "$(dirname "$0")/env.sh"
exec python -m distribute "$@"
