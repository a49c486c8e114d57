"""Settings of the distribution of new versions: `fleet.distribution` in cdk.json.

`./scripts/distribute.sh` copies a version trained in a source project (a store's or group's
`sourceProjectArn`) into the projects of the stores and groups it serves, in their accounts
(CopyProjectVersion). In each destination account it acts through one role, named here: IAM
names are account-wide, so one name serves every account, and the distribution stacks create
the role under it.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema

from fleet.settings.fields import SETTINGS_MODEL_CONFIG, Expect, invalid, json_pattern

# IAM's rule for a role name.
ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}", flags=re.ASCII)
DEFAULT_ROLE_NAME = "rekognition-model-copier"


def _role_name(value: Any) -> str:
    if not isinstance(value, str) or not ROLE_NAME.fullmatch(value):
        raise invalid(
            "must be an IAM role name: 1 to 64 letters, digits and + = , . @ _ -, e.g. "
            f'"{DEFAULT_ROLE_NAME}"'
        )
    return value


RoleName = Annotated[
    str,
    BeforeValidator(_role_name),
    Expect("an IAM role name"),
    WithJsonSchema({"type": "string", "pattern": json_pattern(ROLE_NAME)}),
]


class DistributionSettings(BaseModel):
    """`fleet.distribution`: how ./scripts/distribute.sh reaches the destination accounts."""

    model_config = SETTINGS_MODEL_CONFIG

    role_name: RoleName = Field(
        default=DEFAULT_ROLE_NAME,
        description="The role ./scripts/distribute.sh assumes in each destination account to "
        "copy a version there; the distribution stack of each account and Region creates it.",
    )
