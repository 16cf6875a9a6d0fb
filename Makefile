# The two commands of the README: `make run` and `make test`. Everything they need is
# installed here, into .venv and node_modules, so a fresh clone works with only
# Python 3.11+ (and Node.js, for the GOV.UK Frontend styles, when present).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 6012

.PHONY: run test bootstrap lint fmt migrate worker beat bench clean

run: bootstrap
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	DEBUG=$${DEBUG:-true} $(PY) manage.py runserver $(PORT)

test: bootstrap
	$(PY) -m pytest $(PYTEST_ARGS)

bootstrap: $(VENV)/.installed node_modules/.installed

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstalls only when a requirements file changes, so the second run is quick.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: pages will be served without GOV.UK Frontend styles"; \
	fi

lint: bootstrap
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: bootstrap
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrate: bootstrap
	$(PY) manage.py migrate --noinput

worker: bootstrap
	$(VENV)/bin/celery -A notify_admin worker --loglevel=info

beat: bootstrap
	$(VENV)/bin/celery -A notify_admin beat --loglevel=info

bench: bootstrap
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules
