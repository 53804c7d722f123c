"""`build` written away from its source says which local pictures will not show: it reads them from
the MJML, not the HTML (a third of the text, 16 M of a starter build's 319 M instructions). Both
name the same pictures: held here on every example and golden document."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailwright.app.build.local_files import local_refs
from mailwright.app.build.pipeline import build_file

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(
    [*ROOT.glob("examples/*.mwt"), *ROOT.glob("examples/*.mjml"), *ROOT.glob("tests/golden/**/*.mwt")],
    key=str,
)


def _local(text: str, folder: Path) -> list[str]:
    return sorted(local_refs(text, folder))


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_mjml_names_the_local_pictures_the_html_shows(source: Path) -> None:
    result = build_file(source, with_text=False)
    assert _local(result.mjml, source.parent) == _local(result.html, source.parent)
