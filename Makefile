# Two commands on a fresh machine: `make run` and `make test`. Everything else is set up on the way.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DB := db/qcoder.sqlite
PORT ?= 8501
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: run test bench lint format demo browser clean

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -e '.[dev]' 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
	touch $@

# irrCAC (GPL-3.0; the tests' check of Gwet's AC1, never run by qcoder) pins pandas<3 and scipy==1.12, which
# qcoder's pandas 3 and numpy 2 exclude, so it cannot be a dev extra; it runs on them, so the tests get it
# without its pins, and an environment made only to run the app never holds it.
TEST_TOOLS := $(VENV)/.test-tools
$(TEST_TOOLS): $(INSTALLED)
	$(PIP) --no-deps 'irrcac==0.4.4'
	touch $@

# The demo project: built from corpus/ on the first start only, so a researcher's codings are never rebuilt away.
# The gold quotes come in as a demo coder's finished work, so triangulation has evidence to check.
DEMO_CODER := 演示编码员
demo: $(INSTALLED)
	@if [ -f $(DB) ]; then $(BIN)/qcoder init; else \
	  $(BIN)/qcoder init && $(BIN)/qcoder import corpus && $(BIN)/qcoder tag \
	  && $(BIN)/qcoder code import corpus/gold --coder $(DEMO_CODER) \
	  && $(BIN)/qcoder fieldwork 2024-01-10 2024-03-31 --coder $(DEMO_CODER) \
	  || { rm -f $(DB) $(DB)-wal $(DB)-shm; exit 1; }; fi

run: demo
	$(BIN)/python -m streamlit run app.py --server.headless=true --server.port=$(PORT) \
	  --browser.gatherUsageStats=false

# Browser tests drive Debian's Chromium; install it (and a CJK font for screenshots) when missing.
browser:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-wqy-zenhei; }

test: $(TEST_TOOLS) browser
	$(BIN)/python -m pytest -q

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(INSTALLED)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
