"""Definitions shared with code that runs outside this app, loaded from where that code lives.

The verifier function is deployed on its own and the checkout's client package is installed on
its own; neither can import this app. So what both sides must agree on is written once on their
side: the check event, metric names and ARN patterns in the function's folder, the model handle
in the client package. This module loads those files for the app, under the module names the
other side uses, so a test that imports both sees one module.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
VERIFIER_CODE = ROOT / "lambda" / "model_verifier"
CLIENT_PACKAGE = ROOT / "client" / "src" / "rekognition_model_client"


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


if TYPE_CHECKING:  # mypy reads them from mypy_path (pyproject.toml)
    import rekognition_model_client.handle as model_handle
    import verifier_contract
else:
    verifier_contract = _load("verifier_contract", VERIFIER_CODE / "verifier_contract.py")
    # Standard library only, and no relative imports: it loads without its package.
    model_handle = _load("rekognition_model_client.handle", CLIENT_PACKAGE / "handle.py")

__all__ = ["CLIENT_PACKAGE", "VERIFIER_CODE", "model_handle", "verifier_contract"]
