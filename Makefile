# One command per job. `make site` and `make test` work on a fresh machine.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-dev
BASE_STAMP := $(VENV)/.installed-base
NPM_STAMP := node_modules/.installed
# torch==2.13.0 (CPU) comes from the machine's local wheel folder when it has one; never let pip
# resolve an unpinned torch from the index (that is a multi-GB CUDA build).
PIP_FLAGS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels,)

.PHONY: site test check lint format typecheck actionlint pytest jstest serve golden bench clean

# The site needs only the base install; tests add the dev tools and the export extra
# (torch==2.13.0, CPU wheel) for the ONNX export tests.
$(BASE_STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(PIP_FLAGS) -e .
	touch $(BASE_STAMP)

$(STAMP): $(BASE_STAMP)
	$(PY) -m pip install --quiet $(PIP_FLAGS) -e ".[dev,export]"
	touch $(STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

site: $(BASE_STAMP) $(NPM_STAMP)
	$(PY) build.py build

serve: $(BASE_STAMP) $(NPM_STAMP)
	$(PY) build.py serve

test: $(STAMP) $(NPM_STAMP) check

check: lint typecheck actionlint pytest jstest

lint: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

# The example workflow for content pull requests (the binary comes with the dev extra).
actionlint: $(STAMP)
	$(VENV)/bin/actionlint docs/ci/content-pr.yml

pytest: $(STAMP)
	$(VENV)/bin/pytest -q

jstest: $(NPM_STAMP)
	@if [ -d tests/js ]; then node --test tests/js/; fi

golden: $(STAMP)
	$(PY) -m tests.golden_refresh

bench: $(STAMP) $(NPM_STAMP)
	$(PY) -m pip install --quiet $(PIP_FLAGS) -e ".[dev,export,bench]"
	$(PY) benchmarks/site.py

clean:
	rm -rf public .cache .mypy_cache .ruff_cache .pytest_cache
