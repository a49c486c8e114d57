"""The fleet's configuration: parsed and validated from CDK context, frozen, typed.

By floor, from the bottom: settings/ (what cdk.json may say) and calendar/ (open days,
closures, the horizon, daylight saving, cron); config.py (the frozen FleetConfig and each
store's plan), names.py (stack and resource names) and handle.py (the model handle a store
publishes); pipeline/ (the planner of pipelines and waves); reading/ (the context read into a
FleetConfig, every problem named). `app.py` is the only caller of `load_fleet`; stacks and
constructs receive the result.
"""
