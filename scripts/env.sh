# Sourced by the other scripts: the project's tools first on PATH (Node.js, npm and the CDK CLI
# included: scripts/setup.sh installs them pinned into .venv and node_modules).
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/.venv/bin:$PWD/node_modules/.bin:$PATH"
# Nothing here talks to AWS; keep the CLI from trying to report telemetry or fetch notices.
export CDK_DISABLE_CLI_TELEMETRY=true
