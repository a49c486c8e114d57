"""cdk.schema.json and the README's settings table come from the settings schema and stay
current; an editor using the schema accepts the default fleet and flags what the synth refuses."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

import jsonschema
import pytest
from pydantic import Field

from fleet.reading import json_schema
from fleet.settings.fields import WHOLE_NUMBER
from fleet.settings.store import StoreSettings
from tests.synth import cdk_json

SCHEMA = json.loads(json_schema.SCHEMA_FILE.read_text(encoding="utf-8"))


def errors_in(document: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    return [error.message for error in validator.iter_errors(document)]


def test_committed_files_are_current() -> None:
    """Run `python -m fleet.reading.json_schema` after changing fleet/settings/, and commit."""
    assert json_schema.main(["--check"]) == 0


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_cdk_json_is_valid() -> None:
    """The default fleet, its modelVersionArn keys, CLI settings and feature flags pass."""
    assert errors_in(cdk_json()) == []


@pytest.mark.parametrize(
    ("edit", "complaint"),
    [
        (lambda c: c["fleet"]["stores"]["tokyo-ginza"].update(opnes="07:00"), "opnes"),
        (lambda c: c["fleet"]["defaults"].update(opens="7:00"), "does not match"),
        (lambda c: c["fleet"]["defaults"].update(startLeadMinutes=721), "721"),
        (lambda c: c["fleet"]["defaults"].update(staleVersions="delete"), "delete"),
        (lambda c: c["fleet"]["stores"].update({"Tokyo_Shibuya": {}}), "Tokyo_Shibuya"),
        (
            lambda c: c["fleet"]["stores"]["tokyo-ginza"].update(modelVersionArn="arn:x"),
            "modelVersionArn",
        ),
        (lambda c: c.update({"modelVersionArn:tokyo-ginza": "arn:aws:s3:::bucket"}), "arn:aws"),
        (lambda c: c.update({"minInferenceUnits:tokyo-ginza": 0}), "0"),
    ],
)
def test_an_editor_flags_what_the_synth_refuses(edit: Any, complaint: str) -> None:
    """Unknown keys, malformed values and context-key-only settings in the fleet block."""
    document = cdk_json()
    edit(document["context"])
    found = errors_in(document)
    assert found
    assert any(complaint in message for message in found), found


def test_a_new_setting_appears_everywhere_from_its_one_definition() -> None:
    """A setting added to the schema shows up in the JSON Schema (in the fleet block and as a
    context key) and in the README table, with its bounds in words, without other edits."""

    class Extended(StoreSettings):
        made_up_minutes: Annotated[int, Field(ge=5, le=55), WHOLE_NUMBER] = Field(
            default=15, description="A made-up setting."
        )

    schema = json_schema.cdk_json_schema(Extended)
    settings = schema["$defs"]["storeSettings"]["properties"]
    assert settings["madeUpMinutes"] == {
        "default": 15,
        "description": "A made-up setting.",
        "maximum": 55,
        "minimum": 5,
        "type": "integer",
    }
    per_store = schema["properties"]["context"]["patternProperties"]
    assert any(key.startswith("^madeUpMinutes:") for key in per_store)
    rows = json_schema.settings_table(Extended, dashboard=False).splitlines()
    assert (
        rows[-1] == "| `madeUpMinutes` | A made-up setting. | a whole number from 5 to 55 | `15` |"
    )


GOOD_VERSION = cdk_json()["context"]["modelVersionArn:tokyo-ginza"]
GOOD_PROJECT = cdk_json()["context"]["fleet"]["stores"]["tokyo-ginza"]["projectArn"]


@pytest.mark.parametrize(
    "value",
    [
        GOOD_VERSION,
        GOOD_PROJECT,
        GOOD_VERSION.replace("arn:aws:", "arn:aws-cn:"),
        GOOD_VERSION.replace("arn:aws:", "arn:aws-xx:"),  # no such partition
        GOOD_VERSION.replace("ap-northeast-1", "tokyo"),  # not a region
        GOOD_VERSION.replace("bread-checkout/version", "bread checkout/version"),  # a space
        GOOD_VERSION.replace("bread-checkout.2026", "bread/checkout.2026"),  # a slash
        GOOD_VERSION + "0",  # a 14-digit timestamp
        GOOD_PROJECT.replace("111122223333", "11112222333"),  # 11-digit account
    ],
)
def test_the_schemas_arn_patterns_are_the_enforced_ones(value: str) -> None:
    """An editor with the schema and the synth agree on every ARN: the schema's patterns are
    built from the regular expressions the settings enforce."""
    from fleet.settings.arn import PROJECT_ARN, VERSION_ARN

    store = SCHEMA["$defs"]["storeSettings"]["properties"]
    for key, enforced in (("modelVersionArn", VERSION_ARN), ("projectArn", PROJECT_ARN)):
        pattern = (
            store.get(key)
            or SCHEMA["properties"]["context"]["patternProperties"][
                next(p for p in SCHEMA["properties"]["context"]["patternProperties"] if key in p)
            ]
        )["pattern"]
        assert bool(re.search(pattern, value)) == bool(enforced.fullmatch(value)), (key, value)


def test_cdk_json_repeats_no_schema_default() -> None:
    """fleet.defaults says only what differs from the schema: a repeated default would go
    stale when the schema's changes."""
    defaults = cdk_json()["context"]["fleet"]["defaults"]
    for name, field in StoreSettings.model_fields.items():
        key = field.alias or name
        if key in defaults and not field.is_required():
            assert defaults[key] != json.loads(json.dumps(field.get_default(), default=list)), (
                f"fleet.defaults.{key} repeats the schema's default"
            )
