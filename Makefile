# Linju — two commands: `make run` and `make test`. Every other target is a step of those.
# Everything is installed from crates.io, npm and Debian packages by name; nothing downloads
# prebuilt binaries.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

PORT ?= 8080
SITE := target/site
WASM_TARGET := wasm32-unknown-unknown
# wasm-release for everything served; wasm-fast (no LTO, no wasm-opt) while working on the app.
APP_PROFILE ?= wasm-release
# The wasm-bindgen CLI must match the library version locked in Cargo.lock exactly.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ {getline; gsub(/"/, "", $$3); print $$3; exit}' Cargo.lock)
WASM_OPT := end2end/node_modules/.bin/wasm-opt
# Features Chromium and the Rust wasm target both use; wasm-opt must keep them.
WASM_FEATURES := --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
                 --enable-mutable-globals --enable-reference-types --enable-multivalue
CARGO_BIN := $(HOME)/.cargo/bin
export PATH := $(CARGO_BIN):$(PATH)

.PHONY: run test setup tools wasm-target wasm-bindgen-cli npm chromium app bench-outbox server-debug server-release \
        test-rust test-e2e fuzz fuzz-tools bench bench-map clean

## make run — build everything and serve the demo on http://127.0.0.1:$(PORT)
run: tools app server-release
	@mkdir -p data
	LINJU_DEMO=$${LINJU_DEMO:-1} LINJU_DEMO_STORIES=$${LINJU_DEMO_STORIES:-1} LINJU_DEMO_HISTORY_MONTHS=$${LINJU_DEMO_HISTORY_MONTHS:-12} PORT=$(PORT) LINJU_SITE_DIR=$(SITE) target/release/server serve

