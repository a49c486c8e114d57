"""The checks' one way of being installed holds what they import: pipeline_checks/requirements.txt
(with what its packages require), the client, the project's folders and the standard library,
and every requirement is pinned by constraints.txt."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata

from tests.synth import ROOT

REQUIREMENTS = ROOT / "pipeline_checks" / "requirements.txt"
# The project's folders (on PYTHONPATH) and the client (installed from ./client, editable here).
PROJECT = {"fleet", "rotate", "pipeline_checks", "model_status", "verifier_contract"}
PROJECT |= {"rekognition_model_client"}


def _requirements() -> list[str]:
    lines = REQUIREMENTS.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _with_dependencies(names: list[str]) -> set[str]:
    """The distributions `names` install, transitively (as installed here, under the pins)."""
    found: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in found:
            continue
        found.add(key)
        for requirement in metadata.requires(name) or []:
            if "extra ==" in requirement:
                continue
            todo.append(re.split(r"[ ;<>=!~\[(]", requirement, maxsplit=1)[0])
    return found


def test_every_requirement_is_pinned_by_constraints() -> None:
    pins = (ROOT / "constraints.txt").read_text(encoding="utf-8").lower()
    for name in _requirements():
        assert re.search(rf"^{re.escape(name.lower())}==", pins, flags=re.MULTILINE), name


def test_what_the_checks_import_is_what_their_install_brings() -> None:
    # The rotation check reads the whole of cdk.json (holiday calendars included) before it
    # looks at any store: a store id that matches none reads it without calling AWS.
    code = (
        "import sys, pipeline_checks.alarms, pipeline_checks.rotations as r; "
        "r.main(['--stores', 'no-such-store']); "
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    imported = set(done.stdout.splitlines()[-1].split())
    distributions = _with_dependencies(_requirements())
    provided = {
        module
        for module, owners in metadata.packages_distributions().items()
        if any(re.sub(r"[-_.]+", "-", o).lower() in distributions for o in owners)
    }
    allowed = set(sys.stdlib_module_names) | PROJECT | provided | {"__main__", "_distutils_hack"}
    stray = sorted(m for m in imported - allowed if not m.startswith("_"))
    assert stray == [], f"imported but not installed by pipeline_checks/requirements.txt: {stray}"
