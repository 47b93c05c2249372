# Two commands: `make run` (set up and serve on http://127.0.0.1:5000) and `make test` (whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-dev translations migrate demo bench-demo bench-reports bench-import clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d app/translations

migrate: install translations
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo --if-empty

run: demo
	@echo ""
	@echo "Demo accounts (password demo-2560): demo_lao (LAO officer), demo_province (provincial verifier),"
	@echo "  demo_national (national viewer), demo_admin (administrator)"
	@echo "Serving with the Flask development server on http://$(HOST):$(PORT)  (Ctrl+C stops)"
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-dev translations
	$(PY) -m pytest $(PYTEST_ARGS)

bench-demo: migrate
	$(PY) scripts/bench_demo.py

bench-reports: install
	$(PY) scripts/bench_reports.py

bench-import: install
	$(PY) scripts/bench_import.py

clean:
	rm -rf $(VENV) data/app.db data/app.db-* tests/artifacts
