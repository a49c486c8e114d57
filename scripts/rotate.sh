#!/usr/bin/env bash
# Rotation pre-flight: check a new model version for a store (with your AWS credentials,
# read-only), then change that store's modelVersionArn in cdk.json and show the template diff.
#   ./scripts/rotate.sh <store-id> <new-model-version-arn> [--offline] [--accept-lower-f1]
# See docs/operator.md, "Rotating a store to a newly trained model".
set -euo pipefail
"$(dirname "$0")/setup.sh"
source "$(dirname "$0")/env.sh"
exec python -m rotate "$@"
