# The portal's everyday commands; `make help` lists them.
#   make run    needs Python 3.11; installs the runtime only (requirements/local.txt)
#   make test   needs Python 3.11; installs the test tools too (requirements.txt),
#               Chromium for the browser tests (Debian's package) and, with npm,
#               axe-core, Chart.js and Lighthouse (package.json)
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
ASSETS := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run worker install browser migrate demo test lint format messages bench bench-tools bench-quick clean

help: ## List the targets
	@echo "Targets (HOST=$(HOST) PORT=$(PORT) can be changed: make run PORT=8111):"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/bin/python:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || python3 -m venv $(VENV)
	@$(PIP) install --quiet --upgrade pip

$(RUNTIME): $(VENV)/bin/python requirements/base.txt requirements/local.txt
	@echo "Installing the portal's runtime (requirements/local.txt)..."
	@$(PIP) install --progress-bar off -r requirements/local.txt | grep -E '^(Collecting|Successfully)' || true
	@$(PY) -c "import django, django_tasks_db, honcho" && touch $(RUNTIME)

$(DEV): $(RUNTIME) requirements.txt requirements/dev.txt
	@echo "Installing the test and lint tools (requirements/dev.txt)..."
	@$(PIP) install --progress-bar off -r requirements.txt | grep -E '^(Collecting|Successfully)' || true
	@$(PY) -c "import pytest, playwright" && touch $(DEV)

# Chart.js for the reports and axe-core for the accessibility tests, from the
# npm registry, served by the portal itself; Lighthouse for bench/lighthouse.py.
# Without npm the reports show their tables only and the accessibility tests
# say they were skipped.
# Lighthouse's trace engine asks for the "latest" third-party-web and
# legacy-javascript; package.json pins them (overrides) so that the lock stays
# valid for `npm ci` when those packages publish a new version.
$(ASSETS): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  echo "Installing front-end assets with npm (package-lock.json)..."; \
	  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch $(ASSETS); \
	else echo "npm not found: the reports will show tables without charts"; fi

install: $(DEV) $(ASSETS) ## Install everything a developer needs

migrate: $(RUNTIME)
	@$(PY) manage.py migrate --noinput -v0

demo: migrate
	@$(PY) manage.py seed_demo
	@$(PY) manage.py create_demo_accounts

run: $(RUNTIME) $(ASSETS) demo ## The portal with demo data and its task worker (Ctrl-C stops both)
	@echo "Serving at http://$(HOST):$(PORT)/ (back office: http://$(HOST):$(PORT)/admin/)"
	@echo "The task worker sends the e-mails; they are printed below."
	@PATH="$(CURDIR)/$(VENV)/bin:$$PATH" HOST=$(HOST) COPP_PORT=$(PORT) \
	  SITE_URL=http://$(HOST):$(PORT) $(VENV)/bin/honcho start -f Procfile

worker: $(RUNTIME) ## Only the task worker (e-mails, exports, periodic duties)
	@$(PY) manage.py db_worker --queue-name='*'

# The browser tests drive Debian's Chromium (Playwright cannot download one here).
browser: ## Install Chromium for the browser tests (Debian's package; as root)
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Chromium from Debian's packages for the browser tests (about 100 MB)..."; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core; \
	else echo "Chromium is missing: 'sudo apt-get install --no-install-recommends chromium' (the browser tests are skipped without it)"; fi

test: install browser ## The whole test suite (PostgreSQL when DATABASE_URL is set, SQLite otherwise)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(DEV) ## ruff, formatting, the layers contract and types
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m mypy

format: $(DEV) ## Format the code and fix what ruff can
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Extract strings into locale/*/LC_MESSAGES/django.po, then compile the catalogs.
messages: $(DEV) ## Update and compile the translation catalogs
	$(PY) manage.py makemessages -l ru -l en --no-obsolete --ignore '$(VENV)/*' --ignore 'bench/*' --ignore 'tests/*' --ignore 'node_modules/*'
	$(PY) manage.py compilemessages --ignore '$(VENV)/*'

BENCHES := pages submissions changelist export reports load fault tasks backup_restore papers lighthouse

# wrk loads the server from a second process far beyond what Python threads
# can send; without it bench/pages.py falls back to threads and says so.
bench-tools: ## Install wrk for the page benchmarks (Debian's package; as root)
	@if command -v wrk >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing wrk from Debian's packages for the page benchmarks..."; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wrk >/dev/null \
	  || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wrk; }; \
	else echo "wrk is missing: 'sudo apt-get install wrk' (the page benchmarks use Python threads without it)"; fi

bench: install bench-tools ## Every benchmark in full (PostgreSQL and Redis on loopback)
	@for b in $(BENCHES); do $(PY) bench/$$b.py || exit 1; done

bench-quick: install bench-tools ## Every benchmark in its quick mode, as CI runs them
	@for b in $(BENCHES); do $(PY) bench/$$b.py --quick || exit 1; done

clean: ## Remove the virtualenv, the local database and uploads, collected static files
	rm -rf $(VENV) var staticfiles .pytest_cache node_modules
