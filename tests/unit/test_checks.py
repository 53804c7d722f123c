"""Pre-flight checks (issue 7 items 1, 2 and 4): every check on a crafted email that triggers it
and on one that does not, the caniemail data, and `mailwright check` as CI runs it."""

from __future__ import annotations

import copy
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mailwright.app.checks import CODES, CheckReport, Finding, check_document, check_file, check_mjml_text, run_checks
from mailwright.app.checks.wcag import contrast_ratio
from mailwright.app.checks.css_support import load_caniemail
from mailwright.app.checks.headers import subject_length
from mailwright.app.checks.model import capped_list
from mailwright.app.build.pipeline import build_document
from mailwright.app.recipients import load_recipients
from mailwright.app.document.storage import document_from_data

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
MAILWRIGHT = Path(sys.executable).parent / "mailwright"
TIMEOUT = 120
IMG = "https://example.com/photo.png"
FOOTER = {"id": "bf", "type": "footer", "props": {}}


# --- helpers --------------------------------------------------------------------------------


def make(
    *blocks: dict,
    subject: str = "Your October update",
    preheader: str = "What changed this month",
    footer: bool = True,
    settings: dict | None = None,
    rows: list | None = None,
) -> dict[str, Any]:
    """A clean email (subject, preheader, footer with unsubscribe) holding the given blocks."""
    all_rows = [{"id": "r1", "columns": [{"id": "c1", "blocks": list(blocks)}]}] if blocks else []
    all_rows += rows or []
    if footer:
        all_rows.append({"id": "rf", "columns": [{"id": "cf", "blocks": [copy.deepcopy(FOOTER)]}]})
    data = {"format": "mailwright", "version": 1, "subject": subject, "preheader": preheader, "rows": all_rows}
    if settings:
        data["settings"] = settings
    return data


def check(data: dict, **kw: Any) -> CheckReport:
    return check_document(document_from_data(copy.deepcopy(data), "t.mwt"), source="t.mwt", **kw)


def of(report: CheckReport, code: str) -> list[Finding]:
    return [f for f in report.findings if f.code == code]


def one(report: CheckReport, code: str) -> Finding:
    found = of(report, code)
    assert len(found) == 1, f"expected one {code} finding, got {found}\nall: {report.findings}"
    return found[0]


def text(block_id: str, html: str, **props: Any) -> dict:
    return {"id": block_id, "type": "text", "props": {"html": html, **props}}


def raw(block_id: str, html: str) -> dict:
    return {"id": block_id, "type": "html", "props": {"html": html}}


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(MAILWRIGHT), *args], capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT, cwd=cwd
    )


# --- a clean email ----------------------------------------------------------------------------


def test_a_clean_email_has_no_findings():
    report = check(
        make(
            text("b1", '<p>Hello <a href="https://example.com/a">there</a>.</p>'),
            {"id": "b2", "type": "image", "props": {"src": IMG, "alt": "A photo", "width": 300}},
            {"id": "b3", "type": "button", "props": {"label": "Go", "href": "https://example.com/go"}},
        )
    )
    assert report.findings == ()
    assert report.errors == report.warnings == 0 and report.html_bytes > 1000


def test_every_finding_has_a_known_code_and_severity():
    with pytest.raises(ValueError):
        Finding("fatal", "gmail-clip", "x")
    with pytest.raises(ValueError):
        Finding("error", "no-such-code", "x")
    assert len(CODES) == 19  # data-meaning (issue 12), unknown-element (13) and bare-less-than joined the 16


# --- gmail-clip -------------------------------------------------------------------------------


