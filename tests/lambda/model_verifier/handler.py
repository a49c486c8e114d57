"""Import the verifier the way Lambda loads it: by module name, from its own folder, without
the CDK app (the function is deployed on its own)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# `lambda` is a keyword: the handler's folder goes on sys.path and it imports by module name.
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "lambda" / "model_verifier"))
# The module creates its boto3 clients at import, as it does in Lambda; they need a region.
os.environ.setdefault("AWS_DEFAULT_REGION", "ap-northeast-1")

import model_verifier
import verifier_contract

FUNCTION_CODE = Path(model_verifier.__file__ or "").parent

__all__ = ["FUNCTION_CODE", "model_verifier", "verifier_contract"]
