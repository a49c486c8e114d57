"""The evaluation label by label (rotate/labels.py): the summary file read, current against new,
what is refused, warned about and reported, and minConfidence against the assumed thresholds."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest

from fleet.settings.rotation import Refusal
from rotate.labels import (
    Comparison,
    LabelFigures,
    SummaryError,
    compare,
    min_confidence_advice,
    parse_summary,
    table,
)


def lines(result: Comparison) -> list[str]:
    return [str(refused) for refused in result.refusals]


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
    assert lines(result) == [
        "label 'クロワッサン' is missing from the new version: the register would never see "
        "that product again (--accept-missing-labels)",
    ]
    assert [r.kind for r in result.refusals] == [Refusal.MISSING_LABELS]
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
    assert lines(result) == [
        "label 'あんぱん': F1 0.930 -> 0.850 (-0.080), more than maxLabelF1Drop 0.05 "
        "(--accept-lower-label-f1)",
    ]
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
        line.startswith("canary label 'あんぱん' is not a label of the new version")
        for line in lines(result)
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


def entry(label: str, **metrics: Any) -> dict[str, Any]:
    figures = {"F1Score": 0.9, "Precision": 0.9, "Recall": 0.9, "Threshold": 0.8, **metrics}
    return {"Label": label, "Metrics": figures, "NumberOfTestingImages": 30}


def raw_summary(*entries: dict[str, Any]) -> str:
    return json.dumps({"Version": 1, "LabelEvaluationResults": list(entries)}, ensure_ascii=False)


@pytest.mark.parametrize(
    ("metric", "value", "shown"),
    [
        ("F1Score", float("nan"), "F1Score nan"),
        ("F1Score", "NaN", "F1Score 'NaN'"),
        ("Precision", True, "Precision True"),
        ("Recall", 1.2, "Recall 1.2"),
        ("Threshold", 80, "Threshold 80"),
        ("Threshold", -0.1, "Threshold -0.1"),
    ],
)
def test_a_figure_that_is_not_a_number_from_0_to_1_names_the_label(
    metric: str, value: Any, shown: str
) -> None:
    """NaN (a number or "NaN"), a boolean or a figure outside 0..1 (80 for 0.80): the labels
    cannot be judged, and the line says which label and which figure; never skipped."""
    text = raw_summary(entry("あんぱん"), entry("メロンパン", **{metric: value}))
    with pytest.raises(SummaryError) as caught:
        parse_summary(text)
    assert f"label 'メロンパン' has {shown}, not a number from 0 to 1" in str(caught.value)


def test_two_labels_equal_after_normalization_are_named_not_merged() -> None:
    """Café with a combining accent and with a precomposed é: one would never be compared."""
    decomposed = unicodedata.normalize("NFD", "Café")
    with pytest.raises(SummaryError) as caught:
        parse_summary(raw_summary(entry("Café"), entry(decomposed)))
    assert "'Caf\\xe9' and 'Cafe\\u0301' are one label after Unicode normalization" in str(
        caught.value
    )
    assert "rename one" in str(caught.value)


def test_a_label_without_test_images_is_compared_without_the_few_images_allowance() -> None:
    """A 0.52 drop with NumberOfTestingImages left out is refused (it used to read as 0 images,
    a warning), and one line says the images were not given."""
    before = parse_summary(raw_summary(entry("bagel", F1Score=0.95)))
    unsaid = entry("bagel", F1Score=0.43)
    del unsaid["NumberOfTestingImages"]
    after = parse_summary(raw_summary(unsaid))
    result = compare(before, after, max_label_f1_drop=0.05)
    assert len(result.refusals) == 1
    assert "F1 0.950 -> 0.430 (-0.520)" in lines(result)[0]
    assert result.warnings == ()
    assert result.notes == (
        "test images: not given for 'bagel': their drops are judged without the few-images "
        "allowance",
    )
    assert "not given" in table(result)


@pytest.mark.parametrize(
    ("before", "after", "refused"),
    [(0.920, 0.870, False), (0.920, 0.869, True), (0.9204, 0.8696, False)],
)
def test_a_drop_is_judged_at_the_three_decimals_the_table_prints(
    before: float, after: float, refused: bool
) -> None:
    """0.920 -> 0.870 with maxLabelF1Drop 0.05 is a drop of exactly 0.050, not refused by float
    rounding; 0.9204 -> 0.8696 prints as 0.920 -> 0.870 and is judged as printed."""
    current = parse_summary(raw_summary(entry("bagel", F1Score=before)))
    new = parse_summary(raw_summary(entry("bagel", F1Score=after)))
    result = compare(current, new, max_label_f1_drop=0.05)
    assert bool(result.refusals) is refused
