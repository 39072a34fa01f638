# SplitPlan: `make run` sets up and runs the default job; `make test` sets up and runs the tests.
SWIFT ?= swift
BIN := .build/release/splitplan

.PHONY: deps build run test calibrate clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product splitplan

# The default job: check the bundled scenario and catalogue, then predict its model on its machines.
run: build
	$(BIN) validate Scenarios/quickstart.json Catalog
	$(BIN) perf --model llama2-70b --machine dgx-h100

test: deps
	$(SWIFT) test

# Re-fit the shipped machine constants from the bundled measured profiles and print the fit's error.
calibrate: build
	$(BIN) calibrate --profile Tests/Fixtures/llama2-70b-vllm-a100-h100.csv

clean:
	rm -rf .build
