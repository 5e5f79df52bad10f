# Two commands do everything: `make demo` and `make test`. Both create .venv and install on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8501
SCALE ?= 200000

.PHONY: install demo test lint bench serve clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cxpulse needs Python 3.11 or newer; run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/cxpulse demo --scale $(SCALE) --port $(PORT)

serve: install
	$(BIN)/cxpulse serve --port $(PORT)

lint: install
	$(BIN)/ruff check .

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 --dist loadfile

# Real-browser run of every page on a demo warehouse (kept in ~/.cache/cxpulse, reused while etl/ and sql/ are
# unchanged); copies the key screenshots into docs/screenshots/.
.PHONY: screenshots
screenshots: install
	bash .ci/browser_smoke.sh --reuse-demo --docs docs/screenshots

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) data demo_exports cxpulse.toml artifacts .pytest_cache
