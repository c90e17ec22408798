# Undelete: the two commands of the README, and their parts.
#   make demo    install what is missing, build, run the dashboard against a seeded local moto
#   make test    install what is missing, build, run every test (what CI runs)
# Parts: make setup | build | e2e | aws | bench | clean
# Every target is a thin wrapper around scripts/, which hold the logic.

SHELL := /usr/bin/env bash
PORT ?= 8080
MOTO_PORT ?= 5005

.PHONY: demo test setup build e2e aws bench clean

demo:
	PORT=$(PORT) MOTO_PORT=$(MOTO_PORT) bash scripts/demo.sh

test:
	bash scripts/test.sh

setup:
	bash scripts/setup.sh

build: setup
	bash scripts/build.sh

# Only the browser end-to-end suite (still builds what it needs).
e2e:
	TEST_STAGES=e2e bash scripts/test.sh

# The same proxy against real AWS, with credentials from the standard chain (AWS_PROFILE, ...).
# The identity needs only docs/iam-policy.json. Example:
#   make aws AWS_PROFILE=prod-readonly-restore AWS_REGION=eu-west-1
aws: setup
	bash scripts/build.sh ui
	bash scripts/aws.sh

# Benchmarks (not part of `make test`): builds release UI, the card floor (bench/card-floor) and the release
# proxy, then prints size / time-to-list / filtering / proxy-overhead figures next to their floors.
# See docs/benchmarks.md. Results also go to artifacts/bench/<date>/.
bench:
	bash scripts/bench/run.sh

clean:
	rm -rf dist artifacts
