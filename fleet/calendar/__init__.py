"""The calendar: when a store opens (weekly.py), the days it does not (closures.py), the months
the templates spell out (horizon.py), daylight-saving gaps (dst.py) and the cron expressions that
say all of it (cron.py), in the pinned time-zone rules (zones.py)."""
