"""The control plane's 5 requests a second: spread what the fleet schedules, deterministically.

StartProjectVersion, StopProjectVersion and DescribeProjectVersions each allow 5 requests a
second per account and Region (Service Quotas L-C46E6F2E, L-9802772B, L-12019FB0). The fleet
schedules at most LIMIT calls of one API in one minute per account and Region: half the quota,
leaving room for retries and people. Each call is counted at every UTC minute of the week it can
fall on (every offset of its zone, as fleet/utc_week.py counts), closures ignored.

Where more than LIMIT calls of one API share a minute, each store's call there moves by its
*slot*, 0 to SLOTS - 1 whole minutes that depend only on its own id (a hash): a start earlier
(its lead grows: every start keeps at least its full lead, and the model handle publishes the
effective lead), a stop later (its lag grows: it stops no earlier than configured), an opening
check later (it checks at most SLOTS - 1 minutes after opening, the start having moved earlier
by the same slot); a start check and a closing check move with the start and the stop they
follow. A store that joins a crowded minute moves no other store; only the call that first
crowds a minute spreads that minute's calls. Serving groups are counted and never moved (a group
is one call for all its members). Where even the spread calls would be more than LIMIT a minute,
the fleet is refused with the figures.

Each verifier check is counted as one DescribeProjectVersions call (its version's status); the
sweep of stale versions is paginated over the project and comes on top.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from fleet.calendar.weekly import MINUTES_PER_DAY, Weekday
from fleet.config import GroupConfig, StoreConfig
from fleet.settings.store import CLOSING_CHECK_DELAY_MINUTES
from fleet.utc_week import minute_of_week, weekly_minutes

LIMIT = 150  # calls of one API scheduled in one minute, per account and Region
SLOTS = 30  # a moved call moves by 0 to SLOTS - 1 minutes


class Api(StrEnum):
    START = "StartProjectVersion"
    STOP = "StopProjectVersion"
    DESCRIBE = "DescribeProjectVersions"


QUOTA_CODES = {Api.START: "L-C46E6F2E", Api.STOP: "L-9802772B", Api.DESCRIBE: "L-12019FB0"}


def slot(owner_id: str) -> int:
    """A store's minutes of spreading, from its id alone."""
    return int.from_bytes(hashlib.sha256(owner_id.encode()).digest()[:8], "big") % SLOTS


@dataclass(frozen=True)
class Spread:
    """How far a store's calls move: its start earlier, its stop and opening check later."""

    start: int = 0
    stop: int = 0
    opening_check: int = 0


Place = tuple[str, str]  # account, Region
Calls = dict[Api, list[frozenset[int]]]  # per API, the minute sets of one owner's calls


def _store_calls(store: StoreConfig, spread: Spread) -> Calls:
    s = store.settings
    days = [int(d) for d in s.open_days]

    def at(offset: int) -> frozenset[int]:
        return weekly_minutes(s.timezone, days, offset)

    start, stop = s.start_offset - spread.start, s.stop_offset + spread.stop
    describes = [at(s.opens + spread.opening_check), at(stop + CLOSING_CHECK_DELAY_MINUTES)]
    lead = s.start_lead_minutes + spread.start
    if s.start_check_minutes < lead:
        describes.append(at(start + s.start_check_minutes))
    return {Api.START: [at(start)], Api.STOP: [at(stop)], Api.DESCRIBE: describes}


def _group_calls(group: GroupConfig) -> Calls:
    days = list(group.windows.ordinary.values())

    def at(instants: Iterable[datetime]) -> frozenset[int]:
        return frozenset(minute_of_week(i) for i in instants)

    check = timedelta(minutes=group.settings.start_check_minutes)
    closing = timedelta(minutes=CLOSING_CHECK_DELAY_MINUTES)
    return {
        Api.START: [at(d.start for d in days)],
        Api.STOP: [at(d.stop for d in days)],
        Api.DESCRIBE: [
            at(d.opens for d in days),
            at(d.stop + closing for d in days),
            at(d.start + check for d in days if d.start + check < d.opens),
        ],
    }


def _counts(calls: Sequence[tuple[Place, Calls]]) -> dict[Api, Counter[tuple[Place, int]]]:
    found: dict[Api, Counter[tuple[Place, int]]] = {api: Counter() for api in Api}
    for place, by_api in calls:
        for api, sets in by_api.items():
            for minutes in sets:
                found[api].update((place, m) for m in minutes)
    return found


def _at(minute: int) -> str:
    day, rest = divmod(minute, MINUTES_PER_DAY)
    return f"{Weekday(day).title} {rest // 60:02d}:{rest % 60:02d} UTC"


def spreading(
    stores: Sequence[StoreConfig], groups: Sequence[GroupConfig]
) -> tuple[dict[str, Spread], list[str]]:
    """How far each ungrouped store's calls move (only those that must), and a line for each
    API, account and Region still over LIMIT calls a minute once spread."""
    own = [s for s in stores if s.group_id is None]
    places = {s.store_id: (s.settings.model.account, s.settings.model.region) for s in own}
    fixed = [((g.settings.model.account, g.settings.model.region), _group_calls(g)) for g in groups]
    unmoved = {s.store_id: _store_calls(s, Spread()) for s in own}
    counts = _counts([*fixed, *((places[i], c) for i, c in unmoved.items())])

    def crowded(api: Api, store_id: str, which: int = 0) -> bool:
        minutes = unmoved[store_id][api][which]
        return any(counts[api][(places[store_id], m)] > LIMIT for m in minutes)

    spreads = {}
    for store in own:
        i, n = store.store_id, slot(store.store_id)
        spread = Spread(
            start=n if crowded(Api.START, i) else 0,
            stop=n if crowded(Api.STOP, i) else 0,
            opening_check=n if crowded(Api.DESCRIBE, i) else 0,
        )
        if spread != Spread():
            spreads[i] = spread
    moved = [(places[s.store_id], _store_calls(s, spreads.get(s.store_id, Spread()))) for s in own]
    after = _counts([*fixed, *moved])
    lines = []
    for api in Api:
        worst: dict[Place, tuple[int, int]] = {}
        for (place, minute), count in sorted(after[api].items(), key=lambda c: c[0][1]):
            if count > LIMIT and count > worst.get(place, (0, 0))[0]:
                worst[place] = (count, minute)
        for (account, region), (count, minute) in worst.items():
            lines.append(
                f"account {account} in {region} would get {count} {api} calls at {_at(minute)} "
                f"even spread over {SLOTS} minutes: at most {LIMIT} a minute are scheduled (half "
                f"of the quota {QUOTA_CODES[api]}, 5 a second); put stores in serving groups "
                "(fleet.groups), stagger their hours, or move stores to another account or Region"
            )
    return spreads, lines
