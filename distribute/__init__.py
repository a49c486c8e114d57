"""./scripts/distribute.sh: copy a newly trained version into every project it serves
(CopyProjectVersion), check each copy and write the passing ones into cdk.json."""
