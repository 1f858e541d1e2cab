# Everything a developer, an editor or CI runs. `make help` lists it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
STAMP  := $(VENV)/.installed
NPM    ?= npm
# node tools pinned in package.json: Lighthouse for make audit, the iframe-worker shim for make offline
NODE_STAMP := node_modules/.installed

.PHONY: help setup build publish nginx-conf serve test eval report audit offline screenshots bench-anchors clean

help:
	@echo "make serve   set up, build and serve the site on http://$(HOST):$(PORT)"
	@echo "make build   build the deployable site into site/ (replaced only on success)"
	@echo "make publish build for publishing: refuses unless SITE_URL is the published address"
	@echo "make nginx-conf  write deploy/nginx.conf (security and cache headers) for the built site"
	@echo "make test    run all tests"
	@echo "make eval    label accuracy on the hand-labelled evaluation set"
	@echo "make report  the curator's report: unmatched sentences, candidate topics, thin topics"
	@echo "make audit   Lighthouse scores (home, topic, essay; phone and desktop) against the targets"
	@echo "make offline a copy that works from the file system, search included: site-offline/ and site-offline.zip"
	@echo "make screenshots  PNGs of the home, a topic and an essay page into screenshots/"
	@echo "make bench-anchors  time stock Material, Zensical and Hugo on the same bare pages (ESSAYS=1000)"
	@echo "make clean   remove build output and generated pages"

setup: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	$(NPM) ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

build: $(STAMP)
	$(BIN)/python -m kb build

# SITE_URL (environment or `make publish SITE_URL=...`) must be the published address
publish: $(STAMP)
	$(BIN)/python -m kb build --publish

nginx-conf: build
	$(BIN)/python -m kb nginx-conf

serve: build
	$(BIN)/mkdocs serve --dev-addr $(HOST):$(PORT)

# the browser tests build the offline copy too, which needs the iframe-worker shim from npm
test: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest

report: $(STAMP)
	$(BIN)/python -m kb report

eval: $(STAMP)
	$(BIN)/python -m kb.evaluate

audit: $(STAMP) $(NODE_STAMP)
	$(BIN)/python scripts/audit.py --runs 3

offline: $(STAMP) $(NODE_STAMP)
	$(BIN)/python scripts/offline.py

screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

# benchmark-only tools in an environment of their own (requirements-anchors.txt), never in .venv
ANCHORS_VENV  := .venv-anchors
ANCHORS_STAMP := $(ANCHORS_VENV)/.installed
ESSAYS        ?= 1000

$(ANCHORS_STAMP): requirements-anchors.txt
	test -d $(ANCHORS_VENV) || $(PYTHON) -m venv $(ANCHORS_VENV)
	$(ANCHORS_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-anchors.txt
	touch $(ANCHORS_STAMP)

bench-anchors: $(STAMP) $(ANCHORS_STAMP)
	$(BIN)/python scripts/bench_anchors.py --essays $(ESSAYS) --json anchors-$(ESSAYS).json $(ANCHORS_ARGS)

clean:
	rm -rf site .site-* .site.lock site.old .cache tests/.artifacts site-offline site-offline.zip .audit
	rm -rf docs/topics docs/essays docs/kb.json docs/index.md docs/trends.md docs/strategies.md docs/risks.md docs/glossary.md docs/matrix.md docs/map.md docs/curator-report.md docs/feed.xml docs/search-words.json
