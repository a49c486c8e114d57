# Shortcuts for those who have make; the scripts work without it.
.PHONY: setup synth test snapshots cost-report benchmark

setup:
	./scripts/setup.sh

synth:
	./scripts/synth.sh

test:
	./scripts/test.sh

# The one way to change the committed template snapshots (read the diff before committing).
snapshots:
	./scripts/update-snapshots.sh

cost-report:
	./scripts/cost-report.sh

benchmark:
	./scripts/benchmark.sh
