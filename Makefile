# `make serve` and `make test` each set everything up first; later runs skip what is already done.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve build test bench post lock clean

setup: $(VENV)/.installed node_modules/.installed

# The pinned tree first, then this repository's plugin package (live_math/) as an editable install.
$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

serve: setup
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

# Builds into a fresh directory and swaps it in for site/ only on success. NO_CACHE=1 reruns every snippet.
build: setup
	$(BIN)/python scripts/build.py $(if $(NO_CACHE),--no-cache)

# make post TITLE="…" [DESCRIPTION="…"]: values passed raw and single-quoted, so quotes and $ in them survive.
quote = '$(subst ','"'"',$(value $(1)))'
post: setup
	$(BIN)/python scripts/new_post.py $(call quote,TITLE) --description $(call quote,DESCRIPTION)

test: setup
	$(BIN)/python -m pytest

# Build-speed and page-weight figures for this machine (a few minutes); `make bench ARGS=--quick` for a rough run.
bench: setup
	$(BIN)/python scripts/bench.py $(ARGS)

lock: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[blog,test]"
	{ echo "# Every Python package of the build and the tests, pinned. Regenerate after changing pyproject.toml:"; \
	  echo "#   make lock"; $(BIN)/python -m pip freeze --exclude-editable; } > requirements.lock

clean:
	rm -rf site .cache
