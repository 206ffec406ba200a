# The two commands a new machine needs: `make run` and `make test`. Only Python 3.11+ is assumed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# make run HOST=0.0.0.0 listens on the LAN too: links and QR codes then carry this machine's address.
HOST ?= 127.0.0.1
# pytest-xdist processes. Each starts on its share of the collection, in the order tests/conftest.py
# gives it, and steals from another's when done (--dist worksteal); they share one migrated
# database and the demo rows (tests/shared_db.py).
PYTEST_WORKERS ?= auto
export DJANGO_SETTINGS_MODULE ?= portal.settings.dev

.PHONY: run serve smoke test install install-dev lint browser-deps messages clean

# SITE_BASE_URL and ALLOWED_HOSTS for HOST:PORT (portal/demo.py), unless set already.
RUN_ENV = $(shell $(BIN)/python -m portal.demo $(HOST) $(PORT))

run: install  ## Migrate, load the demo content and serve the site on http://$(HOST):$(PORT)/
	$(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

serve: install  ## The production layout here: gunicorn, task worker, scheduler (deploy/serve.sh)
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(BIN)/python manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=portal.settings.dev $(BIN)/python manage.py seed_demo
	PORT=$(PORT) deploy/serve.sh

smoke: install  ## Boot the production layout and drive it through HTTP (deploy/smoke.py)
	$(BIN)/python deploy/smoke.py

test: install-dev  ## Run the whole test suite (set DATABASE_URL to test on PostgreSQL)
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python -m pytest \
		-n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(VENV)/.base-installed
$(VENV)/.base-installed: requirements/base.txt requirements/lock.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c requirements/lock.txt -r requirements/base.txt
	touch $@

install-dev: $(VENV)/.dev-installed
$(VENV)/.dev-installed: requirements/base.txt requirements/dev.txt requirements/lock.txt package-lock.json | $(BIN)/python
	$(BIN)/pip install --quiet -c requirements/lock.txt -r requirements/dev.txt
	# axe-core for the accessibility browser tests (tests/browser/test_look.py), when node is here.
	if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; fi
	touch $(VENV)/.base-installed $@

messages:  ## Refresh and compile the Chinese catalogue (needs gettext; the .mo is committed)
	$(BIN)/python manage.py makemessages --locale zh_Hans --ignore '.venv/*' --ignore 'var/*' --ignore 'node_modules/*'
	$(BIN)/python manage.py compilemessages --locale zh_Hans --ignore '.venv/*'

clean:
	rm -rf $(VENV) var
