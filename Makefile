# Amity — the two set-up commands are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test test-sqlite test-pg install install-test assets chromium lint bench bench-extract bench-intake serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Front-end assets come from npm (no CDN at run time) and are served by WhiteNoise.
assets: amity/static/vendor/.stamp
amity/static/vendor/.stamp: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p amity/static/vendor
	cp frontend/node_modules/htmx.org/dist/htmx.min.js amity/static/vendor/
	cp frontend/node_modules/@picocss/pico/css/pico.min.css amity/static/vendor/
	touch $@

# Browser tests drive Debian's chromium through Playwright; PDF exports embed DejaVu (Vietnamese glyphs).
chromium:
	@if ! command -v chromium >/dev/null 2>&1 || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
	  echo "Installing Debian's chromium and fonts-dejavu-core"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	fi

demo: install assets
	$(BIN)/amity migrate --noinput
	$(BIN)/amity load_reference
	$(BIN)/amity demo_setup
	$(BIN)/amity gazetteer build
	$(BIN)/amity ingest amity/intake/demo --user demo --owner vufo
	@echo ""
	@echo "Amity is starting on http://$(HOST):$(PORT)/ — log in as demo / demo (Ctrl-C stops it)."
	$(BIN)/amity runserver $(HOST):$(PORT) --noreload

serve: install assets
	$(BIN)/amity runserver $(HOST):$(PORT)

lint: install-test
	$(BIN)/ruff check amity tests bench

test: install-test assets chromium lint
	$(MAKE) --no-print-directory test-sqlite
	@if $(BIN)/python -m amity.core.dbcheck "$(PG_URL)"; then \
	  $(MAKE) --no-print-directory test-pg; \
	elif [ "$${CI:-}" = "true" ]; then \
	  echo "PostgreSQL at $(PG_URL) is required on CI and is not reachable"; exit 1; \
	else \
	  echo "PostgreSQL not reachable at $(PG_URL): PostgreSQL run skipped (it is required on CI)"; \
	fi

test-sqlite:
	@echo "=== Test suite on SQLite"
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-pg:
	@echo "=== Test suite on PostgreSQL ($(PG_URL))"
	DATABASE_URL=$(PG_URL) $(BIN)/pytest $(PYTEST_ARGS)

bench: bench-extract bench-intake

bench-extract: install
	$(BIN)/python bench/bench_extract.py

bench-intake: install
	$(BIN)/python bench/bench_intake.py

clean:
	rm -rf $(VENV) var frontend/node_modules amity/static/vendor
