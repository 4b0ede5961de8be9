# Parity: the two commands a new user needs are `make demo` and `make test`.
# Every target installs what it needs first (scripts/install-deps.sh is idempotent).

JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 60
BUILD_PRESET ?= release
BUILD_DIR := build/$(BUILD_PRESET)
PARITY := $(BUILD_DIR)/parity

.PHONY: all deps build test test-unit test-asan demo bench fuzz format lint clean help

all: build

help:
	@echo "make demo    set up, build and run the demo (generate, ingest, list)"
	@echo "make test    set up, build and run every test (unit, CLI, ASan/UBSan, lint, fuzz)"
	@echo "make build   build the release binary at $(PARITY)"
	@echo "make bench   run the benchmarks (side-by-side ratios)"
	@echo "make fuzz    run each libFuzzer target for FUZZ_SECONDS (default 60)"
	@echo "make format  clang-format every source file in place"
	@echo "make lint    check formatting and run clang-tidy"

deps:
	@scripts/install-deps.sh

build: deps
	@cmake --preset $(BUILD_PRESET) >/dev/null
	@cmake --build --preset $(BUILD_PRESET) -j $(JOBS)

# The full suite, as CI runs it: -Werror build and every test, the corruption and reader
# tests again under ASan+UBSan, lint, and each fuzzer for FUZZ_SECONDS.
test: deps
	@$(MAKE) --no-print-directory test-unit BUILD_PRESET=ci
	@$(MAKE) --no-print-directory test-asan
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory fuzz
	@echo "make test: all suites passed"

test-unit: build
	@ctest --preset $(BUILD_PRESET) -j $(JOBS)

test-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS) --target parity_io_test parity_formats_test parity_core_test parity_catalog_test parity_ingest_test
	@ctest --preset asan -j $(JOBS) -R '^(Crc|Codec|Mcap|Cdr|Ros|Msg|Registry|Status|Diagnostics|Hash|Catalog|Selector|Snapshot|Ingest|Roles|PathTemplate|Settings)'

demo: build
	@scripts/demo.sh $(PARITY)

bench: deps
	@$(MAKE) --no-print-directory build BUILD_PRESET=release
	@scripts/run-benchmarks.sh build/release

fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	@scripts/run-fuzzers.sh build/fuzz $(FUZZ_SECONDS)

format: deps
	@git ls-files '*.h' '*.cc' | xargs clang-format-14 -i

lint: deps
	@scripts/lint.sh

clean:
	rm -rf build
