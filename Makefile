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

.PHONY: help run test venv dev-venv migrate demo backend-test deploy-test messages clean bench

help:
	@echo "make run   - set up and serve EventHub on http://$(HOST):$(PORT) (SQLite, demo data, payment simulator)"
	@echo "make test  - set up and run every test (PostgreSQL, headless Chromium)"
	@echo "make bench - race buyers for a quota through the reservation service (PostgreSQL; prints figures)"

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

run: demo
	@echo "EventHub on http://$(HOST):$(PORT)/ (admin: /admin/, mail: var/mail/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

backend-test: dev-venv
	@scripts/check-test-services
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m pytest -m "not deploy" $(PYTEST_ARGS)

# The production setup: docker-compose.yml validated by docker-compose, and the
# smoke test through gunicorn behind Debian's nginx over HTTPS (about 10 s).
deploy-test: dev-venv
	@scripts/check-test-services deploy
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m pytest -m deploy $(PYTEST_ARGS)

test: backend-test deploy-test

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
