"""The alarm table: one row per alarm, and the runbook's table in the docs generated from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scheduler_constructs import alarm_specs
from scheduler_constructs.alarm_specs import SPECS, applying
from tests.synth import ROOT


def test_the_runbook_table_is_current() -> None:
    """After changing an alarm's words, run `python -m scheduler_constructs.alarm_specs`."""
    assert alarm_specs.main(["--check"]) == 0


def test_the_check_sees_a_stale_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = alarm_specs.RUNBOOK_FILE.read_text(encoding="utf-8").replace("15 min |", "20 min |", 1)
    readme = tmp_path / "operator.md"
    readme.write_text(stale, encoding="utf-8")
    monkeypatch.setattr(alarm_specs, "RUNBOOK_FILE", readme)
    assert alarm_specs.main(["--check"]) == 1
    assert alarm_specs.main([]) == 0
    assert alarm_specs.main(["--check"]) == 0


def test_ids_and_names_are_unique_and_every_row_has_runbook_words() -> None:
    assert len({s.id for s in SPECS}) == len({s.name for s in SPECS}) == len(SPECS)
    assert sorted(s.urgency for s in SPECS) == list(range(1, len(SPECS) + 1))
    for spec in SPECS:
        assert all((spec.what, spec.todo, spec.means, spec.do)), spec.id


WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]
ORDINALS = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
]


def test_the_docs_count_the_alarms_of_the_table() -> None:
    """Every count of a store's alarms in the README and the manual is the table's: "seven
    alarms (eight with a canary)", "A store has seven, and an eighth with a canary"."""
    plain, with_canary = len(applying(canary=False)), len(applying(canary=True))
    assert with_canary == plain + 1  # the canary's own alarm
    texts = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    found = 0
    for path in texts:
        text = " ".join(path.read_text(encoding="utf-8").split())
        for number, canary in re.findall(r"\b(\w+) alarms \((\w+) with a canary\)", text):
            assert (number, canary) == (WORDS[plain], WORDS[with_canary]), path.name
            found += 1
        for number, canary in re.findall(r"\((\w+), (\w+) with a canary\)", text):
            assert (number, canary) == (WORDS[plain], WORDS[with_canary]), path.name
            found += 1
        for number, nth in re.findall(r"A store has (\w+), and an (\w+) with a canary", text):
            assert (number, nth) == (WORDS[plain], ORDINALS[with_canary]), path.name
            found += 1
    assert found >= 4  # README twice, the operator's page twice
