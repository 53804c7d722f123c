"""Issue 13 item 1: files saved by Windows editors (CRLF, or a lone CR) build like LF files."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailwright.app.pipeline import BuildError, build_document, build_mjml_text
from mailwright.app.storage import loads_document

ROOT = Path(__file__).resolve().parents[2]
HELLO = (ROOT / "examples" / "hello.mjml").read_text(encoding="utf-8")


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_an_mjml_file_with_windows_line_endings_builds_the_same_email(ending: str) -> None:
    assert build_mjml_text(HELLO.replace("\n", ending), source="hello.mjml").html == \
        build_mjml_text(HELLO, source="hello.mjml").html


def test_positions_in_a_crlf_file_are_the_users_lines() -> None:
    text = "<mjml>\r\n<mj-body>\r\n<mj-text>a < b</mj-text>\r\n</mj-body></mjml>\r\n"
    with pytest.raises(BuildError, match=r"^x\.mjml:3:12: .*write &lt;"):
        build_mjml_text(text, source="x.mjml")


def test_a_raw_mjml_block_pasted_with_crlf_builds() -> None:
    data = json.loads((ROOT / "examples" / "newsletter.mwt").read_text(encoding="utf-8"))
    navbar = '<mj-navbar>\r\n<mj-navbar-link href="https://x.test">\r\nHome</mj-navbar-link>\r\n</mj-navbar>'
    data["rows"][1]["columns"][0]["blocks"].append({"id": "nav9", "type": "mjml", "props": {"mjml": navbar}})
    html = build_document(loads_document(json.dumps(data), "n.mwt"), source="n.mwt").html
    assert "Home" in html and "\r" not in html
