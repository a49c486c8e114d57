"""Settings: what cdk.json may say, declared once: a store's settings (store.py, fields.py,
arn.py) and the fleet's blocks, `horizon` (horizon.py), `dashboard` (dashboard.py), `quotas`
(quotas.py) and `pipeline` (pipeline.py); described for people (describe.py). Nothing here
imports the floors above (config.py, pipeline/, reading/): tests/test_imports.py holds it."""
