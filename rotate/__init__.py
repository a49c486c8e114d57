"""The rotation pre-flight: check a newly trained model version, then switch a store to it."""
