"""The shipped starters, exported for an ESP, render in that ESP's real template engine with the
same visible text as Mailwright's preview (issue 12: the preview must be what the ESP sends).

Jinja2 and python-liquid with Mailwright's own reading; every dialect's engine, with the
preview as that ESP, is in test_starters_in_every_engine.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mailwright.app.build.personalise import CompiledEmail, export_for_esp
from mailwright.app.build.pipeline import build_file
from mailwright.app.build.plaintext import html_to_text
from mailwright.app.recipients import load_recipients

ROOT = Path(__file__).resolve().parents[2]
STARTERS = sorted((ROOT / "examples").glob("*.mwt"))
LINKS = {
    "unsubscribe_url": "https://example.com/u",
    "view_online_url": "https://example.com/v",
    "preferences_url": "https://example.com/p",
}
DATA = ("recipients.json", "recipients.csv")
PREVIEW_LINKS = {name.removesuffix("_url"): url for name, url in LINKS.items()}


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", html_to_text(html)).strip()


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("starter", STARTERS, ids=lambda p: p.stem)
def test_jinja_export_of_each_starter_renders_like_the_preview(starter: Path, data: str) -> None:
    # order_confirmation with the CSV (no `order`): the export reads each step from
    # `(order|default({}))`, so real Jinja shows what the preview shows, not UndefinedError.
    import jinja2

    result = build_file(starter)
    exported = export_for_esp(result, "jinja")
    template = jinja2.Environment(autoescape=True, undefined=jinja2.Undefined).from_string(exported.html)
    preview = CompiledEmail(result)
    recipients = load_recipients(ROOT / "examples" / data)
    for n in range(1, len(recipients) + 1):
        row = recipients.row(n)
        ours = preview.render(row, links=PREVIEW_LINKS)
        theirs = template.render(**row, **LINKS)
        assert visible(theirs) == visible(ours.html), f"{starter.name}, recipient {n}"
        assert len(visible(theirs)) > 200  # the engine rendered the email, not an empty page


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("starter", STARTERS, ids=lambda p: p.stem)
def test_liquid_export_of_each_starter_renders_like_the_preview(starter: Path, data: str) -> None:
    import liquid

    result = build_file(starter)
    template = liquid.Environment().from_string(export_for_esp(result, "liquid").html)
    preview = CompiledEmail(result)
    recipients = load_recipients(ROOT / "examples" / data)
    for n in range(1, len(recipients) + 1):
        row = recipients.row(n)
        theirs = visible(template.render(**row, **LINKS))
        assert theirs == visible(preview.render(row, links=PREVIEW_LINKS).html), f"{starter.name}, recipient {n}"
        assert len(theirs) > 200  # the engine rendered the email, not an empty page
