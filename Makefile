# Everything a developer, an editor or CI runs. `make help` lists it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: help setup build serve test eval report clean

help:
	@echo "make serve   set up, build and serve the site on http://$(HOST):$(PORT)"
	@echo "make build   build the deployable site into site/ (replaced only on success)"
	@echo "make test    run all tests"
	@echo "make eval    label accuracy on the hand-labelled evaluation set"
	@echo "make report  the curator's report: unmatched sentences, candidate topics, thin topics"
	@echo "make clean   remove build output and generated pages"

setup: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/python -m kb build

serve: build
	$(BIN)/mkdocs serve --dev-addr $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest

report: $(STAMP)
	$(BIN)/python -m kb report

eval: $(STAMP)
	$(BIN)/python -m kb.evaluate

clean:
	rm -rf site .site-* site.old tests/.artifacts
	rm -rf docs/topics docs/essays docs/kb.json docs/index.md docs/trends.md docs/strategies.md docs/risks.md docs/glossary.md docs/matrix.md docs/map.md docs/curator-report.md
