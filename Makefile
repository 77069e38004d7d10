# Persona Console. Quick start: `make run`, then `make test`. See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
ENV := . scripts/env.sh &&
LEPTOS_BUILD = cargo leptos build --release $${PERSONA_LIB_CARGO_ARGS:+--lib-cargo-args=$$PERSONA_LIB_CARGO_ARGS}
RUST_PACKAGES := -p persona-console -p app -p migration

.PHONY: run build test bench fmt lint bootstrap fuzz

## Set up whatever is missing, build, and serve on http://127.0.0.1:3000 with the demo tenant.
run: build
	@$(ENV) exec "$$CARGO_TARGET_DIR/release/persona-console" serve --demo

## Release build of the server and the hydrated site (binary: $CARGO_TARGET_DIR/release/persona-console).
build: bootstrap
	@$(ENV) $(LEPTOS_BUILD)

bootstrap:
	@scripts/bootstrap.sh

## Everything: unit, integration (SQLite and PostgreSQL), browser end-to-end.
test: bootstrap
	@$(ENV) scripts/test.sh

## Benchmarks; figures go to docs/benchmarks.md.
bench: build
	@$(ENV) scripts/bench.sh

## Each fuzz target for 10 minutes (FUZZ_SECONDS to change); `make test` runs them 5 s each.
FUZZ_SECONDS ?= 600
fuzz: bootstrap
	@$(ENV) scripts/fuzz.sh $(FUZZ_SECONDS)

fmt:
	cargo fmt --all

## Clippy for both feature sets, warnings denied, plus the format check.
lint: bootstrap
	@$(ENV) cargo fmt --all -- --check
	@$(ENV) cargo clippy $(RUST_PACKAGES) --all-targets --features app/ssr -- -D warnings
	@$(ENV) cargo clippy -p frontend -p app --features app/hydrate --target wasm32-unknown-unknown \
	  $${PERSONA_LIB_CARGO_ARGS} -- -D warnings
