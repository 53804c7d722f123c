"""css_baseline.json is what the blocks, the themes and MJML write today.

The css-support check reads the baseline from that file instead of building seven reference
emails on every run. When a block or theme changes its markup, this test fails and names the
pairs gained and lost; `make golden` (MAILWRIGHT_UPDATE_GOLDEN=1) rewrites the file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mailwright.app.checks import css_support

UPDATE = os.environ.get("MAILWRIGHT_UPDATE_GOLDEN") == "1"
FILE = Path(css_support.__file__).with_name(css_support.BASELINE_FILE)


def test_the_shipped_baseline_is_what_the_blocks_write_today() -> None:
    measured = css_support.measure_baseline_features()
    text = css_support.baseline_json(measured)
    if UPDATE:
        if FILE.read_text(encoding="utf-8") != text:
            FILE.write_text(text, encoding="utf-8")
        css_support.baseline_features.cache_clear()
        return
    shipped = css_support.baseline_features()
    if shipped != measured:
        gained = sorted(map(repr, measured - shipped))[:10]
        lost = sorted(map(repr, shipped - measured))[:10]
        pytest.fail(
            f"{FILE.name} is stale: the blocks now write {len(measured - shipped)} pairs it lacks "
            f"(e.g. {gained}) and no longer write {len(shipped - measured)} it has (e.g. {lost}); "
            "run `make golden` and review the diff",
            pytrace=False,
        )
    # Same pairs, same bytes: the file is sorted, so a rewrite never reorders it.
    assert FILE.read_text(encoding="utf-8") == text


def test_the_file_reads_back_as_tuples_the_check_compares() -> None:
    pairs = css_support.baseline_features()
    assert pairs and all(isinstance(sig, tuple) for _, sig in pairs)
    nested = [part for _, sig in pairs for part in sig if not isinstance(part, str)]
    assert nested and all(isinstance(part, tuple) for part in nested)
