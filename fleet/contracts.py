"""Definitions shared with code that runs outside this app, loaded from where that code lives.

The verifier function is deployed on its own and cannot import this app, so what both sides
must agree on (the check event, the metric names, the model-version ARN pattern) is written once
in the function's folder. This module loads that file for the app, under the same module name
the function uses, so a test that imports both sees one module.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
VERIFIER_CODE = ROOT / "lambda" / "model_verifier"


def _load(name: str, path: Path) -> ModuleType:
    loaded = sys.modules.get(name)
    if loaded is not None and Path(loaded.__file__ or "").resolve() == path:
        return loaded
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


if TYPE_CHECKING:  # mypy reads it from mypy_path (pyproject.toml)
    import verifier_contract
else:
    verifier_contract = _load("verifier_contract", VERIFIER_CODE / "verifier_contract.py")

__all__ = ["VERIFIER_CODE", "verifier_contract"]
