"""Settings of the fleet dashboards: `fleet.dashboard` in cdk.json, one schema like a store's.

Each account of the fleet gets one dashboard stack (stacks/dashboard_stack.py). These settings
are the fleet's, not a store's: where each account's dashboard lives and the price its
month-to-date figures use.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema

from fleet.settings.fields import SETTINGS_MODEL_CONFIG, Expect, invalid

_ACCOUNT = re.compile(r"[0-9]{12}", flags=re.ASCII)
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]", flags=re.ASCII)
_PRICE = re.compile(r"[0-9]+(\.[0-9]+)?", flags=re.ASCII)
MAX_PRICE = 1000.0


def _account(value: Any) -> str:
    if not isinstance(value, str) or not _ACCOUNT.fullmatch(value):
        raise invalid('is not an AWS account ID: use the 12 digits, e.g. "111122223333"')
    return value


def _region(value: Any) -> str:
    if not isinstance(value, str) or not _REGION.fullmatch(value):
        raise invalid('must be an AWS Region code, e.g. "ap-northeast-1"')
    return value


def _price(value: Any) -> float:
    if isinstance(value, str) and _PRICE.fullmatch(value):
        value = float(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid("must be a number of USD, e.g. 4.00")
    if not 0 < value <= MAX_PRICE:
        raise invalid(f"must be more than 0 and at most {MAX_PRICE:.0f} USD, e.g. 4.00")
    return float(value)


AccountId = Annotated[
    str,
    BeforeValidator(_account),
    WithJsonSchema({"type": "string", "pattern": f"^{_ACCOUNT.pattern}$"}),
]
RegionCode = Annotated[
    str,
    BeforeValidator(_region),
    WithJsonSchema({"type": "string", "pattern": f"^{_REGION.pattern}$"}),
]
HomeRegions = Annotated[
    dict[AccountId, RegionCode],
    Expect("an object: account ID to Region code"),
    WithJsonSchema(
        {
            "type": "object",
            "propertyNames": {"pattern": f"^{_ACCOUNT.pattern}$"},
            "additionalProperties": {"type": "string", "pattern": f"^{_REGION.pattern}$"},
        }
    ),
]
Price = Annotated[
    float,
    BeforeValidator(_price),
    Expect(f"a number of USD, more than 0 and at most {MAX_PRICE:.0f}"),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "maximum": MAX_PRICE}),
]


class DashboardSettings(BaseModel):
    """`fleet.dashboard`: every setting has a default, so the object may be left out."""

    model_config = SETTINGS_MODEL_CONFIG

    home_regions: HomeRegions = Field(
        default_factory=dict,
        description="The Region of each account's dashboard, by account ID. An account left "
        "out gets the Region most of its stores use (on a tie, that of its first store in "
        "cdk.json).",
    )
    usd_per_inference_unit_hour: Price = Field(
        default=4.0,
        description="The price the dashboards' month-to-date figures use: USD per inference "
        "unit per hour of running.",
    )
