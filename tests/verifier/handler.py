"""Import the verifier the way Lambda loads it: by module name, from its own folder."""

from __future__ import annotations

import os
import sys

from tests.synth import ROOT

# `lambda` is a keyword: the handler's folder goes on sys.path and it imports by module name.
sys.path.insert(0, str(ROOT / "lambda" / "model_verifier"))
# The module creates its boto3 clients at import, as it does in Lambda; they need a region.
os.environ.setdefault("AWS_DEFAULT_REGION", "ap-northeast-1")

import model_verifier

__all__ = ["model_verifier"]
