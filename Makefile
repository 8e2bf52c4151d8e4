# The two commands of the README:
#   make run   - set up, build the console (release) and start the local server + simulator
#   make test  - set up, then every layer of tests: lint, native, browser (wasm), end to end
# Everything a fresh machine lacks is installed by scripts/setup.sh (idempotent, seconds when done).

SHELL := /bin/bash
PORT ?= 8080
ADDR ?= 127.0.0.1
SERVER_ARGS ?=

# Pinned tool versions (RELEASE_TOOLCHAIN, ...): the same file the scripts read.
include scripts/versions.env

# The project's own wasm-opt (npm binaryen) first on PATH; Trunk and the test runner from cargo.
export PATH := $(CURDIR)/.tools/bin:$(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(PATH)
export TRUNK_SKIP_VERSION_CHECK := true
export CHROMEDRIVER ?= /usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT ?= 180
# The browser tests call the local server from the runner's origin: no COOP/COEP isolation.
export WASM_BINDGEN_TEST_NO_ORIGIN_ISOLATION := 1

.PHONY: run test setup check-offline dist server lint test-native test-browser test-e2e size size-owners bench clean fuzz screenshots

run: setup dist
	cargo build --release -p backup-server
	./target/release/backup-server --addr $(ADDR) --port $(PORT) --dist dist $(SERVER_ARGS)

test: setup
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory check-offline lint test-native test-browser dist test-e2e && \
	echo "make test: all layers passed in $$(( $$(date +%s) - start )) s"

setup:
	@bash scripts/setup.sh

# The set-up is complete: the offline release build resolves from only the crates that
# scripts/setup.sh fetches (scripts/crates.sh; about 5 s, nothing downloaded).
check-offline:
	bash scripts/crates.sh check-offline

# Release build of the console into dist/, built for size (see scripts/build-release.sh).
dist: setup
	bash scripts/build-release.sh

# Formatting (rustfmt.toml) and clippy's default lints, warnings as errors, on every crate and
# test, natively (the console has no cfg(target_arch) of its own), and the console once more for
# wasm with the release build's split points (src/split.rs), whose wasm side differs.
lint:
	bash scripts/check-layers.sh
	cargo fmt --all --check
	@out=$$(leptosfmt --check src tests 2>&1) || { printf '%s\n' "$$out" | grep -v '^✅'; exit 1; }; echo "leptosfmt: view! markup formatted"
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p backup-console --lib --target wasm32-unknown-unknown --features split -- -D warnings

test-native:
	cargo test --workspace --exclude e2e

# wasm-bindgen-test in headless Chromium (runner set in .cargo/config.toml), against a local
# server on SIM_PORT (fast jobs) for the tests that exercise the real fetch path. The runner's
# page is on RUNNER_ADDR, the one other origin that server lets call it (--allow-origin).
SIM_PORT ?= 18181
RUNNER_ADDR ?= 127.0.0.1:18182
test-browser:
	cargo build -p backup-server
	SIM_URL=http://127.0.0.1:$(SIM_PORT) WASM_BINDGEN_TEST_ADDRESS=$(RUNNER_ADDR) \
	  scripts/with-server.sh $(SIM_PORT) --job-speed 20 --allow-origin http://$(RUNNER_ADDR) -- \
	  cargo test -p backup-console --target wasm32-unknown-unknown --test '*'

# The release dist/ served by the real server, driven through WebDriver.
test-e2e:
	cargo build -p backup-server
	cargo test -p e2e --test size_budget -- --nocapture
	cargo test -p e2e -- --test-threads=1 --skip first_load_transfer

# First-load transfer of the release build: the size check of `make test`, with its figures.
size: dist
	cargo build -p backup-server
	cargo test -q -p e2e --test size_budget -- --nocapture

# Who owns the main module's bytes (twiggy on a names-kept build): target/size/, README table.
size-owners: setup
	@command -v twiggy >/dev/null || cargo install --locked twiggy --version 0.8.0
	bash scripts/size-owners.sh

clean:
	cargo clean
	rm -rf dist .sim

# Fuzz the decoding entry point (not part of `make test`). FUZZ_SECONDS=600 for the issue's run.
FUZZ_SECONDS ?= 60
fuzz: setup
	@command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
	mkdir -p fuzz/corpus/decode
	cd fuzz && cargo +$(RELEASE_TOOLCHAIN) fuzz run decode corpus/decode seeds/decode -- -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -rss_limit_mb=2048

# Screenshots for docs/ (the dialog in each state, light and dark) from the release build.
screenshots: dist
	cargo build -p backup-server
	cargo run -p e2e --bin screenshots
	E2E_SCREENSHOTS_DIR=docs/screenshots cargo test -p e2e --test when_things_go_wrong

# Benchmark (not a test): sizes and speeds beside a baseline counter built in the same run.
# BENCH_LOADS (default 10) loads per start-up figure; BENCH_MINUTE_SECS (60) for request counts.
bench: dist
	bash scripts/build-release.sh bench/counter
	cargo build --release -p backup-server
	E2E_SERVER_BIN=$(CURDIR)/target/release/backup-server cargo run --release -p e2e --bin bench
