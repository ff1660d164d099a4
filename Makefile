# The portal's everyday commands. `make run` and `make test` work on a fresh
# machine with Python 3.11 and nothing else.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install browser migrate demo test lint format messages bench bench-quick clean

$(STAMP): requirements.txt requirements/base.txt requirements/dev.txt package.json package-lock.json
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	@# Chart.js for the reports, from the npm registry; without npm the reports
	@# show their tables only.
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --ignore-scripts --loglevel=error; \
	  else echo "npm not found: the reports will show tables without charts"; fi
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py create_demo_accounts

run: demo
	@echo "Serving at http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# The browser tests drive Debian's Chromium (Playwright cannot download one here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing: sudo apt-get install chromium (browser tests will be skipped)"; fi; }

test: install browser
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Extract strings into locale/*/LC_MESSAGES/django.po, then compile the catalogs.
messages: install
	$(PY) manage.py makemessages -l ru -l en --no-obsolete --ignore '$(VENV)/*' --ignore 'bench/*' --ignore 'tests/*' --ignore 'node_modules/*'
	$(PY) manage.py compilemessages --ignore '$(VENV)/*'

bench: install
	$(PY) bench/catalog_rps.py
	$(PY) bench/submissions.py
	$(PY) bench/changelist.py
	$(PY) bench/export.py
	$(PY) bench/reports.py
	$(PY) bench/load.py
	$(PY) bench/fault.py
	$(PY) bench/backup_restore.py

bench-quick: install
	$(PY) bench/catalog_rps.py --quick
	$(PY) bench/submissions.py --quick
	$(PY) bench/changelist.py --quick
	$(PY) bench/export.py --quick
	$(PY) bench/reports.py --quick
	$(PY) bench/load.py --quick
	$(PY) bench/fault.py --quick
	$(PY) bench/backup_restore.py --quick

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
