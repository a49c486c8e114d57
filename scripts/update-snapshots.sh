#!/usr/bin/env bash
# The one way to change the committed template snapshots: rewrite them, then show the diff.
# Read it before committing, and say in the commit message what changed and why.
set -euo pipefail
"$(dirname "$0")/setup.sh"
source "$(dirname "$0")/env.sh"
pytest tests/stacks/test_snapshots.py --snapshot-update -n 0 -q "$@"
git --no-pager diff --stat -- tests/stacks/__snapshots__
