"""Issue 13 item 9: contrast is judged on every source, from the HTML a recipient gets."""

from __future__ import annotations

import json

from mailwright.app.checks import check_document, check_mjml_text
from mailwright.app.document.storage import loads_document
from tests.unit.test_mjml_source_quirks import ROOT


def contrast(report) -> list:
    return [f for f in report.findings if f.code == "contrast"]


def mjml(body: str, bg: str = "#808080") -> str:
    return (
        f'<mjml><mj-head><mj-preview>hidden preview text</mj-preview></mj-head><mj-body background-color="{bg}">'
        f"<mj-section><mj-column>{body}</mj-column></mj-section></mj-body></mjml>"
    )


def test_grey_on_grey_in_an_mjml_source_is_found() -> None:
    [f] = contrast(check_mjml_text(mjml('<mj-text color="#777777">Grey on grey</mj-text>'), source="g.mjml"))
    assert f.message.startswith("text “Grey on grey” #777777 on #808080 has a contrast of 1.13:1; WCAG AA needs 4.5:1")
    assert f.location == "html"


def test_each_colour_pair_is_its_own_finding_and_good_text_passes() -> None:
    body = (
        '<mj-text color="#777777">Grey</mj-text><mj-text><p style="color:#eeeeee">Pale</p></mj-text>'
        '<mj-text color="#000000">Black is fine</mj-text>'
        '<mj-text color="#9a9a9a" font-size="30px">Large text needs only 3:1? not this one</mj-text>'
    )
    found = [f.message.split(" has")[0] for f in contrast(check_mjml_text(mjml(body), source="g.mjml"))]
    assert sorted(found) == sorted(
        [
            "text “Grey” #777777 on #808080",
            "text “Pale” #eeeeee on #808080",
            "text “Large text needs only 3:1? not this one” #9a9a9a on #808080",
        ]
    )


def test_unknown_backgrounds_and_hidden_text_are_not_judged() -> None:
    hero = (
        '<mj-section background-url="https://x.test/bg.jpg"><mj-column><mj-text color="#ffffff">On a photo'
        "</mj-text></mj-column></mj-section>"
    )
    text = mjml("", bg="#ffffff").replace("<mj-section><mj-column></mj-column></mj-section>", hero)
    assert contrast(check_mjml_text(text, source="h.mjml")) == []  # and the white preheader is hidden


def test_a_raw_html_block_in_a_document_is_judged_and_named() -> None:
    data = json.loads((ROOT / "examples" / "newsletter.mwt").read_text(encoding="utf-8"))
    before = {
        (f.location, f.message)
        for f in contrast(check_document(loads_document(json.dumps(data), "n.mwt"), source="n.mwt"))
    }
    data["rows"][1]["columns"][0]["blocks"].append(
        {"id": "raw9", "type": "html", "props": {"html": '<p style="color:#fafafa">Barely there</p>'}}
    )
    after = contrast(check_document(loads_document(json.dumps(data), "n.mwt"), source="n.mwt"))
    new = [f for f in after if (f.location, f.message) not in before]
    assert [f.location for f in new] == ["raw9"] and "“Barely there” #fafafa" in new[0].message
