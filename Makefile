# Two commands do everything on a fresh machine: `make run` and `make test`.
# Each creates .venv when needed and installs only when pyproject.toml changed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN_STAMP  := $(VENV)/.stamp-run
TEST_STAMP := $(VENV)/.stamp-test
APP_STAMP  := $(VENV)/.stamp-app
OUT    := out

.PHONY: run test bench corpus clean golden screenshot examples dist app lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@ $(RUN_STAMP)

$(APP_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[app]'
	@touch $@ $(RUN_STAMP)

# The editor on a starter template. Without a display (a server, CI) it says so in one line and
# fails: use `make screenshot` there to see the window as a PNG.
run: $(RUN_STAMP)
	@$(BIN)/mailwright examples/newsletter.mwt

# The wheel into dist/, for `pipx install dist/mailwright-*.whl`. Built with the venv's own
# setuptools (no isolated build environment to download).
dist: $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check 'setuptools>=68' wheel
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation --wheel-dir dist .
	@ls dist/mailwright-*.whl

# The standalone desktop app into dist/mailwright/ (PyInstaller, packaging/mailwright.spec): a
# folder with its own Python, Qt and QtWebEngine, to copy to a machine without Python and run as
# dist/mailwright/mailwright (editor and command line alike). Built and tried on Linux x86_64
# only; it runs on the kind of system it was built on. Not part of `make test`.
app: $(APP_STAMP)
	$(BIN)/python -m PyInstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/app packaging/mailwright.spec
	@echo "Standalone app: $$(pwd)/dist/mailwright/ (run dist/mailwright/mailwright; copy the whole folder)"

# The lint and type gates alone (make test runs them too: tests/unit/test_lint.py, test_types.py).
lint: $(TEST_STAMP)
	$(BIN)/python -m ruff check mailwright app widgets blocks themes tests bench tools packaging
	$(BIN)/python -m ruff format --check mailwright app widgets blocks themes tests bench tools packaging
	$(BIN)/python tools/typecheck.py

screenshot: $(RUN_STAMP)
	@mkdir -p $(OUT)
	$(BIN)/mailwright examples/newsletter.mwt --screenshot $(OUT)/editor.png --size 1440x900
	@echo "Window picture: $$(pwd)/$(OUT)/editor.png"

# Build every example into out/ (HTML + plain text) without opening a window.
examples: $(RUN_STAMP)
	@mkdir -p $(OUT)
	@for f in examples/*.mwt examples/*.mjml; do \
		name=$$(basename $$f); name=$${name%.*}; \
		$(BIN)/mailwright build $$f -o $(OUT)/$$name.html --text $(OUT)/$$name.txt || exit $$?; \
	done
	@echo "Open the HTML in a browser: $$(pwd)/$(OUT)/"

# Real template engines the export tests render with (tests only): handlebars.js from npm into
# tests/.node/ (gitignored), as `make bench` installs node mjml. Without npm a notice, and the
# tests that need it skip with the reason.
HANDLEBARS_VERSION := 4.7.8
NODE_TEST := tests/.node
NODE_TEST_STAMP := $(NODE_TEST)/.stamp-handlebars-$(HANDLEBARS_VERSION)

$(NODE_TEST_STAMP):
	@if command -v npm >/dev/null 2>&1; then \
		npm install --prefix $(NODE_TEST) handlebars@$(HANDLEBARS_VERSION) --save-exact --no-audit --no-fund --loglevel=error \
			&& touch $@; \
	else echo "npm not found: handlebars.js not installed; the tests that render with it skip"; fi

test: $(TEST_STAMP) $(NODE_TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

# Speed and memory against the reference MJML compiler (installed into bench/node/ with npm):
# prints a table and writes bench/results.json. Not part of `make test`; CI does not run it.
bench: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/run.py

# MJML fidelity on a folder of templates you have (it fetches none): build with Mailwright and
# with node mjml (bench/node/, as `make bench`), import and rebuild; prints a table and writes
# bench/corpus-results.json. Usage: make corpus DIR=path/to/templates
corpus: $(TEST_STAMP)
	@test -n "$(DIR)" || { echo "usage: make corpus DIR=path/to/folder/of/mjml/templates" >&2; exit 2; }
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/corpus.py "$(DIR)"

# Rewrite the golden MJML/HTML files from the current output (review the diff before committing).
golden: $(TEST_STAMP)
	MAILWRIGHT_UPDATE_GOLDEN=1 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q tests/golden

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .hypothesis dist build
