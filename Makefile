# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin

.PHONY: run test serve lint format

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

## The portal on http://127.0.0.1:8000/ with a Celery worker and beat; Ctrl-C stops all.
## It also makes a demo shop (var/demo-shop.sqlite3) and loads its data map, so that the
## connectors can be tried at once (README, "Try the connectors").
run: export DEMO_SHOP_DATABASE_URL ?= sqlite:///$(CURDIR)/var/demo-shop.sqlite3
run: $(VENV)/.installed
	mkdir -p var staticfiles
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py ensure_officer
	$(BIN)/python manage.py demo_shop
	PATH="$(BIN):$$PATH" DEBUG=$${DEBUG:-true} $(BIN)/honcho start -f Procfile

## The production start: checks, migrations, static files, then gunicorn + worker + beat.
serve: $(VENV)/.installed
	$(BIN)/python manage.py preflight
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	mkdir -p var
	PATH="$(BIN):$$PATH" $(BIN)/honcho start -f Procfile.serve

## The whole test suite (SQLite and the embedded broker unless DATABASE_URL / REDIS_URL are set).
test: $(VENV)/.installed-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
