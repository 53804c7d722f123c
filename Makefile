# Two commands do everything on a fresh machine: `make run` and `make test`.
# Each creates .venv when needed and installs only when pyproject.toml changed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN_STAMP  := $(VENV)/.stamp-run
TEST_STAMP := $(VENV)/.stamp-test
OUT    := out

.PHONY: run test bench clean golden

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@ $(RUN_STAMP)

# Until the editor window lands, `make run` builds every example and says where the HTML went.
run: $(RUN_STAMP)
	@mkdir -p $(OUT)
	@for f in examples/*.mwt examples/*.mjml; do \
		name=$$(basename $$f); name=$${name%.*}; \
		$(BIN)/mailwright build $$f -o $(OUT)/$$name.html --text $(OUT)/$$name.txt || exit $$?; \
	done
	@echo "Open the HTML in a browser: $$(pwd)/$(OUT)/"

test: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

# Rewrite the golden MJML/HTML files from the current output (review the diff before committing).
golden: $(TEST_STAMP)
	MAILWRIGHT_UPDATE_GOLDEN=1 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q tests/golden

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .hypothesis
