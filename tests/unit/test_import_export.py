"""Import (MJML and HTML → document) and export (bundles, UTM links), headless.

What a user notices: an MJML or HTML email they already have imports into an editable
document that builds to the same email (same words, same links, same images), with what no
block can hold kept exactly as written; editing one block changes that block only; a bundle
zip holds the HTML, text, MJML, source and local images with working relative references;
tracking parameters go on real links and never into merge tags, mailto: or anchors.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import lxml.html
import pytest

from mailwright.app.document.model import Document, make_block
from mailwright.app.export import add_utm, export_bundle, utm_params
from mailwright.app.importer import ImportFailed, import_file
from mailwright.app.importer.html_import import import_html
from mailwright.app.importer.mjml_import import import_mjml
from mailwright.app.build.pipeline import build_document, build_mjml_text
from mailwright.app.build.plaintext import html_to_text
from mailwright.app.document.storage import dumps_document, loads_document, save_document
from mailwright.app.document.storage import DocumentError

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "mjml"
MJML_FILES = sorted(FIXTURES.glob("*.mjml")) + [ROOT / "examples" / "hello.mjml"]


# --- helpers ----------------------------------------------------------------------------------


def words(html: str) -> str:
    """The visible text of an email, whitespace normalised."""
    return " ".join(html_to_text(html).split())


def structure(html: str) -> dict:
    root = lxml.html.document_fromstring(html)
    return {
        "images": sorted(img.get("src") or "" for img in root.iter("img")),
        "links": sorted(a.get("href") for a in root.iter("a") if a.get("href") is not None),
        "tables": sum(1 for _ in root.iter("table")),
    }


def imported(path: Path):
    text = path.read_text(encoding="utf-8")
    return text, import_mjml(text, str(path))


def find_block(doc: Document, block_type: str, **props):
    for block in doc.iter_blocks():
        if block.type == block_type and all(getattr(block.props, k) == v for k, v in props.items()):
            return block
    raise AssertionError(f"no {block_type} block with {props}")


# --- MJML import: the imported document builds to the original email ----------------------------


@pytest.mark.parametrize("path", MJML_FILES, ids=lambda p: p.name)
def test_import_reproduces_the_original_compile(path: Path) -> None:
    text, report = imported(path)
    original = build_mjml_text(text, source=str(path))
    rebuilt = build_document(report.document, source="imported")

    assert words(rebuilt.html) == words(original.html)
    assert " ".join(rebuilt.text.split()) == " ".join(original.text.split())
    a, b = structure(original.html), structure(rebuilt.html)
    assert b["images"] == a["images"]
    assert b["links"] == a["links"]
    # Columns gain one zero-padding wrapper table each (the theme's column padding); nothing else.
    assert a["tables"] <= b["tables"] <= a["tables"] + text.count("<mj-column")
    assert (rebuilt.subject, rebuilt.preheader) == (original.subject, original.preheader)


@pytest.mark.parametrize("path", MJML_FILES, ids=lambda p: p.name)
def test_import_is_valid_deterministic_and_keeps_raw_parts_verbatim(path: Path) -> None:
    text, report = imported(path)
    doc = report.document
    assert Document.model_validate(doc.model_dump()) == doc
    assert loads_document(dumps_document(doc)) == doc
    assert dumps_document(import_mjml(text, str(path)).document) == dumps_document(doc)
    ids = [n.id for n in doc.iter_nodes()]
    for prefix in "rcb":
        mine = [i for i in ids if i.startswith(prefix)]
        assert mine == [f"{prefix}{n}" for n in range(1, len(mine) + 1)]
    for block in doc.iter_blocks():
        if block.type == "mjml":
            assert block.props.mjml in text, "raw MJML must be the source exactly as written"
    assert not [n for n in report.notes if "slightly different" in n]
    assert report.editable, "a real template has editable blocks after import"


def test_newsletter_maps_layout_and_content_to_blocks() -> None:
    text, report = imported(FIXTURES / "newsletter.mjml")
    doc = report.document
    assert doc.subject == "The Weekly Brew — Issue #42"
    assert doc.preheader.startswith("Cold brew season") and '<< data:firstname | default("you") >>' in doc.preheader
    assert doc.settings.width == 640
    assert doc.settings.background_color == "#f4f1ec"
    head = doc.settings.head_mjml
    for kept in ('<mj-font name="Lato"', '<mj-class name="cta"', ".link-nostyle", '<mj-breakpoint width="520px" />'):
        assert kept in head
    assert head.index('<mj-class name="cta"') < head.index(".link-nostyle") < head.index("mj-breakpoint")
    widths = [[c.width for c in row.columns] for row in doc.rows]
    assert [40, 60] in widths
    assert [33.33, 33.33, 33.34] in widths
    assert [50, 50] in widths  # two columns without widths: an equal split
    # mj-class and mj-attributes resolved into the block's own props
    button = find_block(doc, "button", label="Order a growler")
    assert button.props.href == "https://brew.example.com/shop/cold-brew?ref=<< data:id >>"
    assert button.props.background_color == "#c0392b"
    assert find_block(doc, "image", alt="The Weekly Brew").props.width == 160
    assert find_block(doc, "divider").props.color == "#e2ddd5"  # 1px: the default, not stored
    # a row without a background of its own takes the one from <mj-attributes>
    assert doc.rows[3].props.background_color == "#ffffff"
    raw = {element for _, element, _ in report.raw}
    assert {"mj-navbar", "mj-social"} <= raw  # link padding / a twitter icon: no block holds them


def test_groups_px_widths_inline_styles_and_tables() -> None:
    text, report = imported(FIXTURES / "receipt.mjml")
    doc = report.document
    group_row = doc.rows[0]
    assert group_row.props.stack_on_mobile is False and [c.width for c in group_row.columns] == [50, 50]
    px_row = next(r for r in doc.rows if len(r.columns) == 2 and r is not group_row)
    assert [c.width for c in px_row.columns] == [33.3334, 66.6667]  # 200px and 400px of 600px
    assert ".receipt-table td" in doc.settings.inline_css
    assert 'inline="inline"' not in (doc.settings.head_mjml or "")
    table = next(b for b in doc.iter_blocks() if b.type == "mjml" and "<mj-table" in b.props.mjml)
    assert "<% for item in data:order.items %>" in table.props.mjml
    # The inline styles are inlined in the imported build as in the original.
    rebuilt = build_document(doc).html
    assert re.search(r'<td[^>]*style="[^"]*border-bottom:1px solid #ecedee', rebuilt)


def test_wrappers_heroes_carousels_and_accordions_are_kept_as_written() -> None:
    text, report = imported(FIXTURES / "black_friday.mjml")
    doc = report.document
    first = doc.rows[0].hero
    assert first is not None and first.type == "mjml" and first.props.fills_row
    assert first.props.mjml.startswith("<mj-wrapper") and first.props.mjml.endswith("</mj-wrapper>")
    assert doc.rows[1].hero.props.mjml.startswith("<mj-hero")
    carousel = next(b for b in doc.iter_blocks() if b.type == "mjml" and "<mj-carousel" in b.props.mjml)
    assert not carousel.props.fills_row  # inside a mapped row's column
    four = next(r for r in doc.rows if len(r.columns) == 4)
    assert [c.width for c in four.columns] == [25, 25, 25, 25]
    assert [b.type for c in four.columns for b in c.blocks] == ["image", "text"] * 4


def test_odd_formatting_classes_rtl_comments_and_unknown_elements() -> None:
    text, report = imported(FIXTURES / "odd_formatting.mjml")
    doc = report.document
    assert doc.subject == "Odd & formatted"
    multi = find_block(doc, "text", html="Multi-class heading")
    assert (multi.props.color, multi.props.font_size, multi.props.padding_x) == ("#1d4ed8", 20, 24)
    rtl = doc.rows[1]
    assert rtl.props.reverse_on_mobile is True
    # Columns are stored in desktop order (reversed from the source, which is mobile order).
    assert [c.blocks[0].props.html for c in rtl.columns] == [
        "Left on desktop, second on mobile",
        "Right on desktop, first on mobile",
    ]
    avatar = find_block(doc, "image", alt="Your avatar")
    assert avatar.props.src == '<< data:avatar_url | default("https://cdn.example.com/avatar.png") >>'
    assert find_block(doc, "button", label="Email us").props.full_width is True
    # A css-class the email's own styles use stays on an editable block (issue 13 item 6).
    assert find_block(doc, "text", html="Has a css class").props.css_class == "red-text"
    # An unknown element in the body is left out of the email by node's MJML, and so of the
    # document (it used to be kept as raw MJML, showing its text: mjml-python copies it in).
    assert not any(e == "mj-unknown-thing" for _, e, _ in report.raw)
    assert "inside an unknown element" not in doc.model_dump_json()
    assert any("<mj-unknown-thing> is not an MJML element; it is left out" in n for n in report.notes)
    assert any("comment" in n for n in report.notes)


def test_merge_tags_between_elements_keep_the_section_as_written() -> None:
    text, report = imported(FIXTURES / "onboarding.mjml")
    raw_rows = [r for r in report.document.rows if r.hero is not None]
    assert len(raw_rows) == 1 and '<% if data:plan == "trial" %>' in raw_rows[0].hero.props.mjml
    cards = next(r for r in report.document.rows if any(c.props.padding == 12 for c in r.columns))
    assert all(c.props.background_color == "#f8fafc" and c.props.border_radius == 8 for c in cards.columns)


def test_an_edit_changes_that_block_and_keeps_every_other_word() -> None:
    text, report = imported(FIXTURES / "newsletter.mjml")
    doc = report.document
    original = words(build_mjml_text(text).html)
    button = find_block(doc, "button", label="Order a growler")
    button.props.label = "Reserve yours"
    heading_text = find_block(doc, "text", html="A new roastery")
    heading_text.props.html = "A bigger roastery"
    edited = words(build_document(doc).html)
    expected = original.replace("Order a growler", "Reserve yours").replace("A new roastery", "A bigger roastery")
    assert edited == expected
    assert "https://brew.example.com/shop/cold-brew?ref=<< data:id >>" in build_document(doc).html


def test_mailwright_mjml_round_trips_to_editable_blocks(tmp_path: Path) -> None:
    doc = loads_document((ROOT / "examples" / "welcome.mwt").read_text(encoding="utf-8"))
    built = build_document(doc)
    report = import_mjml(built.mjml, "welcome.mjml")
    assert words(build_document(report.document).html) == words(built.html)
    types = {b.type for b in report.document.iter_blocks()}
    assert {"heading", "text", "button", "image"} <= types
    assert sum(report.editable.values()) >= len(list(report.document.iter_blocks())) - 2


def test_the_theme_does_not_restyle_what_the_source_leaves_to_mjml_defaults() -> None:
    source = """<mjml><mj-body><mj-section><mj-column>
      <mj-text>Plain</mj-text>
      <mj-table><tr><td>cell</td></tr></mj-table>
      <mj-button href="https://example.com">Go</mj-button>
    </mj-column></mj-section></mj-body></mjml>"""
    doc = import_mjml(source).document
    html = build_document(doc).html
    assert "font-size:13px;line-height:1;text-align:left;color:#000000" in html  # MJML's text defaults
    assert "background:#414141" in html  # MJML's button colour
    assert "Ubuntu, Helvetica, Arial, sans-serif" in html
    assert doc.settings.theme == "neutral"  # MJML's own defaults; buttons not bold, as MJML's


def test_mjml_import_errors_are_located() -> None:
    with pytest.raises(ImportFailed, match=r"^broken\.mjml:1:\d+: "):
        import_mjml(
            "<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-column></mj-section></mj-body></mjml>", "broken.mjml"
        )
    with pytest.raises(ImportFailed, match=r"^tags\.mjml:3:\d+: unknown filter"):
        import_mjml(
            "<mjml>\n<mj-body><mj-section><mj-column>\n<mj-text><< data:x | shout >></mj-text>"
            "</mj-column></mj-section></mj-body></mjml>",
            "tags.mjml",
        )
    with pytest.raises(ImportFailed, match="no <mj-body>"):
        import_mjml("<mjml><mj-head><mj-title>t</mj-title></mj-head></mjml>", "x.mjml")
    assert isinstance(ImportFailed("x"), DocumentError)  # the CLI and the editor report it as bad input


def test_import_file_dispatches_by_extension(tmp_path: Path) -> None:
    (tmp_path / "a.mjml").write_text((ROOT / "examples" / "hello.mjml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b.html").write_text(
        "<html><head><title>Hi</title></head><body><p>Hello</p></body></html>", encoding="utf-8"
    )
    (tmp_path / "c.txt").write_text("x", encoding="utf-8")
    assert import_file(tmp_path / "a.mjml").subject == "Hello from Mailwright"
    assert import_file(tmp_path / "b.html").rows[0].columns[0].blocks[0].type == "html"
    with pytest.raises(ImportFailed, match="c.txt"):
        import_file(tmp_path / "c.txt")
    with pytest.raises(DocumentError, match="no such file"):
        import_file(tmp_path / "missing.mjml")


# --- HTML import --------------------------------------------------------------------------------

HTML_EMAIL = """<!DOCTYPE html>
<html lang="fr" dir="ltr">
<head>
<meta charset="utf-8">
<title>Votre commande << data:order | default("n°1") >> est partie</title>
<style type="text/css">
  .btn a { background:#e11d48; color:#ffffff; padding:12px 20px; text-decoration:none; }
</style>
<link rel="stylesheet" href="https://example.com/email.css">
</head>
<body style="margin:0;padding:0;background-color:#FAFAFA" bgcolor="#fafafa">
  <div class="preheader" style="display:none;max-height:0;overflow:hidden">Suivez votre colis &zwnj;&nbsp;&zwnj;</div>
  <table width="100%" role="presentation"><tr><td align="center">
    <table width="640" role="presentation" style="background:#ffffff">
      <tr><td><img src="https://cdn.example.com/logo.png" alt="Boutique" width="120"></td></tr>
      <tr><td>
        <p>Bonjour << data:firstname | default("cher client") >>,</p>
        <p>Votre commande a été expédiée. Elle arrive <strong>demain</strong>.</p>
        <p class="btn"><a href="https://shop.example.com/track?o=<< data:order >>&amp;lang=fr">Suivre le colis</a></p>
        <div style="display:none">Only on mobile</div>
      </td></tr>
      <tr><td><a href="<< link:unsubscribe >>">Se désabonner</a></td></tr>
    </table>
  </td></tr></table>
</body>
</html>
"""


def test_html_import_keeps_text_subject_and_preheader() -> None:
    report = import_html(HTML_EMAIL, "commande.html")
    doc = report.document
    assert doc.subject == 'Votre commande << data:order | default("n°1") >> est partie'
    assert doc.preheader == "Suivez votre colis"
    assert (doc.settings.lang, doc.settings.dir, doc.settings.width) == ("fr", "ltr", 640)
    assert doc.settings.background_color == "#fafafa"
    block = doc.rows[0].columns[0].blocks[0]
    assert block.type == "html"
    assert "Suivez votre colis" not in block.props.html  # the document writes its own preheader
    assert "Only on mobile" in block.props.html  # hidden later content is not a preheader
    assert ".btn a" in block.props.html  # head styles moved in, to be inlined
    assert any("stylesheet" in n for n in report.notes)
    built = build_document(doc)
    assert words(built.html) == words(HTML_EMAIL)
    assert built.html.count("Suivez votre colis") == 1
    assert 'href="https://shop.example.com/track?o=<< data:order >>&amp;lang=fr"' in built.html
    assert re.search(r'<a href="https://shop[^"]*"[^>]*style="[^"]*background:#e11d48', built.html)


def test_html_import_without_head_body_or_preheader() -> None:
    doc = import_html("<table><tr><td>Just a table, << data:x >></td></tr></table>", "bare.html").document
    assert doc.subject == "" and doc.preheader == ""
    assert "Just a table, << data:x >>" in words(build_document(doc).html)
    with pytest.raises(ImportFailed, match="not HTML"):
        import_html("plain words only", "plain.html")


# --- UTM ------------------------------------------------------------------------------------------

UTM = {"source": "news", "medium": "email", "campaign": "spring sale"}


def test_utm_is_added_to_http_links() -> None:
    html = (
        '<a href="https://example.com/shop">Shop</a> <a class="x" href=\'http://example.com/a?b=1&amp;c=2#top\'>A</a>'
    )
    out = add_utm(html, UTM)
    assert 'href="https://example.com/shop?utm_source=news&amp;utm_medium=email&amp;utm_campaign=spring%20sale"' in out
    assert (
        "href='http://example.com/a?b=1&amp;c=2&amp;utm_source=news&amp;utm_medium=email"
        "&amp;utm_campaign=spring%20sale#top'" in out
    )


def test_utm_keeps_existing_params_and_leaves_other_links_alone() -> None:
    html = (
        '<a href="https://example.com/?utm_source=partner&amp;x=1">p</a>'
        '<a href="mailto:hi@example.com?subject=Hi">m</a><a href="tel:+441234">t</a>'
        '<a href="#faq">f</a><a href="/relative">r</a>'
        '<img src="https://cdn.example.com/i.png"><a href="https://example.com/?">q</a>'
    )
    out = add_utm(html, {"source": "news", "medium": "email"})
    assert 'href="https://example.com/?utm_source=partner&amp;x=1&amp;utm_medium=email"' in out
    for untouched in (
        'href="mailto:hi@example.com?subject=Hi"',
        'href="tel:+441234"',
        'href="#faq"',
        'href="/relative"',
        'src="https://cdn.example.com/i.png"',
    ):
        assert untouched in out
    assert 'href="https://example.com/?utm_source=news&amp;utm_medium=email"' in out


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/u?id=<< data:id >>",
        "https://example.com/<% if data:vip %>vip<% endif %>",
        "https://example.com/?e={{ email }}",
        "https://example.com/?e=*|EMAIL|*",
        "https://example.com/?e=[[EMAIL]]",
        "https://example.com/?e=%recipient.email%",
        "https://example.com/?e=%%emailaddr%%",
        "https://example.com/?n=[firstname,fallback=]",
        "https://example.com/{% if x %}a{% endif %}",
    ],
)
def test_utm_leaves_links_with_merge_tags_alone(url: str) -> None:
    html = f'<a href="{url}">x</a>'
    assert add_utm(html, UTM) == html


def test_utm_percent_encoded_links_are_still_tagged() -> None:
    out = add_utm('<a href="https://example.com/caf%C3%A9?q=a%20b">x</a>', {"source": "n"})
    assert 'href="https://example.com/caf%C3%A9?q=a%20b&amp;utm_source=n"' in out
    assert utm_params({"utm_term": "x", "content": "y"}) == {"utm_term": "x", "utm_content": "y"}


# --- bundles ----------------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "img").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "img" / "logo.png").write_bytes(PNG)
    (tmp_path / "img" / "hero.jpg").write_bytes(b"\xff\xd8\xff" + b"1" * 40)
    (tmp_path / "a" / "x.png").write_bytes(PNG + b"a")
    (tmp_path / "b" / "x.png").write_bytes(PNG + b"b")
    (tmp_path / "notes.txt").write_text("secret", encoding="utf-8")
    doc = Document.model_validate(
        {
            "subject": "Hi << data:firstname >>",
            "preheader": "Spring",
            "rows": [
                {
                    "id": "r1",
                    "columns": [
                        {
                            "id": "c1",
                            "blocks": [
                                make_block(
                                    "image", "b1", src="img/logo.png", alt="Logo", href="https://example.com/home"
                                ).model_dump(),
                                make_block("image", "b2", src="./img/logo.png", alt="Logo again").model_dump(),
                                make_block(
                                    "image", "b3", src="https://cdn.example.com/remote.png", alt="Remote"
                                ).model_dump(),
                                make_block("image", "b4", src="img/missing.png", alt="Missing").model_dump(),
                                make_block(
                                    "html",
                                    "b5",
                                    html='<img src="a/x.png" alt="A"><img src="b/x.png" alt="B">'
                                    "<div style=\"background-image:url('img/hero.jpg')\">bg</div>"
                                    '<a href="notes.txt">notes</a> <img src="notes.txt" alt="n">',
                                ).model_dump(),
                                make_block(
                                    "button", "b6", label="Shop", href="https://example.com/shop?x=1"
                                ).model_dump(),
                                make_block(
                                    "text",
                                    "b7",
                                    html='<p><a href="https://example.com/u?id=<< data:id >>">You</a> '
                                    '<a href="mailto:hi@example.com">Mail</a></p>',
                                ).model_dump(),
                            ],
                        }
                    ],
                },
            ],
        }
    )
    save_document(doc, tmp_path / "spring.mwt")
    return tmp_path


def read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def test_bundle_contents_and_relative_image_paths(project: Path) -> None:
    out = project / "out" / "spring.zip"
    out.parent.mkdir()
    report = export_bundle(project / "spring.mwt", out)
    files = read_zip(out)
    assert list(files) == sorted(files)
    assert sorted(files) == [
        "email.html",
        "email.mjml",
        "email.txt",
        "images/hero.jpg",
        "images/logo.png",
        "images/x-2.png",
        "images/x.png",
        "manifest.json",
        "spring.mwt",
    ]
    assert files["images/logo.png"] == PNG
    assert {files["images/x.png"], files["images/x-2.png"]} == {PNG + b"a", PNG + b"b"}
    assert files["spring.mwt"] == (project / "spring.mwt").read_bytes()
    html = files["email.html"].decode()
    assert html.count('src="images/logo.png"') == 2  # two spellings of one file: one copy
    assert 'src="images/x.png"' in html and 'src="images/x-2.png"' in html
    assert "url('images/hero.jpg')" in html
    assert 'src="https://cdn.example.com/remote.png"' in html
    assert 'src="img/missing.png"' in html and report.missing == ("img/missing.png",)
    assert "notes.txt" in dict(report.refused) and b"secret" not in b"".join(files.values())
    mjml = files["email.mjml"].decode()
    assert 'src="images/logo.png"' in mjml and "img/logo.png" not in mjml
    assert "Hi << data:firstname >>" in html  # merge tags as written without --esp
    manifest = json.loads(files["manifest.json"])
    assert manifest["subject"] == "Hi << data:firstname >>" and manifest["source"] == "spring.mwt"
    assert manifest["images"]["images/logo.png"] in ("img/logo.png", "./img/logo.png")
    with zipfile.ZipFile(out) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_bundle_is_deterministic_and_uses_the_asset_base_url(project: Path) -> None:
    first, second = project / "one.zip", project / "two.zip"
    export_bundle(project / "spring.mwt", first, asset_base_url="https://cdn.example.com/spring/")
    export_bundle(project / "spring.mwt", second, asset_base_url="https://cdn.example.com/spring/")
    assert first.read_bytes() == second.read_bytes()
    html = read_zip(first)["email.html"].decode()
    assert 'src="https://cdn.example.com/spring/logo.png"' in html
    assert "url('https://cdn.example.com/spring/hero.jpg')" in html
    assert "images/logo.png" in read_zip(first)  # the files to upload are still there


def test_bundle_for_an_esp_with_utm(project: Path) -> None:
    out = project / "esp.zip"
    export_bundle(project / "spring.mwt", out, esp="mailchimp", utm={"source": "news", "campaign": "spring"})
    files = read_zip(out)
    html, text = files["email.html"].decode(), files["email.txt"].decode()
    assert "*|FNAME|*" in html and "<< data:" not in html
    assert "https://example.com/shop?x=1&amp;utm_source=news&amp;utm_campaign=spring" in html
    assert "https://example.com/home?utm_source=news&amp;utm_campaign=spring" in html
    assert "https://example.com/shop?x=1&utm_source=news&utm_campaign=spring" in text
    assert 'href="mailto:hi@example.com"' in html
    assert re.search(r'href="https://example.com/u\?id=\*\|ID\|\*"', html)  # a link with a tag: no UTM
    assert "utm_" not in re.search(r'src="[^"]*remote.png"', html).group(0)
    assert json.loads(files["manifest.json"])["esp"] == "mailchimp"


def test_bundle_of_an_mjml_source(tmp_path: Path) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "card.png").write_bytes(PNG)
    source = (
        (ROOT / "examples" / "hello.mjml")
        .read_text(encoding="utf-8")
        .replace("https://placehold.co/1040x480/dbeafe/1e3a8a.png?text=Hello", "img/card.png")
    )
    (tmp_path / "hello.mjml").write_text(source, encoding="utf-8")
    export_bundle(tmp_path / "hello.mjml", tmp_path / "hello.zip")
    files = read_zip(tmp_path / "hello.zip")
    assert files["hello.mjml"].decode() == source
    assert files["email.mjml"].decode() == source.replace("img/card.png", "images/card.png")
    assert files["images/card.png"] == PNG
    assert "<< link:view_online >>" in files["email.html"].decode()


def test_bundle_refuses_to_overwrite_its_source(project: Path) -> None:
    from mailwright.app.export import ExportError

    with pytest.raises(ExportError, match="is the source"):
        export_bundle(project / "spring.mwt", project / "spring.mwt")
    with pytest.raises(ExportError, match="asset-base-url"):
        export_bundle(project / "spring.mwt", project / "x.zip", asset_base_url="cdn.example.com")
    assert not (project / "x.zip").exists()
