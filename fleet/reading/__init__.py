"""The context read into the FleetConfig: the loader (loader.py) merges a store's layers and
reads the fleet's blocks (blocks.py), says every problem in one line that names the key the
user wrote (problems.py, errors.py), checks the quotas (quotas.py); json_schema.py writes
cdk.schema.json and the settings table from the same declarations."""
