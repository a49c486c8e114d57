"""Import the verifier the way Lambda loads it: by module name, from its own folder (on the
import path through scripts/setup.sh's .pth file), without the CDK app."""

from __future__ import annotations

import os
from pathlib import Path

# The module creates its boto3 clients at import, as it does in Lambda; they need a region.
os.environ.setdefault("AWS_DEFAULT_REGION", "ap-northeast-1")

import model_verifier
import verifier_aws
import verifier_contract
import verifier_outcome

FUNCTION_CODE = Path(model_verifier.__file__ or "").parent

__all__ = [
    "FUNCTION_CODE",
    "model_verifier",
    "verifier_aws",
    "verifier_contract",
    "verifier_outcome",
]
