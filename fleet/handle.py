"""A store's model handle (the client package's contract), from its validated configuration."""

from __future__ import annotations

from fleet.calendar.weekly import Weekday, format_minutes
from fleet.config import StoreConfig
from rekognition_model_client import handle as model_handle


def handle_of(store: StoreConfig) -> model_handle.ModelHandle:
    s = store.settings
    return model_handle.ModelHandle(
        store=store.store_id,
        model_version_arn=s.model.arn,
        project_arn=s.project_arn,
        min_confidence=s.min_confidence,
        timezone=s.timezone,
        opens=format_minutes(s.opens),
        closes=format_minutes(s.closes),
        open_days=tuple(day.name for day in Weekday if day in s.open_days),
        start_lead_minutes=s.start_lead_minutes,
        closed_days=tuple(day.isoformat() for day in store.closed_days),
        horizon_last=store.horizon.last.isoformat(),
        moved_starts=tuple(
            (day.isoformat(), instant.isoformat(timespec="minutes"))
            for day, instant in sorted(store.moved_starts.items())
        ),
    )
