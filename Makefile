# Two commands for a fresh machine with Python 3.11 and make: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
KLIENTO := $(BIN)/kliento
PYTEST_ARGS ?=
export KLIENTO_HOME := $(CURDIR)

.PHONY: run test setup demo serve worker lint format typecheck layers messages chromium axe clean openapi

run: setup
	$(KLIENTO) migrate --no-input
	$(KLIENTO) demo
	$(KLIENTO) serve

test: setup chromium axe
	$(BIN)/pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed instance/kliento.env messages

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

instance/kliento.env: | $(VENV)/.installed
	$(KLIENTO) instance init

# Translation catalogues (.po) are committed; the build compiles them (.mo).
messages: | $(VENV)/.installed
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	cd src/kliento && ../../$(KLIENTO) compilemessages --verbosity 0

# axe-core (from npm, pinned in package-lock.json) is injected into pages by the browser
# tests to check WCAG 2.1 AA.
axe: node_modules/axe-core/axe.min.js

node_modules/axe-core/axe.min.js: package.json package-lock.json
	@command -v npm >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm)
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# Browser tests drive Debian's Chromium; Playwright never downloads its own.
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

worker: setup
	$(KLIENTO) worker

lint: setup
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench

format: setup
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

typecheck: setup
	$(BIN)/mypy

# The apps' layers and who imports whom (docs/architecture.md); fails on a cycle.
layers: setup
	$(BIN)/lint-imports --no-cache
	$(KLIENTO) layers

# The committed OpenAPI document; tests/api/test_openapi.py fails when it is stale.
openapi: setup
	$(KLIENTO) openapi

# Refresh the .po files after changing strings: make makemessages, translate, commit.
makemessages: setup
	cd src/kliento && ../../$(KLIENTO) makemessages -l fi -l sv -l en --no-obsolete --no-location --ignore "*/tests/*"

clean:
	rm -rf $(VENV) instance node_modules
