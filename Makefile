# Parity: the two commands a new user needs are `make demo` and `make test`.
# Every target installs what it needs first (scripts/install-deps.sh is idempotent).

JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 60
# `make test` fuzzes each target for this long (the CI budget); `make fuzz` for FUZZ_SECONDS.
TEST_FUZZ_SECONDS ?= 30
BUILD_PRESET ?= release
BUILD_DIR := build/$(BUILD_PRESET)
PARITY := $(BUILD_DIR)/parity

.PHONY: all deps build test test-unit demo bench fuzz format lint clean help

all: build

help:
	@echo "make demo    set up, build and run the demo (generate, ingest, list)"
	@echo "make test    set up, build (ASan+UBSan, -Werror) and run every test, lint and fuzzers"
	@echo "make build   build the release binary at $(PARITY)"
	@echo "make bench   run the benchmarks (side-by-side ratios)"
	@echo "make fuzz    run each libFuzzer target for FUZZ_SECONDS (default 60)"
	@echo "make format  clang-format every source file in place"
	@echo "make lint    check formatting and run clang-tidy on every library source"

deps:
	@scripts/install-deps.sh

build: deps
	@cmake --preset $(BUILD_PRESET) >/dev/null
	@cmake --build --preset $(BUILD_PRESET) -j $(JOBS)

# The full suite, as CI runs it: an ASan+UBSan build with -Werror running every test (unit,
# corruption, CLI), the clang-format check, then each fuzzer for TEST_FUZZ_SECONDS.
# (clang-tidy runs in `make lint`; it is not yet part of the timed CI run.)
test: deps
	@$(MAKE) --no-print-directory test-unit BUILD_PRESET=ci
	@scripts/lint.sh --format-only
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(TEST_FUZZ_SECONDS)
	@echo "make test: all suites passed"

test-unit: build
	@ctest --preset $(BUILD_PRESET) -j $(JOBS)

demo: build
	@scripts/demo.sh $(PARITY)

bench: deps
	@$(MAKE) --no-print-directory build BUILD_PRESET=release
	@scripts/run-benchmarks.sh build/release

fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS) --target fuzzers
	@scripts/run-fuzzers.sh build/fuzz $(FUZZ_SECONDS)

format: deps
	@git ls-files '*.h' '*.cc' | xargs clang-format-14 -i

lint: deps
	@scripts/lint.sh

clean:
	rm -rf build
