# Two commands on a fresh machine: `make run` and `make test`. Everything else is set up on the way.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
PIP := $(BIN)/python -m pip install --disable-pip-version-check --progress-bar on
# setuptools names every non-package folder of an editable install on stderr: noise, not a problem.
QUIET_SETUPTOOLS := 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)

.PHONY: run test bench lint format browser clean

# What running qcoder needs (about 1 GB; `make run`), then the tools to develop it: tests, browser driver, linter,
# benchmarks (about 0.4 GB more; `make test`). pip shows what it fetches and installs as it goes.
RUNTIME := $(VENV)/.runtime
DEV := $(VENV)/.dev
$(RUNTIME): pyproject.toml
	@$$(test -x $(BIN)/python && echo $(BIN)/python || echo $(PYTHON)) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || { \
	  echo "qcoder 需要 Python 3.11：用 PYTHON=/path/to/python3.11 指定；.venv 由其他版本建立时先 make clean / qcoder needs Python 3.11: set PYTHON=...; make clean first if .venv was made with another" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "安装运行 qcoder 所需的包（约 1 GB，首次需几分钟）/ installing what running qcoder needs (about 1 GB, minutes the first time)"
	$(PIP) -e . $(QUIET_SETUPTOOLS)
	touch $@

$(DEV): $(RUNTIME)
	@echo "安装开发工具（测试、浏览器驱动、ruff）/ installing the development tools (tests, browser driver, ruff)"
	$(PIP) -e '.[dev]' $(QUIET_SETUPTOOLS)
	touch $@

# irrCAC (GPL-3.0; the tests' check of Gwet's AC1, never run by qcoder) pins pandas<3 and scipy==1.12, which
# qcoder's pandas 3 and numpy 2 exclude, so it cannot be a dev extra; it runs on them, so the tests get it
# without its pins, and an environment made only to run the app never holds it.
TEST_TOOLS := $(VENV)/.test-tools
$(TEST_TOOLS): $(DEV)
	$(PIP) --quiet --no-deps 'irrcac==0.4.4'
	touch $@

# `qcoder app` builds the demo project (coder/demo: corpus, codebook, gold codings) into an empty database on
# the first start only, so a researcher's codings are never rebuilt away; an existing one is upgraded and synced
# with ./codebook.yaml when there is one (coder.serve.prepare; a failed build leaves no database behind).
run: $(RUNTIME)
	$(BIN)/qcoder app --port $(PORT)

# Browser tests drive Debian's Chromium; install it (and a CJK font for screenshots) when missing.
browser:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-wqy-zenhei; }

test: $(TEST_TOOLS) browser
	$(BIN)/python -m pytest -q

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEV)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(DEV)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
