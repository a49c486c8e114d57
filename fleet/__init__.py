"""The fleet's configuration: parsed and validated from CDK context, frozen, typed.

`app.py` is the only caller of `load_fleet`; stacks and constructs receive the result.
"""
