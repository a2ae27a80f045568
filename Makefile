# WeConnect Service Desk — everything a fresh machine needs goes through here.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.13 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed

.PHONY: run test lint format install browser worker sweeper migrate demo check-deploy bench clean

$(STAMP): requirements.lock requirements-dev.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock requirements-dev.lock
	@touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the browser tests (Playwright's own browser download does not work here).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

migrate: install
	@mkdir -p var
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) seed_demo

# Serves on http://127.0.0.1:8000 with the database task worker and the SLA sweeper beside it.
run: demo
	@command -v msgfmt >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }
	$(MANAGE) compilemessages --ignore=.venv -v0 2>/dev/null || true
	@set -m; \
	$(MANAGE) db_worker --queue-name '*' & worker=$$!; \
	$(MANAGE) sla_sweeper & sweeper=$$!; \
	trap 'kill $$worker $$sweeper 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:8000

worker: install
	$(MANAGE) db_worker --queue-name '*'

sweeper: install
	$(MANAGE) sla_sweeper

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Django's deploy checks, then the documented deploy itself (migrate, collectstatic, gunicorn) answering
# the login page and static files with the production profile (.ci/smoke-production).
check-deploy: install
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY="$$(head -c 48 /dev/urandom | base64)" \
	DJANGO_ALLOWED_HOSTS=servicedesk.example SITE_URL=https://servicedesk.example DATABASE_URL=$${DATABASE_URL:-sqlite:///var/check.sqlite3} \
	$(BIN)/python manage.py check --deploy --fail-level WARNING
	bash .ci/smoke-production

# The whole suite. DATABASE_URL=postgres://… runs it on PostgreSQL; unset, on SQLite.
test: install browser lint check-deploy
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 2

bench: install
	$(BIN)/python benchmarks/calendar.py
	$(BIN)/python benchmarks/clocks.py

clean:
	rm -rf var .pytest_cache
