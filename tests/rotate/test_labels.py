"""The evaluation label by label (rotate/labels.py): the summary file read, current against new,
what is refused, warned about and reported, and minConfidence against the assumed thresholds."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest

from rotate.labels import (
    LabelFigures,
    SummaryError,
    compare,
    min_confidence_advice,
    parse_summary,
    table,
)


def summary(*labels: tuple[str, float, float, int]) -> str:
    """A Version 1 summary file: (label, F1, threshold, test images) each."""
    return json.dumps(
        {
            "Version": 1,
            "AggregatedEvaluationResults": {"F1Score": 0.9},
            "EvaluationDetails": {"Labels": [name for name, *_ in labels]},
            "LabelEvaluationResults": [
                {
                    "Label": name,
                    "Metrics": {
                        "F1Score": f1,
                        "Precision": f1,
                        "Recall": f1,
                        "Threshold": threshold,
                    },
                    "NumberOfTestingImages": images,
                }
                for name, f1, threshold, images in labels
            ],
        },
        ensure_ascii=False,
    )


CURRENT = parse_summary(
    summary(
        ("メロンパン", 0.95, 0.80, 40),
        ("あんぱん", 0.93, 0.817, 35),
        ("クロワッサン", 0.90, 0.75, 30),
    )
)


def test_japanese_labels_are_read_and_compared_after_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "メロンパン")
    new = parse_summary(
        summary(
            (decomposed, 0.96, 0.79, 40),
            ("あんぱん", 0.94, 0.80, 35),
            ("クロワッサン", 0.91, 0.74, 30),
        )
    )
    result = compare(CURRENT, new, max_label_f1_drop=0.05)
    assert result.refusals == ()
    assert {c.name for c in result.changes} == set(CURRENT)


def test_every_label_better_passes() -> None:
    new = parse_summary(
        summary(
            ("メロンパン", 0.97, 0.8, 40),
            ("あんぱん", 0.95, 0.8, 35),
            ("クロワッサン", 0.93, 0.75, 30),
        )
    )
    result = compare(CURRENT, new, max_label_f1_drop=0.05)
    assert (result.refusals, result.warnings, result.notes) == ((), (), ())


def test_a_missing_label_is_refused_first() -> None:
    new = parse_summary(summary(("メロンパン", 0.97, 0.8, 40), ("あんぱん", 0.95, 0.8, 35)))
    result = compare(CURRENT, new, max_label_f1_drop=0.05)
    assert result.refusals == (
        "label 'クロワッサン' is missing from the new version: the register would never see "
        "that product again (--accept-missing-labels)",
    )
    assert result.changes[0].name == "クロワッサン"


def test_a_label_worse_is_refused_and_sorted_worst_first() -> None:
    new = parse_summary(
        summary(
            ("メロンパン", 0.96, 0.8, 40),
            ("あんぱん", 0.85, 0.82, 35),
            ("クロワッサン", 0.89, 0.75, 30),
        )
    )
    result = compare(CURRENT, new, max_label_f1_drop=0.05)
    assert result.refusals == (
        "label 'あんぱん': F1 0.930 -> 0.850 (-0.080), more than maxLabelF1Drop 0.05 "
        "(--accept-lower-label-f1)",
    )
    assert [c.name for c in result.changes] == ["あんぱん", "クロワッサン", "メロンパン"]
    assert table(result).splitlines()[1] == (
        "あんぱん | 0.930 -> 0.850 (-0.080) | 0.930 -> 0.850 | 0.930 -> 0.850 | "
        "0.817 -> 0.820 | 35 -> 35"
    )


def test_a_label_worse_on_four_images_is_a_warning() -> None:
    new = parse_summary(
        summary(
            ("メロンパン", 0.96, 0.8, 40),
            ("あんぱん", 0.80, 0.82, 4),
            ("クロワッサン", 0.90, 0.75, 30),
        )
    )
    result = compare(CURRENT, new, max_label_f1_drop=0.05)
    assert result.refusals == ()
    assert result.warnings[0].endswith("but evaluated on 4 test images only: too few to trust")


def test_a_new_label_is_reported_not_refused() -> None:
    new = parse_summary(
        summary(
            ("メロンパン", 0.96, 0.8, 40),
            ("あんぱん", 0.94, 0.8, 35),
            ("クロワッサン", 0.91, 0.75, 30),
            ("カレーパン", 0.88, 0.7, 25),
        )
    )
    result = compare(CURRENT, new, max_label_f1_drop=0.05)
    assert result.refusals == ()
    assert result.notes == ("label 'カレーパン' is new in the new version",)
    assert result.changes[-1].name == "カレーパン"


def test_a_canary_label_missing_from_the_new_version_is_refused() -> None:
    new = parse_summary(summary(("メロンパン", 0.96, 0.8, 40), ("クロワッサン", 0.91, 0.75, 30)))
    result = compare(CURRENT, new, max_label_f1_drop=0.05, expect_labels=["あんぱん"])
    assert any(
        r.startswith("canary label 'あんぱん' is not a label of the new version")
        for r in result.refusals
    )


def test_min_confidence_above_and_far_below_the_thresholds_with_a_suggestion() -> None:
    """The team's case: あんぱん at 77.5 % was dropped under a threshold of 81.7 %."""
    new = parse_summary(
        summary(
            ("メロンパン", 0.96, 0.96, 40),
            ("あんぱん", 0.94, 0.817, 35),
            ("クロワッサン", 0.9, 0.94, 30),
        )
    )
    lines = min_confidence_advice(new, ["メロンパン", "あんぱん", "クロワッサン"], 85.0)
    assert lines == [
        "minConfidence 85 is 11.0 points below 'メロンパン''s assumed threshold 96.0: more false "
        "positives",
        "minConfidence 85 is above 'あんぱん''s assumed threshold 81.7: detections the model "
        "counts as positive would be dropped",
        "suggestion: minConfidence 78.7 to 80.7 (1 to 3 points below the lowest assumed "
        "threshold, 81.7)",
    ]  # クロワッサン, 9 points below 94.0, is fine
    assert min_confidence_advice(new, ["メロンパン"], None) == []


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("not json", "the summary file is not JSON"),
        ("[]", "the summary file is not a JSON object"),
        ('{"Version": 2}', "has Version 2; this pre-flight reads Version 1"),
        ('{"Version": 1, "LabelEvaluationResults": [{"Label": "a"}]}', "are malformed"),
    ],
)
def test_a_summary_that_cannot_be_read_is_one_line(text: str, says: str) -> None:
    with pytest.raises(SummaryError, match=says):
        parse_summary(text)


def test_figures_are_as_trained() -> None:
    figures: Any = CURRENT["メロンパン"]
    assert figures == LabelFigures("メロンパン", 0.95, 0.95, 0.95, 0.80, 40)
