"""Issue 13 item 10: `check` reports what recipients' clients strip or block, on any source."""

from __future__ import annotations

import json

from mailwright.app.checks import check_document, check_mjml_text
from mailwright.app.document.storage import loads_document
from tests.unit.test_mjml_source_quirks import ROOT

HOSTILE = """<mjml><mj-head><mj-raw><meta http-equiv="refresh" content="0;url=https://x.test"></mj-raw></mj-head>
<mj-body><mj-section><mj-column>
<mj-text><p onclick="x()" onmouseover="y()">Hi</p><p onclick="z()">Two</p><script>alert(1)</script></mj-text>
<mj-raw><iframe src="https://x.test"></iframe><embed src="x.swf"><p style="color:red\\n;font-size:20px">x</p></mj-raw>
</mj-column></mj-section></mj-body></mjml>"""


def strips(report) -> list[str]:
    return [f.message for f in report.findings if f.code == "client-strips"]


def test_scripts_iframes_embeds_handlers_refresh_and_escaped_breaks_are_reported() -> None:
    found = strips(check_mjml_text(HOSTILE, source="h.mjml"))
    assert any(m.startswith("a <script> element in the email") for m in found)
    assert any(m.startswith("an <iframe> in the email") for m in found)
    assert any(m.startswith("an <embed> in the email") for m in found)
    assert "2 onclick= attributes: clients remove event handlers" in found
    assert "1 onmouseover= attribute: clients remove event handlers" in found
    assert any("meta http-equiv" in m for m in found)
    assert any("literal \\n or \\t" in m for m in found)


def test_a_clean_starter_has_none_and_mjml_web_fonts_are_not_css_support_problems() -> None:
    doc = (ROOT / "examples" / "newsletter.mwt").read_text(encoding="utf-8")
    assert strips(check_document(loads_document(doc, "n.mwt"), source="n.mwt")) == []
    plain = "<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>"
    report = check_mjml_text(plain, source="p.mjml")
    assert [f for f in report.findings if f.code == "css-support"] == []


def test_a_document_names_the_block_holding_the_script() -> None:
    data = json.loads((ROOT / "examples" / "newsletter.mwt").read_text(encoding="utf-8"))
    data["rows"][1]["columns"][0]["blocks"].append(
        {"id": "raw7", "type": "html", "props": {"html": '<div onclick="go()">Click</div>'}}
    )
    report = check_document(loads_document(json.dumps(data), "n.mwt"), source="n.mwt")
    [finding] = [f for f in report.findings if f.code == "client-strips"]
    assert finding.location == "raw7" and finding.message == "1 onclick= attribute: clients remove event handlers"
