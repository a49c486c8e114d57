"""Settings: what cdk.json may say, declared once (store.py, fields.py, horizon.py, dashboard.py),
described for people (describe.py, json_schema.py), and read from CDK context with every problem
named by the key the user wrote (loader.py; blocks.py for the horizon and dashboard objects;
problems.py for the wording)."""
