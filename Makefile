# Atlas Flow — everyday commands. `make run` starts the product, `make test`
# runs the whole suite; each first checks and installs what it needs
# (scripts/prereqs). Host, tests and benchmarks share one cargo profile (dev
# with optimised dependencies) and one feature set, so wasmtime is compiled once.

CARGO        ?= cargo
ATLAS        := target/debug/atlas
GUEST_TARGET := target/guests
COMPONENTS   := target/components
TEST_COMPONENTS := target/test-components
# The built-in actions' own unit tests run natively, apart from their wasm builds.
PLUGINS_NATIVE_TARGET := target/plugins-native
export ATLAS_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
# componentize-py and schemathesis live in the project's own virtual environment.
export PATH := $(CURDIR)/.venv/bin:$(PATH)

.PHONY: doctor run host plugins test-guests builder builder-test test lint fmt bench bench-plugin bench-engine bench-api bench-analytics clean-data

## What is present and what is missing: toolchains, the wasm standard library, Chromium, PostgreSQL, Python tools, wrk.
doctor:
	@scripts/prereqs doctor

## Start the server on 127.0.0.1:8080 with the embedded database, the built-in actions and the visual builder at /.
run:
	@scripts/prereqs run
	$(MAKE) --no-print-directory host plugins builder
	$(ATLAS) serve --seed-demo --data-dir data --plugins-dir $(COMPONENTS) --builder-dir builder/dist

## Build the atlas binary, with the same features the test build resolves
## (the whole workspace, dev-dependencies included), so `make test` after
## `make run` reuses every compiled dependency.
host:
	$(CARGO) build --workspace --bins

# `make test` builds the binary as part of the test build (same features as
# the tests, so dependencies compile once) and sets HOST_BUILT.
HOST_DEP := $(if $(HOST_BUILT),,host)

## Build every built-in action into target/components.
plugins: $(HOST_DEP)
	$(ATLAS) plugin build plugins --out $(COMPONENTS) --target-dir $(GUEST_TARGET)

## Build the purpose-built components the runtime tests use.
test-guests: $(HOST_DEP)
	$(ATLAS) plugin build host/tests/guests --out $(TEST_COMPONENTS) --target-dir $(GUEST_TARGET)

## The visual builder (builder/): npm packages when the lock file changed, a Vite build when a source changed.
BUILDER_SOURCES := $(shell find builder/src -type f 2>/dev/null) builder/index.html builder/vite.config.ts builder/tsconfig.json builder/package.json
builder: builder/dist/index.html

builder/node_modules/.package-lock.json: builder/package-lock.json
	cd builder && npm ci --no-audit --no-fund

builder/dist/index.html: builder/node_modules/.package-lock.json $(BUILDER_SOURCES)
	cd builder && npm run build

## The builder's component tests (Vitest), then its browser suite (Playwright in Debian's
## Chromium) against a real `atlas serve` with a temporary data directory (the
## marketplace test publishes the partner test component).
builder-test: builder $(HOST_DEP) plugins test-guests
	cd builder && npm test
	cd builder && node e2e/run.mjs

## Run the whole suite: unit and integration tests on SQLite and PostgreSQL, the built-in actions' unit tests, the builder's tests, then lints.
test:
	@scripts/prereqs test
	$(CARGO) test --workspace --no-run
	$(MAKE) plugins test-guests HOST_BUILT=1
	$(CARGO) test --workspace --no-fail-fast
	$(CARGO) test --manifest-path plugins/Cargo.toml --target-dir $(PLUGINS_NATIVE_TARGET)
	$(MAKE) builder-test HOST_BUILT=1
	$(MAKE) lint

## Formatting and clippy (warnings are errors), host and guest workspaces.
lint:
	$(CARGO) fmt --all --check
	$(CARGO) fmt --all --check --manifest-path plugins/Cargo.toml
	$(CARGO) fmt --all --check --manifest-path host/tests/guests/Cargo.toml
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all
	$(CARGO) fmt --all --manifest-path plugins/Cargo.toml
	$(CARGO) fmt --all --manifest-path host/tests/guests/Cargo.toml

## Every benchmark, one JSON object each.
bench: bench-plugin bench-engine bench-api bench-analytics

bench-plugin: plugins test-guests
	$(ATLAS) bench plugin --json

## The engine on SQLite, and on PostgreSQL when BENCH_DATABASE_URL is set.
bench-engine: test-guests
	$(ATLAS) bench engine --json
	$(if $(BENCH_DATABASE_URL),$(ATLAS) bench engine --json --db $(BENCH_DATABASE_URL))

## The HTTP API: authenticated trigger requests per second and latency (SQLite, and PostgreSQL when BENCH_DATABASE_URL is set).
bench-api: test-guests
	$(ATLAS) bench api --json
	$(if $(BENCH_DATABASE_URL),$(ATLAS) bench api --json --db $(BENCH_DATABASE_URL))

## Analytics: rollup build and query time for a workflow with 1,000,000 step events (SQLite, and PostgreSQL when BENCH_DATABASE_URL is set).
bench-analytics: host
	$(ATLAS) bench analytics --json
	$(if $(BENCH_DATABASE_URL),$(ATLAS) bench analytics --json --db $(BENCH_DATABASE_URL))

clean-data:
	rm -rf data
