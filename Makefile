# Two commands do all set-up on a fresh machine with Python 3.11+ and make:
#   make run    create .venv, install, migrate, load the demo if the database is empty, serve
#   make test   the same venv plus the test tools, then the whole suite (two workers, then the browser)
#   make lint   ruff and mypy (types checked on qualcode/, app_pages/ and app.py)
#   make screenshots  the README's screenshots, taken by the browser tour (tests/browser/test_tour.py)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8501
APP ?= qualcode/ui/serve.py

.PHONY: run test lint screenshots clean-venv

# Each step says what it does; pip shows every package it fetches with a progress bar.
PIP_INSTALL := $(BIN)/python -m pip install --progress-bar on --disable-pip-version-check

$(BIN)/python:
	@echo "==> Creating the virtual environment in $(VENV) with $$($(PYTHON) --version 2>&1)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> Updating pip"
	@$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	@echo "==> Installing qualcode's $$(grep -c '^[A-Za-z]' requirements.txt) packages (the first time takes" \
		"a few minutes: spaCy, pandas and scikit-learn are large). Progress follows."
	@$(PIP_INSTALL) -r requirements.txt
	@echo "==> Installed."
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	@echo "==> Installing the test and lint tools"
	@$(PIP_INSTALL) -r requirements-dev.txt
	@touch $@

run: $(VENV)/.installed
	@$(BIN)/python -m qualcode setup --if-empty
	@echo "==> Starting qualcode: open http://$(HOST):$(PORT) in your browser (Ctrl+C stops it)."
	@$(BIN)/streamlit run $(APP) --server.address $(HOST) --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

# The suite in two runs: everything but the browser tests on $(TEST_WORKERS) workers (pytest-xdist;
# each test has its own database), then the browser tests one at a time (each drives its own
# Streamlit server and Chromium, which want the machine's cores to themselves). Both always run;
# the target fails if either does.
TEST_WORKERS ?= 2
test: $(VENV)/.installed-dev
	@echo "==> The suite but the browser tests, on $(TEST_WORKERS) workers"
	@$(BIN)/python -m pytest -n $(TEST_WORKERS) --ignore=tests/browser; rest=$$?; \
	echo "==> The browser tests, one at a time"; \
	$(BIN)/python -m pytest tests/browser; browser=$$?; \
	echo "==> Exit codes: the rest $$rest, the browser tests $$browser"; \
	test $$rest -eq 0 && test $$browser -eq 0

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/mypy

# The README's screenshots: the browser tour of the main screens on the demo, in English.
screenshots: $(VENV)/.installed-dev
	QUALCODE_SCREENSHOTS_DIR=docs/screenshots $(BIN)/python -m pytest -q tests/browser/test_tour.py

clean-venv:
	rm -rf $(VENV)
