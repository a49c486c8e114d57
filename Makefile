# Shortcuts for those who have make; the scripts work without it.
.PHONY: setup synth test snapshots schema cost-report cost-diff benchmark

setup:
	./scripts/setup.sh

synth:
	./scripts/synth.sh

test:
	./scripts/test.sh

# The one way to change the committed template snapshots (read the diff before committing).
snapshots:
	./scripts/update-snapshots.sh

# After changing fleet/settings/: regenerate cdk.schema.json and the settings table of docs/configuration.md.
schema:
	./scripts/setup.sh
	.venv/bin/python -m fleet.reading.json_schema

cost-report:
	./scripts/cost-report.sh

# What the uncommitted change costs (HEAD vs the working tree).
cost-diff:
	./scripts/cost-diff.sh

benchmark:
	./scripts/benchmark.sh
