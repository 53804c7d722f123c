"""Themes: data files (colours, fonts, sizes, button style, spacing, width) and their loader.

A theme is a JSON file in this folder. Blocks take their defaults from the active theme, so a
document only stores what differs (DESIGN.md §2); switching theme restyles everything else.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from .theme import OVERRIDES, Theme, ThemeError, theme_from_dict

# The files beside this module, not importlib.resources: its readers pull in zipfile and shutil,
# ~3 ms of every command's start, and the package is always installed as files (wheel, editable).
_FOLDER = Path(__file__).parent


def parse_theme(text: str, source: str = "<theme>") -> Theme:
    """Parse and validate a theme file's JSON text (the pydantic schema: themes/schema.py)."""
    from .schema import parse_theme_text

    return parse_theme_text(text, source)


@lru_cache(maxsize=None)
def available_themes() -> tuple[str, ...]:
    """Names of the built-in themes, sorted."""
    names = [p.name[:-5] for p in _FOLDER.iterdir() if p.name.endswith(".json")]
    return tuple(sorted(names))


@lru_cache(maxsize=None)
def load_theme(name: str) -> Theme:
    """A built-in theme by name; ThemeError names the available ones."""
    if name not in available_themes():
        raise ThemeError(f"unknown theme {name!r}; available themes: {', '.join(available_themes())}")
    # The built-in files ship with the package and are not validated again at every start (the
    # pydantic theme models cost every command ~9 ms): tests/unit/test_themes.py checks that each
    # reads exactly as parse_theme reads it.
    return theme_from_dict(json.loads(built_in_text(name)))


def built_in_text(name: str) -> str:
    """The JSON text of the built-in theme `name`."""
    return (_FOLDER / f"{name}.json").read_text(encoding="utf-8")


def display_name(name: str) -> str:
    """How a theme is named to people, the same everywhere (toolbar, inspector, CLI, undo labels):
    its label ("Midnight"), or the name as written when it is not a built-in theme."""
    try:
        return load_theme(name).label
    except ThemeError:
        return name


__all__ = ["Theme", "ThemeError", "OVERRIDES", "available_themes", "display_name", "load_theme", "parse_theme"]
