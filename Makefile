# The two commands a new machine needs: `make run` and `make test`. Only Python 3.11+ is assumed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# pytest-xdist processes. Items go to workers in collection order, where pytest-django puts
# tests that flush the database last, so no worker runs a test after a flush it did not expect
# (--dist loadscope would send a module's flushing test before another module's tests).
PYTEST_WORKERS ?= auto
export DJANGO_SETTINGS_MODULE ?= portal.settings.dev

.PHONY: run test install install-dev lint browser-deps messages clean

run: install  ## Migrate, load the demo content and serve the site on http://127.0.0.1:$(PORT)/
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install-dev  ## Run the whole test suite (set DATABASE_URL to test on PostgreSQL)
	DJANGO_SETTINGS_MODULE=portal.settings.test $(BIN)/python -m pytest \
		-n $(PYTEST_WORKERS) $(PYTEST_ARGS)

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
	$(BIN)/python manage.py makemessages --locale zh_Hans --ignore '.venv/*' --ignore 'var/*'
	$(BIN)/python manage.py compilemessages --locale zh_Hans --ignore '.venv/*'

clean:
	rm -rf $(VENV) var
