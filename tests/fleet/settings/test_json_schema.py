"""cdk.schema.json and the README's settings table come from the settings schema and stay
current; an editor using the schema accepts the default fleet and flags what the synth refuses."""

from __future__ import annotations

import json
from typing import Annotated, Any

import jsonschema
import pytest
from pydantic import Field

from fleet.settings import json_schema
from fleet.settings.fields import WHOLE_NUMBER
from fleet.settings.store import StoreSettings
from tests.synth import cdk_json

SCHEMA = json.loads(json_schema.SCHEMA_FILE.read_text(encoding="utf-8"))


def errors_in(document: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    return [error.message for error in validator.iter_errors(document)]


def test_committed_files_are_current() -> None:
    """Run `python -m fleet.settings.json_schema` after changing fleet/settings/, and commit."""
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
