"""The programs the fleet's pipeline runs inside CodeBuild, between its deployments: the
rotation check before each canary (rotations.py) and the alarm check after each wave
(alarms.py). They read AWS through the CDK bootstrap's lookup role, never deploy.

One way of being installed, written once (stacks/pipeline_steps.py): a fresh virtual
environment with pipeline_checks/requirements.txt under the project's constraints.txt, the
client package, and the project's folders on PYTHONPATH. Not ./scripts/setup.sh: the alarm
check runs after every wave, and the set-up (aws-cdk-lib, jsii, Node.js, the CDK CLI) would add
minutes of CodeBuild to each wave for a few read-only calls; these programs need only boto3 and
what reading cdk.json needs. A test holds requirements.txt to what they import.
"""
