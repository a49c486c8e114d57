"""The CDK constructs of rekognition-model-scheduler: one logical unit each (the schedule pair
with its role and policy, the verifier, the alarms, ...), composed by stacks/.

The layout keeps them under `constructs/`, a name the `constructs` library also has; so
`constructs/` is not a package itself (the library keeps its name) and this uniquely named
package inside it is put on the import path by scripts/setup.sh (a .pth file in .venv).
"""
