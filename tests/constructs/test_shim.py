"""The constructs/ folder lives beside the constructs library under the same name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import constructs
from tests.synth import ROOT


def test_construct_is_the_library_class() -> None:
    """`constructs.Construct` is the jsii class that aws_cdk's own constructs derive from,
    loaded from the installed library, while the package itself is our folder."""
    import aws_cdk

    assert issubclass(aws_cdk.Stack, constructs.Construct)
    library_runtime = Path(sys.modules["constructs._jsii"].__file__ or "")
    assert "site-packages" in library_runtime.parts
    assert Path(constructs.__path__[0]) == ROOT / "constructs"


def test_our_modules_import_as_submodules() -> None:
    """Our construct modules are importable as constructs.<module>."""
    from constructs.dead_letter_queue import SchedulerDeadLetterQueue
    from constructs.model_schedule import ModelSchedule

    assert issubclass(ModelSchedule, constructs.Construct)
    assert issubclass(SchedulerDeadLetterQueue, constructs.Construct)


def test_works_as_cdk_runs_the_app() -> None:
    """`python app.py` puts the project root first on sys.path; both imports still work."""
    code = (
        "import sys; sys.path.insert(0, '.');"
        "from constructs import Construct; import constructs.model_schedule as m;"
        "import aws_cdk; print(Construct.__module__, m.ModelSchedule.__mro__[1].__name__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["constructs", "Construct"]


def test_another_copy_of_the_project_on_the_path_is_not_taken_for_the_library(
    tmp_path: Path,
) -> None:
    """With a second copy of this folder on sys.path (a test that copies the project), the
    library is still the folder with its jsii bundle."""
    import shutil

    shutil.copytree(ROOT / "constructs", tmp_path / "constructs")
    code = (
        "import sys; sys.path[:0] = ['.', sys.argv[1]];"
        "from constructs import Construct; import aws_cdk; print(Construct.__module__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(ROOT)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["constructs"]