def _words(kb: int) -> str:
    return "<p>" + ("lorem ipsum dolor " * (kb * 1024 // 18)) + "</p>"


def test_gmail_clip_error_over_102_kb():
    f = one(check(make(text("b1", _words(110)))), "gmail-clip")
    assert (f.severity, f.location) == ("error", "html") and "102 KB" in f.message


def test_gmail_clip_warning_over_90_kb():
    f = one(check(make(text("b1", _words(92)))), "gmail-clip")
    assert f.severity == "warning"


def test_gmail_clip_measures_utf8_bytes():
    # 40 000 three-byte characters: 40 000 characters but about 117 KB of UTF-8.
    report = check(make(text("b1", "<p>" + "€" * 40_000 + "</p>")))
    assert one(report, "gmail-clip").severity == "error"
    assert report.html_bytes > 102 * 1024


def test_gmail_clip_not_for_a_normal_email():
    assert of(check(make(text("b1", _words(20)))), "gmail-clip") == []


# --- style-size -------------------------------------------------------------------------------


def _head_style(css: str) -> dict:
    return {"head_mjml": f"<mj-style>{css}</mj-style>"}


def test_style_size_over_16_kb():
    css = "".join(f".c{i} {{ color: #123456; padding: 1px; }} " for i in range(600))
    f = one(check(make(text("b1", "<p>x</p>"), settings=_head_style(css))), "style-size")
    assert (f.severity, f.location) == ("error", "html") and "16 KB" in f.message


def test_style_size_nested_at_rule():
    css = "@media screen { @font-face { font-family: X; src: url(https://example.com/x.woff2); } }"
    f = one(check(make(text("b1", "<p>x</p>"), settings=_head_style(css))), "style-size")
    assert "@font-face" in f.message and "whole <style>" in f.message


def test_style_size_not_for_small_flat_css():
    css = "@media screen { .x { color: #123456; } } @font-face { font-family: X; src: url(x.woff2); }"
    assert of(check(make(text("b1", "<p>x</p>"), settings=_head_style(css))), "style-size") == []


# --- missing-alt ------------------------------------------------------------------------------


def test_missing_alt_on_a_content_image():
    f = one(check(make({"id": "b7", "type": "image", "props": {"src": IMG, "alt": ""}})), "missing-alt")
    assert (f.severity, f.location) == ("warning", "b7") and IMG in f.message


def test_missing_alt_in_raw_html():
    f = one(check(make(raw("b3", f'<img src="{IMG}" width="100">'))), "missing-alt")
    assert f.location == "b3"


def test_missing_alt_not_for_described_images_and_tracking_pixels():
    report = check(
        make(
            {"id": "b1", "type": "image", "props": {"src": IMG, "alt": "Our new shop"}},
            raw("b2", '<img src="https://t.example.com/open.gif" width="1" height="1" alt="">'),
            raw("b3", '<img src="https://example.com/spacer.gif" width="20" alt="">'),
        )
    )
    assert of(report, "missing-alt") == []


# --- empty-link -------------------------------------------------------------------------------


@pytest.mark.parametrize("href", ["#", "", "javascript:void(0)"])
def test_empty_link(href: str):
    f = one(check(make(raw("b4", f'<a href="{href}">Read more</a>'))), "empty-link")
    assert (f.severity, f.location) == ("error", "b4") and "Read more" in f.message


@pytest.mark.parametrize(
    "block",
    [
        {"id": "b2", "type": "button", "props": {"href": "#"}},
        {"id": "b2", "type": "button", "props": {"href": " "}},
        {"id": "b2", "type": "menu", "props": {"items": [{"label": "Shop", "url": ""}]}},
        {"id": "b2", "type": "product", "props": {"url": ""}},
    ],
)
def test_empty_link_on_blocks(block: dict):
    f = one(check(make(block)), "empty-link")
    assert (f.severity, f.location) == ("error", "b2")


def test_no_empty_link_for_a_product_without_button():
    assert (
        of(check(make({"id": "b2", "type": "product", "props": {"url": "", "button_label": ""}})), "empty-link") == []
    )


def test_empty_link_not_for_real_links():
    report = check(make(raw("b4", '<a href="https://example.com/more">Read more</a> <a name="top">x</a>')))
    assert of(report, "empty-link") == []


# --- insecure-link ----------------------------------------------------------------------------


def test_insecure_link_and_image():
    report = check(
        make(
            text("b1", '<p><a href="http://example.com/a">old</a></p>'),
            {"id": "b2", "type": "image", "props": {"src": "http://example.com/p.png", "alt": "P"}},
        )
    )
    found = {f.location: f for f in of(report, "insecure-link")}
    assert set(found) == {"b1", "b2"}
    assert all(f.severity == "warning" for f in found.values())
    assert "http://example.com/a" in found["b1"].message and "image" in found["b2"].message


def test_insecure_link_not_for_https_or_merge_tags():
    report = check(
        make(
            text("b1", '<p><a href="https://example.com/a">ok</a></p>'),
            {"id": "b2", "type": "button", "props": {"href": "<< data:link >>"}},
        )
    )
    assert of(report, "insecure-link") == []


# --- bad-url ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "href, reason",
    [
        ("https://exa mple.com/x", "space"),
        ("www.example.com/offer", "relative"),
        ("htps://example.com", "unknown scheme"),
        ("https://", "no host"),
        ("mailto:not-an-address", "not an email address"),
        ("https://example.com/<< data:id >> x", "space"),
    ],
)
def test_bad_url(href: str, reason: str):
    f = one(check(make({"id": "b5", "type": "button", "props": {"href": href}})), "bad-url")
    assert (f.severity, f.location) == ("error", "b5") and reason in f.message


@pytest.mark.parametrize(
    "href",
    [
        "https://example.com/a?x=1&y=%20",
        "<< data:profile_url >>",
        "https://example.com/u?id=<< data:id | urlencode >>",
        "<< var:base_url >>/sale",
        "mailto:<< data:email >>",
        "mailto:help@example.com?subject=Hello",
        "tel:+44-20-7946-0000",
        "https://bücher.example/",
    ],
)
def test_bad_url_accepts_good_urls_and_merge_tags(href: str):
    report = check(make({"id": "b5", "type": "button", "props": {"href": href}}))
    assert of(report, "bad-url") == [] and of(report, "empty-link") == []


# --- no-unsubscribe ---------------------------------------------------------------------------


def test_no_unsubscribe_in_marketing_email():
    f = one(check(make(text("b1", "<p>Sale!</p>"), footer=False)), "no-unsubscribe")
    assert (f.severity, f.location) == ("error", "html")


def test_no_unsubscribe_when_the_footer_has_no_unsubscribe_label():
    data = make(text("b1", "<p>Sale!</p>"))
    data["rows"][-1]["columns"][0]["blocks"][0]["props"]["unsubscribe_label"] = ""
    assert one(check(data), "no-unsubscribe").severity == "error"


def test_unsubscribe_present_or_not_needed():
    assert of(check(make(text("b1", "<p>Sale!</p>"))), "no-unsubscribe") == []  # footer block
    transactional = make(text("b1", "<p>Your receipt</p>"), footer=False, settings={"transactional": True})
    assert of(check(transactional), "no-unsubscribe") == []
    own_link = make(
        text("b1", '<p><a href="https://example.com/prefs?u=<< data:id >>">Unsubscribe</a></p>'), footer=False
    )
    assert of(check(own_link), "no-unsubscribe") == []
    tag_link = make(raw("b1", '<a href="<< link:unsubscribe >>">Stop these emails</a>'), footer=False)
    assert of(check(tag_link), "no-unsubscribe") == []


# --- missing-field ----------------------------------------------------------------------------


def _recipients(tmp_path: Path, rows: list[dict]) -> Any:
    path = tmp_path / "people.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    return load_recipients(path)


def test_missing_field_lists_the_rows(tmp_path: Path):
    rows = [
        {"email": f"p{i}@example.com", "firstname": "" if i in (2, 5, 9) or i > 12 else f"P{i}"} for i in range(1, 30)
    ]
    report = check(
        make({"id": "b3", "type": "heading", "props": {"text": "Hi << data:firstname >>"}}),
        recipients=_recipients(tmp_path, rows),
    )
    f = one(report, "missing-field")
    assert (f.severity, f.location) == ("warning", "b3")
    assert "data:firstname" in f.message and "rows 2, 5, 9 and 17 more" in f.message


def test_missing_field_for_everyone_is_an_error(tmp_path: Path):
    report = check(
        make(text("b1", "<p>Order << data:order.number >></p>"), subject="Order << data:order.number >>"),
        recipients=_recipients(tmp_path, [{"email": "a@example.com"}, {"email": "b@example.com"}]),
    )
    f = one(report, "missing-field")
    assert f.severity == "error" and f.location == "subject" and "every recipient" in f.message


def test_missing_field_not_with_defaults_or_complete_data(tmp_path: Path):
    people = _recipients(tmp_path, [{"email": "a@example.com", "firstname": ""}, {"email": "b@example.com"}])
    report = check(
        make(
            text("b1", '<p>Hi << data:firstname | default("there") >></p>'),
            text("b2", "<% if data:vip %><p>VIP</p><% endif %><p><< data:email >></p>"),
        ),
        recipients=people,
    )
    assert of(report, "missing-field") == []
    assert of(check(make(text("b1", "<p><< data:firstname >></p>"))), "missing-field") == []  # no data: no check


def test_capped_list():
    assert capped_list([2, 5, 9, 14, 20], 3) == "2, 5, 9 and 2 more"
    assert capped_list([2, 5], 3) == "2 and 5"


# --- merge-syntax -----------------------------------------------------------------------------


def test_merge_syntax_error_becomes_a_finding_with_its_position():
    report = check(
        make(
            {"id": "b7", "type": "heading", "props": {"text": "Hello << data:firstname | shout >>"}},
            raw("b8", "<p><% if data:vip %>VIP</p>"),
            {"id": "b9", "type": "image", "props": {"src": IMG, "alt": ""}},
            subject="Hi << data:name | nope(1) >>",
        )
    )
    found = {f.location: f for f in of(report, "merge-syntax")}
    assert set(found) == {"b7", "b8", "subject"}
    assert all(f.severity == "error" for f in found.values())
    assert found["b7"].message.startswith("b7.props.text:1:27:") and "shout" in found["b7"].message
    assert "never closed" in found["b8"].message
    assert found["subject"].message.startswith("subject:1:")
    # the rest of the email is still checked
    assert one(report, "missing-alt").location == "b9"


def test_merge_syntax_in_conditions_and_mjml():
    data = make(text("b1", "<p>x</p>"))
    data["rows"][0]["columns"][0]["blocks"][0]["condition"] = "data:vip =="
    f = one(check(data), "merge-syntax")
    assert f.location == "b1" and f.message.startswith("b1.condition:1:")
    mjml = (
        "<mjml><mj-head><mj-title>Hi</mj-title><mj-preview>p</mj-preview></mj-head><mj-body><mj-section>"
        '<mj-column><mj-text>Hi << data:x | bad >> <a href="<< link:unsubscribe >>">unsubscribe</a>'
        "</mj-text></mj-column></mj-section></mj-body></mjml>"
    )
    report = check_mjml_text(mjml, source="t.mjml")
    f = one(report, "merge-syntax")
    assert f.location == "html" and "line 1, column" in f.message and "bad" in f.message


def test_no_merge_syntax_finding_for_valid_tags():
    report = check(make(text("b1", '<p>Hi << data:firstname | default("you") >>, <% if data:vip %>VIP<% endif %></p>')))
    assert of(report, "merge-syntax") == []


# --- contrast ---------------------------------------------------------------------------------


def test_contrast_ratio_matches_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("transparent", "#ffffff") is None


def test_contrast_low_text():
    f = one(check(make(text("b3", "<p>Pale</p>", color="#cccccc"))), "contrast")
    assert (f.severity, f.location) == ("warning", "b3") and "4.5:1" in f.message


def test_contrast_uses_the_effective_background():
    dark_row = {
        "id": "r2",
        "props": {"background_color": "#111111"},
        "columns": [
            {
                "id": "c2",
                "blocks": [
                    text("b5", "<p>Dark on dark</p>", color="#333333"),
                    text("b6", "<p>Light on dark</p>", color="#eeeeee"),
                ],
            }
        ],
    }
    light_column = {
        "id": "r3",
        "props": {"background_color": "#111111"},
        "columns": [
            {
                "id": "c3",
                "props": {"background_color": "#ffffff"},
                "blocks": [text("b8", "<p>Dark on a white column</p>", color="#222222")],
            }
        ],
    }
    report = check(make(rows=[dark_row, light_column]))
    assert [f.location for f in of(report, "contrast")] == ["b5"]


def test_contrast_large_text_needs_3_to_1():
    grey = "#8a8a8a"  # 3.5:1 on white
    report = check(
        make(
            {"id": "b1", "type": "heading", "props": {"text": "Big", "color": grey, "font_size": 30}},
            text("b2", "<p>small</p>", color=grey),
        )
    )
    assert [f.location for f in of(report, "contrast")] == ["b2"]


def test_contrast_button_label_against_button_colour():
    report = check(
        make(
            {
                "id": "b4",
                "type": "button",
                "props": {
                    "href": "https://example.com",
                    "background_color": "#ffdd00",
                    "text_color": "#ffffff",
                    "font_size": 16,
                },
            },
            {"id": "b5", "type": "button", "props": {"href": "https://example.com"}},
        )
    )
    f = one(report, "contrast")
    assert f.location == "b4" and "button label" in f.message


def test_contrast_coloured_span_in_rich_text():
    f = one(check(make(text("b2", '<p>Fine, but <span style="color:#dddddd">not this</span></p>'))), "contrast")
    assert f.location == "b2" and "#dddddd" in f.message


# --- image-weight -----------------------------------------------------------------------------


def _write_doc(folder: Path, data: dict) -> Path:
    path = folder / "email.mwt"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# The first bytes of a real image: check takes local files by the rule export does (an image
# whose content is not one is left out of the bundle, and so is an error here).
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff\xe0"


def test_image_weight_per_image_and_total(tmp_path: Path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "big.jpg").write_bytes(JPEG + b"\0" * 600_000)
    (tmp_path / "images" / "mid.jpg").write_bytes(JPEG + b"\0" * 450_000)
    data = make(
        {"id": "b1", "type": "image", "props": {"src": "images/big.jpg", "alt": "Big"}},
        {"id": "b2", "type": "image", "props": {"src": "images/mid.jpg", "alt": "Mid"}},
    )
    report = check_file(_write_doc(tmp_path, data))
    found = of(report, "image-weight")
    assert [(f.severity, f.location) for f in found] == [("warning", "b1"), ("warning", "b1")]
    assert "big.jpg" in found[0].message
    assert any("add up to" in f.message for f in found)


def test_image_weight_not_for_small_local_images(tmp_path: Path):
    (tmp_path / "logo.png").write_bytes(PNG + b"\0" * 20_000)
    data = make({"id": "b1", "type": "image", "props": {"src": "logo.png", "alt": "Logo"}})
    report = check_file(_write_doc(tmp_path, data))
    assert of(report, "image-weight") == [] and of(report, "bad-url") == []


def test_a_local_image_an_export_would_leave_out_is_an_error_saying_why(tmp_path: Path):
    """The rule export and the canvas share (local_files.py): outside the document's folder (a
    ../ path, or a symlink in assets/ pointing out) or not an image: left out of the bundle, so a
    broken image for recipients, where check used to say nothing."""
    folder = tmp_path / "doc"
    (folder / "assets").mkdir(parents=True)
    (tmp_path / "secret.png").write_bytes(PNG + b"\0" * 100)
    (folder / "assets" / "link.png").symlink_to(tmp_path / "secret.png")
    (folder / "assets" / "page.png").write_text("<!doctype html><p>not a picture</p>", encoding="utf-8")
    (folder / "assets" / "ok.png").write_bytes(PNG + b"\0" * 100)
    data = make(
        {"id": "b1", "type": "image", "props": {"src": "../secret.png", "alt": "A"}},
        {"id": "b2", "type": "image", "props": {"src": "assets/link.png", "alt": "B"}},
        {"id": "b3", "type": "image", "props": {"src": "assets/page.png", "alt": "C"}},
        {"id": "b4", "type": "image", "props": {"src": "assets/ok.png", "alt": "D"}},
    )
    found = {f.location: f for f in of(check_file(_write_doc(folder, data)), "bad-url")}
    assert set(found) == {"b1", "b2", "b3"}
    for where in ("b1", "b2"):
        assert found[where].severity == "error" and "outside the document's folder" in found[where].message
    assert "is not a PNG image (its content is HTML)" in found["b3"].message


def test_missing_local_image_is_a_bad_url(tmp_path: Path):
    data = make({"id": "b1", "type": "image", "props": {"src": "images/nope.png", "alt": "Nope"}})
    f = one(check_file(_write_doc(tmp_path, data)), "bad-url")
    assert (f.severity, f.location) == ("error", "b1") and "not a file" in f.message


# --- image-width ------------------------------------------------------------------------------


def test_image_width_missing_in_raw_html():
    f = one(check(make(raw("b2", f'<img src="{IMG}" alt="A photo">'))), "image-width")
    assert (f.severity, f.location) == ("warning", "b2")


def test_image_width_present():
    report = check(
        make(
            raw("b2", f'<img src="{IMG}" alt="A photo" width="300">'),
            {"id": "b3", "type": "image", "props": {"src": IMG, "alt": "x"}},
        )
    )
    assert of(report, "image-width") == []


# --- css-support ------------------------------------------------------------------------------


def test_css_support_reports_unsupported_css_once_per_feature():
    report = check(
        make(
            raw("b2", '<div style="position:relative;top:2px">a</div>'),
            raw("b3", '<div style="position:absolute">b</div><div style="position:relative">c</div>'),
        )
    )
    f = [x for x in of(report, "css-support") if "position" in x.message]
    assert len(f) == 1
    assert f[0].severity == "warning" and f[0].location == "b2"
    assert "Gmail" in f[0].message and "used 3 times in b2 and b3" in f[0].message
    assert "caniemail.com/features/css-position" in f[0].hint


def test_css_support_outlook_only_gaps_are_info():
    f = [
        x
        for x in of(check(make(raw("b2", '<div style="display:flex">a</div>'))), "css-support")
        if "display:flex" in x.message
    ]
    assert len(f) == 1 and f[0].severity == "info" and "Outlook (Windows)" in f[0].message


def test_css_support_style_sheet_features():
    css = "@media (prefers-color-scheme: dark) { .x { color: #ffffff; } }"
    report = check(make(text("b1", "<p>x</p>"), settings=_head_style(css)))
    f = [x for x in of(report, "css-support") if "prefers-color-scheme" in x.message]
    assert len(f) == 1 and f[0].severity == "warning" and "Gmail" in f[0].message


def test_css_support_ignores_mailwright_and_mjml_boilerplate():
    # Every block with its defaults: MJML's own ghost tables, max-width, @media, rounded buttons…
    from mailwright.blocks import REGISTRY

    blocks = [{"id": f"b{i}", "type": t, "props": {}} for i, t in enumerate(REGISTRY) if t not in ("hero", "footer")]
    rows = [{"id": "rh", "columns": [{"id": "ch", "blocks": [{"id": "bh", "type": "hero", "props": {}}]}]}]
    report = check(make(*blocks, rows=rows))
    assert of(report, "css-support") == []
    for path in sorted(EXAMPLES.glob("*.mwt")) + sorted(EXAMPLES.glob("*.mjml")):
        assert of(check_file(path), "css-support") == [], path.name


def test_caniemail_data_is_small_attributed_and_lazy():
    path = ROOT / "app" / "checks" / "caniemail.json"
    assert path.stat().st_size < 400 * 1024
    data = load_caniemail()
    assert data["source"]["package"] == "caniemail" and data["source"]["license"] == "MIT"
    assert data["source"]["version"] and data["source"]["last_update_date"]
    feature = data["features"]["css-border-radius"]
    assert feature["support"]["outlook.windows"].split()[0] == "n"
    assert set(v.split()[0] for f in data["features"].values() for v in f["support"].values()) <= {"y", "n", "a"}
    licence = (ROOT / "app" / "checks" / "CANIEMAIL_LICENSE.md").read_text(encoding="utf-8")
    assert "MIT" in licence and "caniemail" in licence
    assert '"mailwright.app.checks" = ["*.json", "*.md"]' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_caniemail_script_derives_facts_only():
    spec = importlib.util.spec_from_file_location("caniemail_to_json", ROOT / "tools" / "caniemail_to_json.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    dataset = {
        "api_version": "1.0.4",
        "last_update_date": "2026-01-01",
        "nicenames": {
            "family": {"gmail": "Gmail", "outlook": "Outlook"},
            "platform": {"windows": "Windows", "desktop-webmail": "Desktop Webmail"},
        },
        "data": [
            {
                "slug": "css-x",
                "title": "x",
                "category": "css",
                "description": "long prose",
                "stats": {
                    "gmail": {"desktop-webmail": {"2019": "n", "2024": "a #2"}},
                    "outlook": {"windows": {"2016": "u"}},
                    "hey": {"desktop-webmail": {"2020": "y"}},
                },
                "notes_by_num": {"1": "unused", "2": "See [docs](https://x)."},
            }
        ],
    }
    out = module.derive(
        dataset, {"name": "caniemail", "version": "9.9.9", "license": "MIT"}, "MIT License\n\nCopyright © Someone\n"
    )
    assert out["source"]["version"] == "9.9.9" and out["source"]["copyright"] == ["Copyright © Someone"]
    assert out["features"]["css-x"] == {
        "title": "x",
        "category": "css",
        "support": {"gmail.desktop-webmail": "a 2"},
        "notes": {"2": "See docs."},
    }
    assert json.loads(module.dumps(out)) == out


# --- subject-length and preheader-missing -------------------------------------------------------


def test_subject_empty_is_an_error():
    f = one(check(make(text("b1", "<p>x</p>"), subject="  ")), "subject-length")
    assert (f.severity, f.location) == ("error", "subject")


def test_subject_too_long_is_a_warning():
    f = one(check(make(text("b1", "<p>x</p>"), subject="A" * 70)), "subject-length")
    assert (f.severity, f.location) == ("warning", "subject") and "70" in f.message


def test_subject_merge_tags_count_as_ten_characters():
    tag = '<< data:firstname | default("there, dear friend of ours") >>'
    assert subject_length(f"Hi {tag}") == 13
    assert of(check(make(text("b1", "<p>x</p>"), subject=f"Hi {tag}, the sale is on")), "subject-length") == []


def test_preheader_missing():
    f = one(check(make(text("b1", "<p>x</p>"), preheader="")), "preheader-missing")
    assert (f.severity, f.location) == ("warning", "preheader")
    assert of(check(make(text("b1", "<p>x</p>"))), "preheader-missing") == []


# --- run_checks API ---------------------------------------------------------------------------


def test_run_checks_is_deterministic_and_accepts_a_design_build():
    doc = document_from_data(BAD_EMAIL, "bad.mwt")
    fixed = copy.deepcopy(BAD_EMAIL)
    fixed["rows"][0]["columns"][0]["blocks"][-1]["props"]["text"] = "Hello"
    doc = document_from_data(fixed, "bad.mwt")
    result = build_document(doc, source="bad.mwt")
    design = build_document(doc, source="bad.mwt", design=True)
    first = run_checks(result, doc)
    assert first == run_checks(result, doc) == run_checks(design, doc)
    severities = [f.severity for f in first]
    assert severities == sorted(severities, key=("error", "warning", "info").index)
    # without the document, HTML findings cannot name a block
    assert {f.location for f in run_checks(result, None) if f.code == "missing-alt"} == {"html"}


# --- the deliberately bad email -------------------------------------------------------------------

BAD_EMAIL = {
    "format": "mailwright",
    "version": 1,
    "subject": "This subject line is far too long for any inbox to show it in full, sadly",
    "rows": [
        {
            "id": "r1",
            "columns": [
                {
                    "id": "c1",
                    "blocks": [
                        {
                            "id": "b1",
                            "type": "text",
                            "props": {
                                "html": '<p>Read <a href="http://example.com/blog">our blog</a> or <a href="#">this</a>.</p>'
                            },
                        },
                        {"id": "b2", "type": "html", "props": {"html": '<img src="https://example.com/photo.png">'}},
                        {
                            "id": "b3",
                            "type": "text",
                            "props": {"html": "<p>Pale grey small print</p>", "color": "#d0d0d0"},
                        },
                        {"id": "b4", "type": "heading", "props": {"text": "Hello << data:firstname | shout >>"}},
                    ],
                }
            ],
        }
    ],
}
EXPECTED_BAD = {
    ("error", "merge-syntax", "b4"),
    ("error", "no-unsubscribe", "html"),
    ("error", "empty-link", "b1"),
    ("warning", "insecure-link", "b1"),
    ("warning", "missing-alt", "b2"),
    ("warning", "image-width", "b2"),
    ("warning", "contrast", "b3"),
    ("warning", "subject-length", "subject"),
    ("warning", "preheader-missing", "preheader"),
}


def test_bad_email_names_every_problem_with_its_location():
    report = check(BAD_EMAIL)
    assert {(f.severity, f.code, f.location) for f in report.findings} == EXPECTED_BAD


# --- `mailwright check` -------------------------------------------------------------------------


def test_cli_json_schema_and_exit_code(tmp_path: Path):
    src = tmp_path / "bad.mwt"
    src.write_text(json.dumps(BAD_EMAIL), encoding="utf-8")
    proc = run_cli("check", str(src), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    out = json.loads(proc.stdout)
    assert list(out) == ["findings", "summary"]
    assert list(out["summary"]) == ["errors", "warnings", "html_bytes"]
    assert all(list(f) == ["severity", "code", "message", "location", "hint"] for f in out["findings"])
    assert all(isinstance(v, str) for f in out["findings"] for v in f.values())
    assert {(f["severity"], f["code"], f["location"]) for f in out["findings"]} == EXPECTED_BAD
    assert out["summary"]["errors"] == 3 and out["summary"]["warnings"] == 6
    assert isinstance(out["summary"]["html_bytes"], int) and out["summary"]["html_bytes"] > 1000
    again = run_cli("check", str(src), "--format", "json")
    assert again.stdout == proc.stdout  # stable output


def test_cli_text_format(tmp_path: Path):
    src = tmp_path / "bad.mwt"
    src.write_text(json.dumps(BAD_EMAIL), encoding="utf-8")
    proc = run_cli("check", str(src))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0].split()[:3] == ["error", "merge-syntax", "b4"]
    assert "3 errors, 6 warnings" in lines[-1] and "KB of HTML" in lines[-1]
    assert len(lines) == len(EXPECTED_BAD) + 1


def test_cli_warnings_do_not_fail(tmp_path: Path):
    src = tmp_path / "ok.mwt"
    src.write_text(json.dumps(make(text("b1", "<p>x</p>"), preheader="")), encoding="utf-8")
    proc = run_cli("check", str(src), "--format", "json")
    assert proc.returncode == 0, proc.stdout
    assert json.loads(proc.stdout)["summary"]["warnings"] == 1


def test_cli_with_recipients(tmp_path: Path):
    src = tmp_path / "hi.mwt"
    src.write_text(
        json.dumps(make({"id": "b1", "type": "heading", "props": {"text": "Hi << data:firstname >>"}})),
        encoding="utf-8",
    )
    data = tmp_path / "people.csv"
    data.write_text("email,firstname\na@example.com,Ann\nb@example.com,\n", encoding="utf-8")
    proc = run_cli("check", str(src), "--data", str(data), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    finding = [f for f in json.loads(proc.stdout)["findings"] if f["code"] == "missing-field"]
    assert len(finding) == 1 and finding[0]["location"] == "b1" and "row 2" in finding[0]["message"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.mwt"], "no such file"),
        (["notes.txt"], "unknown kind of file"),
        (["broken.mwt"], "broken.mwt"),
        (["ok.mwt", "--data", "nope.csv"], "nope.csv"),
    ],
)
def test_cli_bad_input_exits_2(tmp_path: Path, args: list[str], message: str):
    (tmp_path / "broken.mwt").write_text('{"format": "mailwright", "version": 1, "rows": [', encoding="utf-8")
    (tmp_path / "notes.txt").write_text("hi", encoding="utf-8")
    (tmp_path / "ok.mwt").write_text(json.dumps(make(text("b1", "<p>x</p>"))), encoding="utf-8")
    proc = run_cli("check", *args, cwd=tmp_path)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.mwt")) + sorted(EXAMPLES.glob("*.mjml")), ids=lambda p: p.name)
def test_cli_every_starter_has_no_errors(path: Path):
    proc = run_cli("check", str(path), "--format", "json")
    out = json.loads(proc.stdout)
    assert proc.returncode == 0, out["findings"]
    assert out["summary"]["errors"] == 0
