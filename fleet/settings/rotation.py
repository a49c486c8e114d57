"""What the rotation pre-flight may refuse, and what accepts each: one type for rotate.sh's
--accept-* flags, the pipeline's fleet.pipeline.acceptRotations.<store>.accept and the checks
themselves (rotate/preflight.py, rotate/labels.py, pipeline_checks/rotations.py)."""

from __future__ import annotations

import argparse
from enum import StrEnum


class Refusal(StrEnum):
    """A kind of refusal; its value is the name cdk.json accepts it by."""

    LOWER_F1 = "lower-f1"
    MISSING_LABELS = "missing-labels"
    LOWER_LABEL_F1 = "lower-label-f1"
    CANARY_LABELS = "canary-labels"
    # rotate.sh goes on without the labels, saying so; only the pipeline refuses.
    UNCHECKED_LABELS = "unchecked-labels"

    @property
    def flag(self) -> str:
        """What a refusal line names as its way through, e.g. `--accept-lower-f1`."""
        return f"--accept-{self.value}"

    @property
    def what(self) -> str:
        return _WHAT[self]


_WHAT = {
    Refusal.LOWER_F1: "the new F1 is more than maxF1Drop below the current one",
    Refusal.MISSING_LABELS: "a label of the current version is missing from the new one",
    Refusal.LOWER_LABEL_F1: "a label's F1 is more than maxLabelF1Drop lower",
    Refusal.CANARY_LABELS: "a canary label is not a label of the new version",
    Refusal.UNCHECKED_LABELS: "the labels could not be compared, which rotate.sh only reports",
}
# rotate.sh's own flags: the pipeline alone refuses unchecked labels.
ROTATE_SH_FLAGS = tuple(r for r in Refusal if r is not Refusal.UNCHECKED_LABELS)


def add_accept_flags(parser: argparse.ArgumentParser, *, doing: str) -> None:
    """rotate.sh's --accept-* flags on a command's parser (into `accepted`), e.g. `doing` =
    "rotate": "--accept-lower-f1: rotate although the new F1 is ..."."""
    for refusal in ROTATE_SH_FLAGS:
        parser.add_argument(
            refusal.flag,
            action="append_const",
            const=refusal,
            dest="accepted",
            default=[],
            help=f"{doing} although {refusal.what}",
        )
