#!/usr/bin/env bash
# Set everything up, pinned, from nothing but python3, node and npm: a .venv with
# requirements-dev.txt under constraints.txt, and the CDK CLI from package-lock.json.
# Cheap to run again: each half is skipped while its inputs are unchanged.
#   --relock  rebuild .venv from requirements*.txt alone and rewrite constraints.txt
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null || { echo "setup: $1 is required ($2)" >&2; exit 1; }; }
need python3 "Python 3.11 or newer"
need node "Node.js 20 or newer; the CDK CLI asks for 22+ from 2027"
need npm "it comes with Node.js"

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

py_stamp=$(stamp requirements.txt requirements-dev.txt constraints.txt)
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
  echo "$py_stamp" > .venv/.setup-stamp
fi

node_stamp=$(stamp package.json package-lock.json)
if [ ! -x node_modules/.bin/cdk ] || [ "$(cat node_modules/.setup-stamp 2>/dev/null)" != "$node_stamp" ]; then
  echo "setup: installing the pinned AWS CDK CLI into node_modules" >&2
  npm ci --no-audit --no-fund --silent
  echo "$node_stamp" > node_modules/.setup-stamp
fi
