# Two-command quick start: `make run` serves the portal, `make test` runs every check.
PYTHON ?= python3
PORT ?= 5000
# pytest-xdist workers for `make test`: one per core on SQLite (`make test TEST_WORKERS=0` runs in one
# process). On PostgreSQL one process: transaction horizons are cluster-wide, so one worker's open
# transaction would hold back the change-log marks another worker's tests wait for.
TEST_WORKERS ?= $(if $(PORTAL_TEST_DATABASE_URL),0,auto)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
TRANSLATIONS := portal/translations
PO := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test lint translations extract-messages setup setup-dev browser-deps serve-prod bench bench-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime translations
setup-dev: $(VENV)/.dev translations

%.mo: %.po $(VENV)/.runtime
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ --statistics

translations: $(MO)

## Collect new strings into the catalogues (then translate them in the .po files).
extract-messages: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k lazy_pgettext:1c,2 -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching

run: setup
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	$(FLASK) search apply 2>/dev/null || true
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

## Debian's chromium and a CJK font for the browser tests, installed when missing and apt-get is usable.
browser-deps:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi 'noto.*cjk'; then \
		echo "chromium and CJK font present"; \
	elif command -v apt-get >/dev/null 2>&1; then \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else \
		echo "apt-get not available: browser tests will be skipped"; \
	fi

test: setup-dev browser-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

lint: $(VENV)/.dev
	$(BIN)/ruff check .

bench: setup-dev
	$(BIN)/python bench/search_quality.py

## Bench-only packages (tantivy, for `bench/search.py --compare tantivy`); `make test` does not need them.
bench-deps: $(VENV)/.dev
	$(BIN)/pip install --quiet -r requirements-bench.txt

serve-prod: setup
	$(FLASK) db upgrade
	$(BIN)/gunicorn --workers 4 --bind 127.0.0.1:8000 'portal:create_app()'

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
