"""The built-in themes: read without pydantic at a start, exactly as the validating schema reads them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mailwright.themes import ThemeError, available_themes, built_in_text, load_theme, parse_theme


def _as_items(theme) -> list:
    # Dict key order is part of the output (it orders mj-attributes), so compare it too.
    return [
        (name, list(v.items()) if isinstance(v, dict) else v) for name in theme._fields for v in [getattr(theme, name)]
    ]


@pytest.mark.parametrize("name", available_themes())
def test_a_built_in_theme_reads_as_the_schema_reads_it(name: str) -> None:
    # The fast reader applies no defaults: a built-in theme file must spell every field.
    validated = parse_theme(built_in_text(name), f"{name}.json")
    assert _as_items(load_theme(name)) == _as_items(validated), f"{name}.json: write every field of the theme schema"
    assert [type(v) for _, v in _as_items(load_theme(name))] == [type(v) for _, v in _as_items(validated)]


def test_a_bad_theme_file_is_named_with_its_json_path() -> None:
    text = built_in_text("classic").replace('"#2563eb"', '"blue"', 1)
    with pytest.raises(
        ThemeError, match=r"^classic\.json: colors\.primary: must be a colour like #1a2b3c, not 'blue'$"
    ):
        parse_theme(text, "classic.json")


def test_loading_a_built_in_theme_imports_no_pydantic() -> None:
    probe = (
        "import sys; from mailwright.themes import load_theme; load_theme('midnight'); print('pydantic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "False", out.stderr
