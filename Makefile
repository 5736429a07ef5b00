# `make serve` and `make test` each set everything up first; later runs skip what is already done.
# Plain `make` lists the targets (the `## …` comment after each one).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

# Only from the command line (`make serve PORT=8001`): HOST and PORT are often set in the environment
# for other programs, and the blog must not start on an address nobody asked for.
HOST := $(if $(filter command line,$(origin HOST)),$(HOST),127.0.0.1)
PORT := $(if $(filter command line,$(origin PORT)),$(PORT),8000)

.DEFAULT_GOAL := help
.PHONY: help check-tools setup serve build test bench post lock clean clean-cache verify refreeze preview

help: ## list these targets
	@awk -F ':.*## ' '/^[a-z-]+:.*## / { printf "  make %-12s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

# Before anything is installed, so a missing tool is named instead of failing halfway through pip or npm.
check-tools: ## check for Python >= 3.11, Node.js >= 18 and npm, and say what is missing
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
	  echo "make setup: Python >= 3.11 is needed, but '$(PYTHON)' was not found (point PYTHON at one)" >&2; \
	  command -v node >/dev/null 2>&1 || echo "make setup: Node.js >= 18 is needed, but 'node' was not found" >&2; \
	  exit 1; }
	@$(PYTHON) scripts/check_tools.py

setup: $(VENV)/.installed node_modules/.installed ## install .venv/ and node_modules/ from the lock files (once)

# The pinned tree first, then this repository's plugin package (live_math/) as an editable install.
$(VENV)/.installed: requirements.lock pyproject.toml | check-tools
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	# The distribution was called live-math before 0.3.0: its install and metadata would register the plugin twice.
	$(BIN)/python -m pip uninstall --quiet --disable-pip-version-check -y live-math
	rm -rf live_math.egg-info
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json | check-tools
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# A busy port stops here with one line (check_port.py's), instead of MkDocs' traceback.
serve: setup ## serve the blog at http://127.0.0.1:8000, rebuilding on every save [PORT=8001 HOST=0.0.0.0]
	$(eval port_problem := $(shell $(BIN)/python scripts/check_port.py '$(HOST)' '$(PORT)'))$(if $(port_problem),$(error $(port_problem)))
	$(BIN)/mkdocs serve --dev-addr '$(HOST):$(PORT)'

# Builds into a fresh directory and swaps it in for site/ only on success. NO_CACHE=1 reruns every snippet
# (but those whose outputs are frozen: `make refreeze` reruns them).
build: setup ## strict build into site/, replaced only if it succeeds [NO_CACHE=1 reruns unfrozen snippets]
	$(BIN)/python scripts/build.py $(if $(NO_CACHE),--no-cache)

# Values are passed raw and single-quoted, so quotes and $ in them survive.
quote = '$(subst ','"'"',$(value $(1)))'
given = $(filter command line,$(origin $(1)))
post: setup ## start a post: TITLE="…" [DESCRIPTION="…" CATEGORY=… AUTHOR=… DATE=YYYY-MM-DD PORT=…]
	$(BIN)/python scripts/new_post.py $(call quote,TITLE) --description $(call quote,DESCRIPTION) \
	  $(if $(call given,CATEGORY),--category $(call quote,CATEGORY)) \
	  $(if $(call given,AUTHOR),--author $(call quote,AUTHOR)) \
	  $(if $(call given,DATE),--date $(call quote,DATE)) \
	  --address 'http://$(HOST):$(PORT)'

# Frozen outputs (frozen/, see CONTRIBUTING.md): verify runs pages afresh and compares; it never writes.
verify: setup ## run posts' snippets afresh and compare with their frozen outputs [BASE=<git ref>: changed pages only]
	$(BIN)/python scripts/verify.py $(if $(and $(call given,BASE),$(BASE)),--base $(call quote,BASE))

# What the post check of a pull request shows (scripts/preview.py, the same script): the site in preview/, the
# changed posts' frozen outputs verified, and a summary of each changed post.
preview: setup ## build into preview/, verify the changed posts and summarize them, as the post check does [BASE=origin/main]
	$(BIN)/python scripts/preview.py $(if $(and $(call given,BASE),$(BASE)),--base $(call quote,BASE)) \
	  $(if $(and $(call given,SUMMARY),$(SUMMARY)),--summary $(call quote,SUMMARY))

refreeze: setup ## run posts' snippets afresh and rewrite their frozen outputs [POST=docs/blog/posts/x.md; default: all]
	$(BIN)/python scripts/verify.py --refreeze $(if $(call given,POST),$(call quote,POST))

# On every core (pytest-xdist): a test file's tests run in one process, the files spread over the cores in no
# fixed order, so a test that leans on another's leftovers shows up.
test: setup ## run every test (unit, build, browser), on every core
	$(BIN)/python -m pytest -n auto --dist loadfile

# Build-speed and page-weight figures for this machine (a few minutes); `make bench ARGS=--quick` for a rough run.
bench: setup ## measure build speed and page weight (a few minutes) [ARGS=--quick]
	$(BIN)/python scripts/bench.py $(ARGS)

lock: $(VENV)/.installed ## re-pin requirements.lock, with every file's hash, after editing pyproject.toml
	{ echo "# Every Python package of the build and the tests, pinned, with the hashes of its files: pip refuses a file"; \
	  echo "# whose hash differs. Regenerate after changing the dependencies in pyproject.toml:"; echo "#   make lock"; echo; \
	  $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-header --no-annotate \
	    --no-emit-index-url --no-emit-find-links --extra blog --extra test --output-file - pyproject.toml; \
	} > requirements.lock.new && mv requirements.lock.new requirements.lock

clean: ## remove site/ (keeps .cache/, .venv/ and node_modules/)
	rm -rf site .site-new-* .site-old-*
	@echo "Removed site/. Kept .cache/ (snippet outputs and typeset math; \`make clean-cache\` clears it), .venv/ and node_modules/."

clean-cache: ## clear .cache/, so the next build reruns every unfrozen snippet and typesets every formula
	rm -rf .cache
	@echo "Cleared .cache/. The next build runs every snippet again (but those whose outputs frozen/ holds)."
