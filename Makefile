# Every target bootstraps .venv itself; nothing needs installing by hand.
# Python 3.12 or newer is taken from PATH or from pyenv.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTHON_BOOT := $(shell for p in python3.12 python3.13 python3; do \
	  c=$$(command -v $$p 2>/dev/null) && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && echo $$c && exit; done; \
	  for d in $$HOME/.pyenv/versions/3.12* $$HOME/.pyenv/versions/3.13*; do \
	  [ -x $$d/bin/python ] && echo $$d/bin/python && exit; done)
ENDPOINT ?= http://127.0.0.1:4566
FUNCTION ?= welcome_email
EVENT ?=

.PHONY: help demo test lint unit integration e2e test-projects test-localstack test-moto up deploy invoke trace bench clean

help:  ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON_BOOT)" ]; then echo "error: Python 3.12 or newer is needed (PATH or pyenv)"; exit 1; fi
	@[ -x $(PY) ] || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,service]'
	@touch $(STAMP)

demo: $(STAMP)  ## deploy the user service to the embedded local cloud and run it end to end
	$(VENV)/bin/localcloud demo

test: lint unit integration e2e  ## lint, unit, integration and e2e tests (CI then runs test-localstack)

lint: $(STAMP)  ## ruff, mypy, the layer contracts (import-linter) and cfn-lint
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	MYPYPATH=functions $(VENV)/bin/mypy functions --explicit-package-bases
	$(VENV)/bin/cfn-lint infra/template.yaml

unit: $(STAMP)  ## unit tests (no network)
	$(PY) -m pytest tests/unit -q

integration: $(STAMP)  ## engine semantics on a running local cloud
	$(PY) -m pytest tests/integration -q

e2e: $(STAMP)  ## the whole topology deployed, sources to final state
	$(PY) -m pytest tests/e2e -q

test-projects: $(STAMP)  ## localcloud's wheel in a fresh virtualenv, on the SAM projects in tests/projects/ (up, deploy, invoke, scenarios)
	timeout 900 $(PY) tests/projects/run.py

test-localstack:  ## the deployer against a real LocalStack (host mode, no Docker; own .venv-localstack, Python 3.13)
	bash tests/localstack/run.sh

test-moto:  ## moto's own server-mode test suites on moto's server and here, side by side (own .venv-moto)
	PYTHON_BOOT="$(PYTHON_BOOT)" bash tests/moto/run.sh

up: $(STAMP)  ## run the local cloud in the foreground on 127.0.0.1:4566
	$(VENV)/bin/localcloud up

deploy: $(STAMP)  ## deploy infra/template.yaml to ENDPOINT (a running local cloud or LocalStack)
	$(VENV)/bin/localcloud deploy --endpoint $(ENDPOINT)

invoke: $(STAMP)  ## invoke FUNCTION with EVENT (a file under events/) on ENDPOINT
	$(VENV)/bin/localcloud invoke $(FUNCTION) $(if $(EVENT),--event $(EVENT)) --endpoint $(ENDPOINT)

trace: $(STAMP)  ## show the last traces of a running local cloud
	$(VENV)/bin/localcloud trace --last 5 --endpoint $(ENDPOINT)

bench: $(STAMP)  ## benchmarks against MiniStack, results under bench/results/
	$(PY) bench/run.py

clean:  ## remove the virtualenv and caches
	rm -rf $(VENV) .venv-localstack .venv-moto .cache .pytest_cache .mypy_cache .ruff_cache .hypothesis
