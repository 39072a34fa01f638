# SplitPlan: `make run` sets up and runs the default job; `make test` sets up and runs the tests.
SWIFT ?= swift
BIN := .build/release/splitplan
# Release builds link the Swift runtime and Foundation statically: `splitplan --help` takes 5 ms rather
# than 10 (no dynamic symbol binding of the Swift libraries), and the binary runs without a toolchain
# installed. Every release build uses the same flags, so none invalidates another's products.
RELEASE := -c release --static-swift-stdlib

.PHONY: deps build run test calibrate bench fuzz man completions install check-install clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build $(RELEASE) --product splitplan

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
# fit's error and the leave-one-architecture-out error of the GEMM constants; then the shipped constants'
# error on BLOOM-176B's measured steps, which no fit has seen (docs/throughput-model.md).
calibrate: build
	$(BIN) calibrate --profile Tests/Fixtures/llama2-70b-vllm-a100-h100.csv --operator-profile Tests/Fixtures/vidur --leave-one-out
	$(BIN) calibrate --profile Tests/Fixtures/bloom-176b-a100-h100.csv --evaluate

# Benchmarks: median planning time per shipped scenario and a 15-type x 64-class instance; then each
# shipped scenario's whole `splitplan plan FILE` command against the binary's start and exit; then the
# simulator at operating load (BLOOM-176B, 80 and 1280 req/s), in a process of its own for its memory;
# then planning at scale (design auto over 4-64 machine types, rates up to 100,000 req/s); then the
# Splitwise study's verified comparisons (8 files x 6 designs, 600 s simulations) against drained runs.
bench: deps
	$(SWIFT) build $(RELEASE) --product splitplan
	$(SWIFT) build $(RELEASE) --product splitplan-bench
	.build/release/splitplan-bench 7
	.build/release/splitplan-bench commands 15
	.build/release/splitplan-bench simulator 5
	.build/release/splitplan-bench scale
	.build/release/splitplan-bench study 3

# Mutation fuzzing of the command line for FUZZ_SECONDS (default 60): mutated scenarios, catalogue files,
# traces and plans, each case in a process of its own; failing cases are kept in .build/fuzz-findings.
FUZZ_SECONDS ?= 60
FUZZ_SEED ?= 1
fuzz: build
	$(SWIFT) build $(RELEASE) --product splitplan-fuzz
	.build/release/splitplan-fuzz --seconds $(FUZZ_SECONDS) --seed $(FUZZ_SEED)

# The man page, from the command-line definitions by swift-argument-parser's generate-manual tool, dated
# by the last commit so that the same source gives the same page.
man: build
	$(SWIFT) build $(RELEASE) --product generate-manual
	mkdir -p .build/man
	.build/release/generate-manual $(BIN) --date "$$(git log -1 --format=%cs 2>/dev/null || date +%F)" --output-directory .build/man

# Shell completions: design ids are listed in the script, machine and model ids asked of the catalogue.
completions: build
	mkdir -p .build/completions
	$(BIN) --generate-completion-script bash > .build/completions/splitplan.bash
	$(BIN) --generate-completion-script zsh > .build/completions/_splitplan
	$(BIN) --generate-completion-script fish > .build/completions/splitplan.fish

# Installs under PREFIX (default /usr/local; DESTDIR for staging): the binary, the catalogue and the
# scenarios it finds beside itself (share/splitplan), the man page and the completions.
PREFIX ?= /usr/local
install: man completions
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/splitplan $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/splitplan
	rm -rf $(DESTDIR)$(PREFIX)/share/splitplan/Catalog $(DESTDIR)$(PREFIX)/share/splitplan/Scenarios
	cp -R Catalog Scenarios $(DESTDIR)$(PREFIX)/share/splitplan/
	install -m 644 .build/man/splitplan.1 $(DESTDIR)$(PREFIX)/share/man/man1/splitplan.1
	install -m 644 .build/completions/splitplan.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/splitplan
	install -m 644 .build/completions/_splitplan $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_splitplan
	install -m 644 .build/completions/splitplan.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/splitplan.fish

# Installs into a scratch prefix and runs the installed binary from elsewhere (see the script).
check-install:
	scripts/check-install.sh

clean:
	rm -rf .build
