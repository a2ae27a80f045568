# WeConnect Service Desk — everything a fresh machine needs goes through here.
SHELL := /bin/bash
# The Python of .python-version (3.13): python3.13 if it is on the PATH, else python3, whose
# version is checked before the virtual environment is made (make PYTHON=/path/to/python3.13 …).
PYTHON_VERSION := $(shell cut -d. -f1,2 .python-version)
PYTHON ?= $(shell command -v python$(PYTHON_VERSION) || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed
# make run PORT=8100
PORT ?= 8000
# GNU gettext's compiler. Optional: the compiled catalogues (locale/*/LC_MESSAGES/django.mo) are committed.
MSGFMT ?= $(shell command -v msgfmt)

.PHONY: run test lint format install python browser messages worker sweeper migrate demo check-deploy bench clean drills celery-worker celery-beat

# Fails with a clear message when the Python that would make (or made) the virtual environment is
# not $(PYTHON_VERSION).
python:
	@interpreter="$(PYTHON)"; [ -x $(BIN)/python ] && interpreter=$(BIN)/python; \
	if [ -z "$$interpreter" ] || ! "$$interpreter" -c 'import sys; sys.exit(sys.version_info[:2] != tuple(map(int, "$(PYTHON_VERSION)".split("."))))' 2>/dev/null; then \
	  echo "error: Python $(PYTHON_VERSION) is required (.python-version), found: $${interpreter:-no python3} $$($${interpreter:-false} --version 2>&1)." >&2; \
	  echo "  Install Python $(PYTHON_VERSION) (apt-get install python$(PYTHON_VERSION) python$(PYTHON_VERSION)-venv, pyenv install $(PYTHON_VERSION), or uv python install $(PYTHON_VERSION))" >&2; \
	  echo "  and run make again, or point to it: make PYTHON=/path/to/python$(PYTHON_VERSION) run." >&2; \
	  if [ -x $(BIN)/python ]; then echo "  $(VENV) was made with another Python: remove it (rm -rf $(VENV))." >&2; fi; \
	  exit 1; \
	fi

$(STAMP): requirements.lock requirements-dev.lock | python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock requirements-dev.lock
	@touch $(STAMP)

install: python $(STAMP)

# Debian's Chromium for the browser tests (Playwright's own browser download does not work here),
# poppler's pdftoppm, which turns the advisory report PDF into the picture the journey keeps, and
# GNU gettext for the translation check of `make lint`. Installed when missing and make runs as
# root on a system with apt-get; otherwise the browser tests are skipped (and the PDF picture and
# the translation check with them).
browser:
	@missing=""; command -v chromium >/dev/null || missing="chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v msgcmp >/dev/null || missing="$$missing gettext"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's $$missing for the browser tests…"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; } \
	    || echo "Could not install $$missing: the browser tests that need it will be skipped."; \
	else \
	  echo "$$missing not found (installing needs root and apt-get): the browser tests that need it will be skipped."; \
	fi

migrate: install
	@mkdir -p var
	$(MANAGE) migrate --noinput

# Loads the demo data (idempotent) and prints the logins. It serves nothing: `make run` does.
# (The sed drops seed_demo's own "Abra http://127.0.0.1:8000/" line, which named a URL nobody serves.)
demo: migrate
	@set -o pipefail; $(MANAGE) seed_demo | sed '/^Abra http/d'
	@echo "make run serves them at http://127.0.0.1:$(PORT)/ (back office at /admin/, login admin)."

# Recompiles the translations when GNU gettext is there; never fails `make run` without it.
messages: install
	@if [ -z "$(MSGFMT)" ]; then \
	  echo "msgfmt (GNU gettext) not found: using the committed translations (locale/*/LC_MESSAGES/django.mo)."; \
	else \
	  $(MANAGE) compilemessages --ignore=.venv --ignore=var -v0 \
	    || echo "compilemessages failed: using the committed translations."; \
	fi

# Serves http://127.0.0.1:$(PORT)/ with the database task worker and the SLA sweeper beside it
# (scripts/run.py). Ctrl-C or SIGTERM stops all of them, and so does the exit of any one of them.
run: demo messages
	@exec $(BIN)/python scripts/run.py --port $(PORT)

worker: install
	$(MANAGE) db_worker --queue-name '*'

sweeper: install
	$(MANAGE) sla_sweeper

# Production's background work (REDIS_URL / CELERY_BROKER_URL): docs/deployment.md.
celery-worker: install
	$(BIN)/celery -A servicedesk.core.celery_app worker --concurrency 2 --loglevel INFO

celery-beat: install
	@mkdir -p var
	$(BIN)/celery -A servicedesk.core.celery_app beat --loglevel INFO --schedule var/celerybeat-schedule

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_messages.py

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

# The whole suite but the fault drills. DATABASE_URL=postgres://… runs it on PostgreSQL; unset, on SQLite.
test: install browser lint check-deploy
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 2 -m "not drill"

# The fault drills of issue 12 (a Celery worker killed, Redis stopped for 60 s, PostgreSQL
# restarted, storage read-only, backup and restore): they start their own workers, Redis and
# PostgreSQL cluster (port 5499); .ci/run runs them after the suites. The Redis outage adds its
# length to the run (make drills DRILL_REDIS_OUTAGE_SECONDS=5 for a quick one).
DRILL_REDIS_OUTAGE_SECONDS ?= 60
drills: install
	DRILL_REDIS_OUTAGE_SECONDS=$(DRILL_REDIS_OUTAGE_SECONDS) $(BIN)/python -m pytest -q -p no:cacheprovider -n 0 -m drill

bench: install
	$(BIN)/python benchmarks/calendar.py
	$(BIN)/python benchmarks/clocks.py

clean:
	rm -rf var .pytest_cache
