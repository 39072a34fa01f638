# SplitPlan: `make run` sets up and runs the default job; `make test` sets up and runs the tests.
SWIFT ?= swift
BIN := .build/release/splitplan

.PHONY: deps build run test calibrate bench fuzz clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product splitplan

# The default job: plan the bundled quick-start scenario (the cheapest pools that meet its SLOs).
run: build
	$(BIN) plan

# Optimised, so the simulations in the suite run at release speed (2 min instead of 5+ from a clean
# clone on 2 cores), with -enable-testing for @testable imports and assertions kept (-assert-config
# Debug); in its own scratch path so it never invalidates the release build of `make run`.
test: deps
	$(SWIFT) test -c release --scratch-path .build/test -Xswiftc -enable-testing -Xswiftc -assert-config -Xswiftc Debug

# Re-fit the shipped machine constants from the bundled measured profiles (end-to-end vLLM and Vidur GEMM
# profiles: dgx-a100 and dgx-h100 from both, a40-8x's GEMM constants from its GEMM profiles) and print the
# fit's error and the leave-one-architecture-out error of the GEMM constants.
calibrate: build
	$(BIN) calibrate --profile Tests/Fixtures/llama2-70b-vllm-a100-h100.csv --operator-profile Tests/Fixtures/vidur --leave-one-out

# Benchmarks: median planning time per shipped scenario and a 15-type x 64-class instance; then the
# simulator at operating load (BLOOM-176B, 80 and 1280 req/s), in a process of its own for its memory.
bench: deps
	$(SWIFT) build -c release --product splitplan-bench
	.build/release/splitplan-bench 7
	.build/release/splitplan-bench simulator 5

# Mutation fuzzing of the command line for FUZZ_SECONDS (default 60): mutated scenarios, catalogue files,
# traces and plans, each case in a process of its own; failing cases are kept in .build/fuzz-findings.
FUZZ_SECONDS ?= 60
FUZZ_SEED ?= 1
fuzz: build
	$(SWIFT) build -c release --product splitplan-fuzz
	.build/release/splitplan-fuzz --seconds $(FUZZ_SECONDS) --seed $(FUZZ_SEED)

clean:
	rm -rf .build
