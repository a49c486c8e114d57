"""The fleet's configuration: parsed and validated from CDK context, frozen, typed.

Rooms: settings/ (what cdk.json may say, and the loader), calendar/ (open days, closures, the
horizon, daylight saving, cron), and beside them the per-store plan (model.py), the names of
stacks and resources (names.py) and the model handle a store publishes (handle.py). `app.py` is
the only caller of `load_fleet`; stacks and constructs receive the result.
"""
