# The two commands of the README:
#   make run   - set up, build the console (release) and start the local server + simulator
#   make test  - set up, then every layer of tests: native, browser (wasm), end to end
# Everything a fresh machine lacks is installed by scripts/setup.sh (idempotent, seconds when done).

SHELL := /bin/bash
PORT ?= 8080
ADDR ?= 127.0.0.1
SERVER_ARGS ?=

# The project's own wasm-opt (npm binaryen) first on PATH; Trunk and the test runner from cargo.
export PATH := $(CURDIR)/.tools/bin:$(HOME)/.cargo/bin:$(PATH)
export TRUNK_SKIP_VERSION_CHECK := true
export CHROMEDRIVER ?= /usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT ?= 180
# The browser tests call the local server from the runner's origin: no COOP/COEP isolation.
export WASM_BINDGEN_TEST_NO_ORIGIN_ISOLATION := 1

.PHONY: run test setup dist server test-native test-browser test-e2e size bench clean

run: setup dist
	cargo build --release -p backup-server
	./target/release/backup-server --addr $(ADDR) --port $(PORT) --dist dist $(SERVER_ARGS)

test: setup
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory test-native test-browser dist test-e2e && \
	echo "make test: all layers passed in $$(( $$(date +%s) - start )) s"

setup:
	@bash scripts/setup.sh

# Release build of the console into dist/ (wasm-opt -Oz through Trunk).
dist: setup
	trunk build --release --offline

test-native:
	cargo test --workspace --exclude e2e

# wasm-bindgen-test in headless Chromium (runner set in .cargo/config.toml).
test-browser:
	cargo test -p backup-console --target wasm32-unknown-unknown --test '*'

# The release dist/ served by the real server, driven through WebDriver.
test-e2e:
	cargo build -p backup-server
	cargo test -p e2e -- --test-threads=1

# First-load transfer of the release build.
size: dist
	@bash scripts/size.sh dist

clean:
	cargo clean
	rm -rf dist .sim
