# Two commands: `make run` (set up and serve on http://127.0.0.1:5000) and `make test` (type check, whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-dev lock translations migrate demo bench-demo bench-reports bench-import bench-load clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# Installs the locks (every package pinned, with hashes), not the direct pins in requirements*.txt.
$(VENV)/.installed: requirements.lock | $(VENV)/bin/python
	$(PY) -m pip install --disable-pip-version-check -q --require-hashes -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed
	$(PY) -m pip install --disable-pip-version-check -q --require-hashes -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The compiled catalogue is a file target: rebuilt only when the .po changes, so two `make test` runs side by
# side (CI runs SQLite and PostgreSQL at once) never write it while the other reads it.
MO := app/translations/en/LC_MESSAGES/messages.mo
$(MO): app/translations/en/LC_MESSAGES/messages.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d app/translations

translations: $(MO)

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
	$(VENV)/bin/mypy
	$(PY) -m pytest $(PYTEST_ARGS)

bench-demo: migrate
	$(PY) scripts/bench_demo.py

bench-reports: install
	$(PY) scripts/bench_reports.py

bench-import: install
	$(PY) scripts/bench_import.py

# Load benchmark: gunicorn (4 sync workers) over the demo database (data/bench-load.db, or DATABASE_URL), virtual
# users through the web forms and the API; e.g. `make bench-load BENCH_ARGS="--users 32 --mix 70/20/10"`.
bench-load: install-dev translations
	$(PY) scripts/bench_load.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) data/app.db data/app.db-* tests/artifacts

# Regenerate requirements.lock / requirements-dev.lock from requirements.txt / requirements-dev.txt with hashes.
# pip-tools runs from a throwaway venv ($(PIPTOOLS)), never from $(VENV). Pins already in a lock are kept unless a
# direct pin forces a change; `make lock LOCK_ARGS=--upgrade` re-resolves everything to the newest allowed versions.
PIPTOOLS ?= /tmp/piptools
PIPTOOLS_VERSION := 7.6.2
# Resolved against the default package index only: a machine's own find-links, extra indexes or constraints
# (pip config files, PIP_* variables) must not leak into the locks or their hashes.
PIP_PLAIN := env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL -u PIP_CONSTRAINT -u PIP_NO_INDEX \
	PIP_CONFIG_FILE=/dev/null
PIP_COMPILE := $(PIP_PLAIN) CUSTOM_COMPILE_COMMAND="make lock" $(PIPTOOLS)/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

lock:
	test -x $(PIPTOOLS)/bin/pip-compile || { $(PYTHON) -m venv $(PIPTOOLS) && \
		$(PIP_PLAIN) $(PIPTOOLS)/bin/pip install -q pip-tools==$(PIPTOOLS_VERSION); }
	$(PIP_COMPILE) --output-file requirements.lock requirements.txt
	$(PIP_COMPILE) --output-file requirements-dev.lock requirements-dev.txt
