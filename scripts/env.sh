# Sourced by the other scripts: the project's tools first on PATH, and a quiet jsii.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/.venv/bin:$PWD/node_modules/.bin:$PATH"
# jsii prints a multi-line end-of-life banner on Node 20 unless told the exact major version.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"
# Nothing here talks to AWS; keep the CLI from trying to report telemetry or fetch notices.
export CDK_DISABLE_CLI_TELEMETRY=true
