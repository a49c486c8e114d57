#!/usr/bin/env bash
# The main job: set up, then synthesize the default fleet from cdk.json into cdk.out/.
# Extra arguments go to `cdk synth`, e.g. -c store=tokyo-ginza.
set -euo pipefail
"$(dirname "$0")/setup.sh"
source "$(dirname "$0")/env.sh"
cdk synth --quiet "$@"
for template in cdk.out/*.template.json; do
  python3 -c '
import json, sys
path = sys.argv[1]
outputs = {k: v["Value"] for k, v in json.load(open(path)).get("Outputs", {}).items()}
stack = path.split("/")[-1].removesuffix(".template.json") + ":"
if "DashboardName" in outputs:
    print(stack, "dashboard", outputs["DashboardName"], "of", outputs["Stores"])
else:
    print(stack, outputs.get("StartSchedule", "?") + ";", outputs.get("StopSchedule", "?"))
' "$template"
done
