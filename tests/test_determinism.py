"""Two synths of the same configuration write byte-identical templates."""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.synth import cli_context, synth


def test_two_synths_are_byte_identical() -> None:
    """No timestamps, random names or ordering noise: a diff shows only real changes."""
    first, second = Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp())
    synth(cli_context(), first)
    synth(cli_context(), second)
    names = sorted(p.name for p in first.glob("*.template.json"))
    assert names == sorted(p.name for p in second.glob("*.template.json"))
    assert len(names) == 5  # three stores, two accounts' dashboards
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
