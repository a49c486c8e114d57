"""The alarm table: one row per alarm, and the runbook's table in the docs generated from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler_constructs import alarm_specs
from scheduler_constructs.alarm_specs import SPECS, applying


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


def test_the_docs_count_of_alarms_holds() -> None:
    """'A store has seven, and an eighth with a canary.'"""
    text = " ".join(alarm_specs.RUNBOOK_FILE.read_text(encoding="utf-8").split())
    assert "A store has seven, and an eighth with a canary." in text
    assert (len(applying(canary=False)), len(applying(canary=True))) == (7, 8)