## make test — unit, API (SQLite and PostgreSQL), fuzzing and browser tests
test: tools fuzz-tools app server-debug
	@mkdir -p target/test-logs
	@rm -f target/test-logs/*.log
	@status=0; \
	pg_url="$$(.ci/postgres.sh)"; \
	nginx_bin="$$(.ci/nginx.sh)" || status=1; \
	echo "== unit and API tests (SQLite and PostgreSQL at $${pg_url%%@*}@…)"; \
	LINJU_TEST_POSTGRES_URL="$$pg_url" cargo test --no-fail-fast -p shared -p migrations -p server -p app 2>&1 | tee target/test-logs/rust.log || status=1; \
	echo "== fuzzing the API over its OpenAPI document (schemathesis; SQLite and PostgreSQL)"; \
	.ci/fuzz.sh target/debug/server "$$pg_url" 2>&1 | tee target/test-logs/fuzz.log || status=1; \
	echo "== browser tests (headless Chromium)"; \
	LINJU_TEST_POSTGRES_URL="$$pg_url" LINJU_NGINX="$$nginx_bin" $(MAKE) --no-print-directory test-e2e 2>&1 | tee target/test-logs/e2e.log || status=1; \
	passed=$$(cat target/test-logs/*.log | awk '/^test result:/ {for (i=1;i<=NF;i++) if ($$i ~ /^passed;?$$/) s+=$$(i-1)} /^# pass / {s+=$$3} END {print s+0}'); \
	failed=$$(cat target/test-logs/*.log | awk '/^test result:/ {for (i=1;i<=NF;i++) if ($$i ~ /^failed;?$$/) s+=$$(i-1)} /^# fail / {s+=$$3} END {print s+0}'); \
	echo "== summary"; \
	echo "$$passed passed, $$failed failed"; \
	exit $$status

test-rust: server-debug
	LINJU_TEST_POSTGRES_URL="$$(.ci/postgres.sh)" cargo test --no-fail-fast -p shared -p migrations -p server -p app

## make fuzz — schemathesis over the live API on SQLite and PostgreSQL (.ci/fuzz.sh)
fuzz: fuzz-tools server-debug
	.ci/fuzz.sh target/debug/server "$$(.ci/postgres.sh)"

# schemathesis from PyPI, by name and version, in a venv of its own.
SCHEMATHESIS_VERSION := 4.32.5
FUZZ_VENV := target/venv
fuzz-tools: $(FUZZ_VENV)/.schemathesis-$(SCHEMATHESIS_VERSION)

$(FUZZ_VENV)/.schemathesis-$(SCHEMATHESIS_VERSION):
	@python3 -m venv $(FUZZ_VENV) 2>/dev/null || { export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq python3-venv && python3 -m venv $(FUZZ_VENV); }
	$(FUZZ_VENV)/bin/pip install --quiet --disable-pip-version-check "schemathesis==$(SCHEMATHESIS_VERSION)"
	@touch $@

# The cluster test (tests/cluster.test.mjs: three processes behind nginx) needs PostgreSQL and
# nginx: `make test` passes LINJU_TEST_POSTGRES_URL (.ci/postgres.sh) and LINJU_NGINX (.ci/nginx.sh);
# without the URL it skips, saying why.
test-e2e: npm chromium
	cd end2end && LINJU_SERVER_BIN=../target/debug/server LINJU_SITE_DIR=../$(SITE) \
		node --test --test-concurrency=1 --test-reporter=tap tests/

## make bench — the hierarchy on a 200,000-resident district; the board with 10,000 cases;
## 1,000 residents voting at once on a council ballot; one supervision pass over 10,000 open cases;
## the map with 10,000 buildings and 2,000 case pins
bench: bench-map
	LINJU_BENCH_POSTGRES_URL="$$(.ci/postgres.sh)" cargo bench -p server --bench hierarchy --bench board --bench endpoints --bench council --bench supervision

## make bench-map — first drawing and frame times of the map in headless Chromium
bench-map: tools app server-release npm chromium
	cd end2end && LINJU_SERVER_BIN=../target/release/server LINJU_SITE_DIR=../$(SITE) node bench/map.mjs

## make bench-outbox — an outbox of 50 reports (10 with photos) draining on loopback, and a
## repeat visit with a warm service worker (bytes over the network, time to the home page)
bench-outbox: tools app server-release npm chromium
	cd end2end && LINJU_SERVER_BIN=../target/release/server LINJU_SITE_DIR=../$(SITE) node bench/outbox.mjs

setup tools: wasm-target wasm-bindgen-cli npm

wasm-target:
	@rustup target list --installed | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)

wasm-bindgen-cli:
	@if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $(WASM_BINDGEN_VERSION)"; then \
		echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION)"; \
		cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); \
	fi

npm: end2end/node_modules/.package-lock.json

end2end/node_modules/.package-lock.json: end2end/package.json end2end/package-lock.json
	cd end2end && npm ci --no-audit --no-fund
	@touch $@

chromium:
	@{ command -v chromium && command -v pdftotext; } >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk poppler-utils; }

## The browser app: wasm (size-optimised profile) → wasm-bindgen → wasm-opt → target/site
app: wasm-target wasm-bindgen-cli npm
	cargo build -p app --target $(WASM_TARGET) --profile $(APP_PROFILE)
	@mkdir -p $(SITE)
	wasm-bindgen --target web --no-typescript --out-dir $(SITE) --out-name app \
		target/$(WASM_TARGET)/$(APP_PROFILE)/app.wasm
	@if [ "$(APP_PROFILE)" = wasm-release ]; then $(WASM_OPT) -Oz $(WASM_FEATURES) $(SITE)/app_bg.wasm -o $(SITE)/app_bg.wasm; fi
	cp style/main.css $(SITE)/app.css
	cp app/index.html $(SITE)/index.html
	cp app/favicon.svg $(SITE)/favicon.svg
	cp app/manifest.webmanifest app/sw.js $(SITE)/
	@mkdir -p $(SITE)/icons
	cp app/icons/*.png $(SITE)/icons/
	@ls -l $(SITE) | awk 'NR>1 {printf "  %-14s %8d bytes\n", $$9, $$5}'

server-debug:
	cargo build -p server

server-release:
	cargo build --release -p server

clean:
	cargo clean
	rm -rf end2end/node_modules end2end/artifacts
