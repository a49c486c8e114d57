"""Plain imports: every folder of the project imports by name, from any working directory, with
no exec and no import by file path; `constructs` stays the library's name."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from tests.synth import ROOT

CODE = ["app.py", "fleet", "stacks", "constructs", "report", "rotate", "pipeline_checks", "scripts"]
CODE += ["lambda"]
CODE += ["client", "tests"]


def test_constructs_is_the_library_and_ours_has_its_own_name() -> None:
    import aws_cdk

    import constructs
    import scheduler_constructs

    assert issubclass(aws_cdk.Stack, constructs.Construct)
    assert "site-packages" in Path(constructs.__file__ or "").parts
    assert not (ROOT / "constructs" / "__init__.py").exists()
    ours = Path(scheduler_constructs.__file__ or "").parent
    assert ours == ROOT / "constructs" / "scheduler_constructs"


def test_everything_imports_by_name_from_another_folder() -> None:
    """As the Lambda runtime imports the verifier and the checkout imports the client: by module
    name, with this project's folders found through the environment (scripts/setup.sh)."""
    code = (
        "import fleet.reading.loader, report.cost, scheduler_constructs.model_schedule, "
        "verifier_contract, model_verifier, rekognition_model_client.handle as h; "
        "print(h.__file__); print(verifier_contract.__file__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tempfile.mkdtemp(),
        env={"AWS_DEFAULT_REGION": "ap-northeast-1", "PATH": str(Path(sys.executable).parent)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    client, contract = done.stdout.split()
    assert Path(client).is_relative_to(ROOT / "client" / "src")
    assert Path(contract).parent == ROOT / "lambda" / "model_verifier"


def test_no_exec_and_no_import_by_file_path() -> None:
    for folder in CODE:
        paths = [ROOT / folder] if folder.endswith(".py") else (ROOT / folder).rglob("*.py")
        for path in paths:
            if path == Path(__file__) or "__pycache__" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for trick in ("exec(compile", "spec_from_file_location", "sys.path.insert"):
                assert trick not in text, f"{path.relative_to(ROOT)} uses {trick}"


# fleet/ by floor, from the bottom: each floor imports only the floors below it.
FLEET_FLOORS = [
    ("fleet/settings", "fleet/calendar"),
    (
        "fleet/serving.py",
        "fleet/utc_week.py",
        "fleet/config.py",
        "fleet/names.py",
        "fleet/handle.py",
    ),
    ("fleet/pipeline",),
    ("fleet/reading",),
]


def _fleet_imports(path: Path) -> set[str]:
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name == "fleet" or name.startswith("fleet.")}


def _floor_of(module: str) -> int | None:
    path = module.replace(".", "/")
    for floor, rooms in enumerate(FLEET_FLOORS):
        if any(path == room.removesuffix(".py") or path.startswith(room + "/") for room in rooms):
            return floor
    return None


def test_fleet_floors_import_only_downwards() -> None:
    """What cdk.json may say (settings/) imports neither the fleet's computed configuration,
    the pipeline planner nor the reader; the configuration not the planner or the reader; the
    planner not the reader."""
    for floor, rooms in enumerate(FLEET_FLOORS):
        for room in rooms:
            paths = [ROOT / room] if room.endswith(".py") else (ROOT / room).rglob("*.py")
            for path in paths:
                for module in _fleet_imports(path):
                    above = _floor_of(module)
                    assert above is None or above <= floor, (
                        f"{path.relative_to(ROOT)} imports {module}, a floor above it"
                    )
