#!/usr/bin/env bash
# The main job: set up, then synthesize the default fleet from cdk.json into cdk.out/.
#   ./scripts/synth.sh              the stores' and dashboards' stacks, one line per stack
#   ./scripts/synth.sh --pipeline   the fleet's pipeline stack(s), one line per pipeline
# Extra arguments go to `cdk synth`, e.g. -c store=tokyo-ginza.
set -euo pipefail
"$(dirname "$0")/setup.sh"
source "$(dirname "$0")/env.sh"
# --pipeline wherever it is given (before or after the -c options): the rest goes to cdk synth.
pipeline=false
arguments=()
for argument in "$@"; do
  if [ "$argument" = "--pipeline" ]; then pipeline=true; else arguments+=("$argument"); fi
done
set -- ${arguments[@]+"${arguments[@]}"}
if [ "$pipeline" = true ]; then
  cdk synth --quiet -c pipeline=true "$@"
  python3 -m report.pipelines cdk.out
  exit 0
fi
cdk synth --quiet "$@"
# One line per stack the assembly holds (its manifest), not per template left from earlier synths.
python3 - <<'PY'
import json
from pathlib import Path

from report.templates import assembly_templates

for path in assembly_templates(Path("cdk.out")):
    outputs = {k: v["Value"] for k, v in json.loads(path.read_text()).get("Outputs", {}).items()}
    stack = path.name.removesuffix(".template.json") + ":"
    if "DashboardName" in outputs:
        print(stack, "dashboard", outputs["DashboardName"], "of", outputs["Stores"])
    elif "Members" in outputs:
        print(stack, outputs["StartSchedule"] + ";", outputs["StopSchedule"] + "; members", outputs["Members"])
    elif "ServingGroup" in outputs:
        print(stack, "member of serving group", outputs["ServingGroup"])
    elif "CopiesBucketName" in outputs:
        role = " and the account's copier role" if "CopierRoleArn" in outputs else ""
        print(stack, "receives copies: bucket", outputs["CopiesBucketName"] + role)
    else:
        print(stack, outputs.get("StartSchedule", "?") + ";", outputs.get("StopSchedule", "?"))
PY
