# ESF-portalen. `make run` and `make test` work on a fresh machine: they create .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
export DJANGO_SETTINGS_MODULE := esfportal.settings

.PHONY: help setup run test lint demo messages screenshots bench load clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP) messages  ## virtual environment, dependencies, compiled translations

messages: $(STAMP)  ## compile locale/*.po (needs GNU gettext's msgfmt)
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv -v0; \
	else echo "msgfmt not found (apt-get install gettext): pages stay in Swedish"; fi

run: export DJANGO_DEBUG = true
run: setup  ## SQLite, migrations, seed pages and news, demo data, dev server on 127.0.0.1:8000
	$(PY) manage.py migrate --no-input
	$(PY) manage.py import_projectbank fixtures/projectbank
	$(PY) manage.py import_news fixtures/news
	$(PY) manage.py generate_demo --projects 2000 --seed 1 --if-empty
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup  ## the whole suite; PostgreSQL when DATABASE_URL is set, else SQLite
	$(PY) -m pytest

lint: setup  ## ruff and the migrations check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

demo: setup  ## 100 000 demo projects (replaces earlier demo rows)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py generate_demo --projects 100000 --seed 1

BENCH_N ?= 100000
bench: setup  ## harness smoke test, then portal vs Datasette (wrk; cache misses: misses.py), query plans, timings: BENCH_N projects in DATABASE_URL (PostgreSQL; wrk)
	$(PY) -m pip install -q -e ".[dev,bench]"
	$(PY) bench/smoke.py
	$(PY) bench/compare.py --projects $(BENCH_N)
	$(PY) bench/misses.py --skip-generate
	$(PY) bench/plans.py
	$(PY) bench/pages.py
	$(PY) bench/dashboard.py
	$(PY) bench/exports.py
	$(PY) bench/import_operations.py

load: setup  ## wrk 60 s on gunicorn + a concurrent import; DATABASE_URL=postgres://…/esfportal_load (needs wrk)
	$(PY) bench/load.py

screenshots: setup  ## PNGs of the pages (Chromium), into screenshots/
	$(PY) -m pytest tests/browser -m browser --screenshots -q

clean:  ## remove the virtual environment and the SQLite database
	rm -rf $(VENV) db.sqlite3 staticfiles
