"""Mailwright's own MJML imported again: build → `--mjml` → import gives the document back.

What a user notices: a template exported as MJML (to hand to a developer, to keep in a repo)
and imported again is the same template: the same theme, rows, columns and blocks with the same
props, footers, product cards, videos and order tables included, and editable in the inspector
rather than kept as raw MJML. An element edited by hand so that a block no longer writes it
stays raw MJML, as written, and the email still builds to the same HTML.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailwright.app.document.model import Document, make_block, resolve_fields
from mailwright.app.importer.mjml_import import import_mjml
from mailwright.app.document.layout_fields import COLUMN_FIELDS, ROW_FIELDS
from mailwright.app.build.mjml_render import RenderContext, resolved_theme
from mailwright.app.build.pipeline import build_document, build_mjml_text
from mailwright.app.build.plaintext import html_to_text
from mailwright.app.document.storage import loads_document
from mailwright.app.build.tokens import TokenTable
from mailwright.blocks import REGISTRY
from mailwright.themes import OVERRIDES

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.mwt"))
# What `build --mjml` does not carry: the document's variables (their values), the transactional
# flag and the CSS to inline.
NOT_IN_MJML = {"transactional", "inline_css"}


# --- helpers ------------------------------------------------------------------------------------


def words(html: str) -> str:
    return " ".join(html_to_text(html).split())


def resolved(node: Any, fields, doc: Document) -> dict[str, Any]:
    """Every field's effective value; rich text as the Text block writes it (entities and
    attributes the sanitiser drops are no difference a reader or the inspector sees)."""
    theme = resolved_theme(doc)
    values = resolve_fields(fields, node.props, theme)
    rich = RenderContext(theme=theme, tokens=TokenTable("MWTEST")).rich
    return {f.name: rich(values[f.name]) if f.kind == "richtext" else values[f.name] for f in fields}


def settings_of(doc: Document) -> dict[str, Any]:
    """The settings as they act: theme overrides as the values they give (an override equal to
    the theme's value is no override)."""
    theme = resolved_theme(doc)
    out = {k: v for k, v in doc.settings.model_dump().items() if k not in NOT_IN_MJML and k not in OVERRIDES}
    return out | {k: theme.get(key) for k, key in OVERRIDES.items()}


def assert_same_document(original: Document, back: Document) -> None:
    assert (back.subject, back.preheader) == (original.subject, original.preheader)
    assert settings_of(back) == settings_of(original)
    assert len(back.rows) == len(original.rows)
    for n, (ra, rb) in enumerate(zip(original.rows, back.rows)):
        assert resolved(rb, ROW_FIELDS, back) == resolved(ra, ROW_FIELDS, original), f"row {n + 1}"
        assert (rb.condition, rb.repeat) == (ra.condition, ra.repeat)
        assert [c.width for c in rb.columns] == [c.width for c in ra.columns], f"row {n + 1}"
        for ca, cb in zip(ra.columns, rb.columns):
            assert resolved(cb, COLUMN_FIELDS, back) == resolved(ca, COLUMN_FIELDS, original)
            assert [x.type for x in cb.blocks] == [x.type for x in ca.blocks], f"row {n + 1}"
            for xa, xb in zip(ca.blocks, cb.blocks):
                fields = REGISTRY[xa.type].fields
                assert resolved(xb, fields, back) == resolved(xa, fields, original), f"row {n + 1}: {xa.type}"


def document(*blocks, theme: str = "classic", widths: tuple[float, ...] = (100,), **settings: Any) -> Document:
    """One row; the blocks spread over the columns (a list per column, or all in the first)."""
    per_column = blocks if blocks and isinstance(blocks[0], list) else [list(blocks)]
    per_column = list(per_column) + [[] for _ in range(len(widths) - len(per_column))]
    columns = [
        {"id": f"c{i}", "width": w, "blocks": [b.model_dump() for b in col]}
        for i, (w, col) in enumerate(zip(widths, per_column))
    ]
    return Document.model_validate(
        {
            "subject": "Hi << data:firstname >>",
            "settings": {"theme": theme, **settings},
            "rows": [{"id": "r1", "columns": columns}],
        }
    )


def round_trip(doc: Document):
    built = build_document(doc)
    report = import_mjml(built.mjml, "exported.mjml")
    return built, report


def reimport(mjml: str):
    """Import MJML edited by hand: the document must still build to the edited email."""
    report = import_mjml(mjml, "edited.mjml")
    assert words(build_document(report.document).html) == words(build_mjml_text(mjml).html)
    return report


def blocks_of(doc: Document) -> list:
    return list(doc.iter_blocks())


def edited_by_hand(block, old: str, new: str, label: str):
    """One block built, its MJML edited (`old` → `new`) and imported: the raw MJML block."""
    built = build_document(document(block))
    edited = built.mjml.replace(old, new)
    assert edited != built.mjml
    report = reimport(edited)
    (raw,) = blocks_of(report.document)
    assert raw.type == "mjml" and new in raw.props.mjml and raw.props.mjml in edited
    assert label in report.raw[0][2]
    return raw


# --- every example ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_comes_back_as_the_same_document(path: Path) -> None:
    original = loads_document(path.read_text(encoding="utf-8"))
    built, report = round_trip(original)
    assert report.raw == [], report.raw
    assert_same_document(original, report.document)
    # What MJML does not carry is named in the report, where the document used it.
    expected = []
    if original.variables:
        expected.append(f"{', '.join('var:' + n for n in sorted(original.variables))} without a value")
    if original.settings.transactional:
        expected.append("no << link:unsubscribe >>: if this email is transactional")
    assert [n[: len(e)] for n, e in zip(report.notes, expected)] == expected and len(report.notes) == len(expected)
    # Building the imported document writes the very MJML it came from.
    assert build_document(report.document).mjml == built.mjml


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "tests" / "fixtures" / "mjml").glob("*.mjml")) + [ROOT / "examples" / "hello.mjml"],
    ids=lambda p: p.name,
)
def test_an_imported_email_exported_and_imported_again_is_the_same_document(path: Path) -> None:
    first = import_mjml(path.read_text(encoding="utf-8"), path.name).document
    built, report = round_trip(first)
    back = report.document
    assert settings_of(back) == settings_of(first)
    assert [[[b.type for b in c.blocks] for c in r.columns] for r in back.rows] == [
        [[b.type for b in c.blocks] for c in r.columns] for r in first.rows
    ]
    # The same MJML; a prop may be stored as Mailwright would (an image as wide as its column:
    # no width of its own).
    assert build_document(back).mjml == built.mjml


def test_the_examples_composite_blocks_are_editable_again() -> None:
    kinds = {}
    for path in EXAMPLES:
        _, report = round_trip(loads_document(path.read_text(encoding="utf-8")))
        kinds.update(report.editable)
    assert {"footer", "product", "line_items", "hero", "heading", "button"} <= set(kinds)


def every_block_document(theme: str) -> Document:
    """Every block type once, in rows with the layout options a user sets."""
    blocks = {t: make_block(t, f"b{i}").model_dump() for i, t in enumerate(REGISTRY, 1)}
    blocks["mjml"]["props"]["mjml"] = "<mj-table><tr><td>As written << data:x >></td></tr></mj-table>"
    # A menu without uppercase still renders uppercase (MJML's navbar-link default; blocks/menu.py
    # writes no text-transform), so it comes back as uppercase: the same email, another prop.
    blocks["menu"]["props"]["uppercase"] = True
    return Document.model_validate(
        {
            "settings": {"theme": theme, "dir": "rtl", "lang": "ar", "width": 640},
            "rows": [
                {
                    "id": "r1",
                    "props": {
                        "hide_on_mobile": True,
                        "full_width": True,
                        "border_radius": 8,
                        "background_image": "https://cdn.example.com/bg.png",
                    },
                    "columns": [
                        {
                            "id": "c1",
                            "width": 30,
                            "props": {
                                "padding": 8,
                                "border_width": 2,
                                "border_color": "#ff0000",
                                "background_color": "#eeeeee",
                                "vertical_align": "middle",
                            },
                            "blocks": [blocks[t] for t in ("video", "image", "heading", "text", "button")],
                        },
                        {"id": "c2", "width": 70, "blocks": [blocks[t] for t in ("product", "footer", "line_items")]},
                    ],
                },
                {"id": "r2", "props": {"hide_on_desktop": True}, "columns": [{"id": "c3", "blocks": [blocks["hero"]]}]},
                {
                    "id": "r3",
                    "props": {"reverse_on_mobile": True, "stack_on_mobile": False, "padding_x": 12},
                    "columns": [
                        {"id": "c4", "width": 40, "blocks": [blocks[t] for t in ("menu", "social", "html")]},
                        {"id": "c5", "width": 60, "blocks": [blocks[t] for t in ("divider", "spacer", "mjml")]},
                    ],
                },
            ],
        }
    )


@pytest.mark.parametrize("theme", ["classic", "bold", "midnight", "serif"])
def test_every_block_type_and_layout_option_comes_back(theme: str) -> None:
    original = every_block_document(theme)
    built, report = round_trip(original)
    assert [why for _, _, why in report.raw] == ["a table is kept as written (its attributes included)"]
    assert_same_document(original, report.document)
    assert build_document(report.document).mjml == built.mjml


# --- footer ------------------------------------------------------------------------------------------

FOOTER = dict(
    company="<< var:company >> Ltd",
    address="1 Dock Street\nLeith, << data:city >>",
    note='Sent to << data:email | default("you") >> because you asked.',
)


@pytest.mark.parametrize(
    "links",
    [
        dict(),
        dict(preferences_label="Email settings"),
        dict(view_online_label=""),
        dict(unsubscribe_label="", view_online_label=""),
        dict(unsubscribe_label="", preferences_label="Preferences", view_online_label=""),
        dict(unsubscribe_label="", view_online_label="Read online", view_online_url="<< link:view_online >>"),
        dict(
            unsubscribe_url="https://example.com/u?id=<< data:id >>&list=news",
            preferences_label="Settings",
            preferences_url="https://example.com/p?id=<< data:id >>",
        ),
    ],
    ids=["default", "all-three", "unsubscribe-only", "none", "preferences-only", "view-online-only", "own-urls"],
)
def test_footer_comes_back_with_its_props_and_merge_tags(links: dict) -> None:
    original = document(make_block("footer", "b1", **FOOTER, align="left", font_size=12, color="#445566", **links))
    built, report = round_trip(original)
    assert report.raw == [] and report.editable == {"footer": 1}
    assert_same_document(original, report.document)
    footer = blocks_of(report.document)[0]
    assert footer.props.company == "<< var:company >> Ltd"
    assert footer.props.address == "1 Dock Street\nLeith, << data:city >>"
    assert footer.props.note == 'Sent to << data:email | default("you") >> because you asked.'


@pytest.mark.parametrize("company,address,note", [("", "", "A note only"), ("Only a company", "", ""), ("", "", "")])
def test_footer_without_some_lines_renders_the_same(company: str, address: str, note: str) -> None:
    original = document(make_block("footer", "b1", company=company, address=address, note=note))
    built, report = round_trip(original)
    assert report.editable == {"footer": 1}
    assert build_document(report.document).mjml == built.mjml


def test_a_footer_edited_by_hand_is_kept_as_written() -> None:
    edited_by_hand(
        make_block("footer", "b1", **FOOTER), "</strong><br />", "</strong> <em>since 1902</em><br />", "Footer"
    )


# --- product card -----------------------------------------------------------------------------------

PRODUCT = dict(
    name="<< data:pick.name >>",
    description="Hand thrown\nOatmeal glaze",
    price="<< data:pick.price >>",
    old_price="$40",
    button_label="Add << data:pick.name >> to cart",
    url="https://shop.example.com/p/<< data:pick.id >>",
    image="https://cdn.example.com/<< data:pick.id >>.png",
    image_alt="A mug",
)


@pytest.mark.parametrize("theme", ["classic", "bold", "midnight", "serif"])
@pytest.mark.parametrize(
    "variant",
    [
        {},
        dict(description="", old_price=""),
        dict(button_label=""),
        dict(url="", button_label=""),
        dict(description="", button_label="", align="left", price_color="#aa0000", padding_x=8),
    ],
    ids=["full", "no-description-or-old-price", "no-button", "no-link", "minimal-left"],
)
def test_product_card_comes_back_as_one_block(theme: str, variant: dict) -> None:
    original = document(make_block("product", "b1", **{**PRODUCT, **variant}), theme=theme)
    built, report = round_trip(original)
    assert report.raw == [] and report.editable == {"product": 1}, report.raw
    assert_same_document(original, report.document)


def test_product_cards_side_by_side_and_one_after_another() -> None:
    a = make_block("product", "b1", **PRODUCT)
    b = make_block("product", "b2", name="Bowl", button_label="", description="")
    c = make_block("product", "b3", name="Plate", price="$12")
    original = document([a, b], [c, make_block("spacer", "b4")], widths=(60, 40))
    built, report = round_trip(original)
    assert report.raw == [] and report.editable == {"product": 3, "spacer": 1}
    assert_same_document(original, report.document)


def test_a_product_card_edited_by_hand_is_kept_as_written() -> None:
    original = document(make_block("product", "b1", **PRODUCT), make_block("product", "b2", name="Bowl"))
    built = build_document(original)
    edited = built.mjml.replace("</s>&#160;&#160;<strong", "</s> <strong", 1)  # first card only
    assert edited != built.mjml
    report = reimport(edited)
    types = [b.type for b in blocks_of(report.document)]
    assert types == ["mjml"] * 5 + ["product"]  # image, name, description, price, button as written
    assert all(b.props.mjml in edited for b in blocks_of(report.document)[:5])
    assert "Product card" in report.raw[0][2]
    assert report.document.rows[0].columns[0].blocks[5].props.name == "Bowl"


# --- video -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("aspect,widths", [("16:9", (100,)), ("4:3", (50, 50)), ("1:1", (33.33, 66.67))])
def test_video_comes_back_with_its_props(aspect: str, widths: tuple) -> None:
    video = make_block(
        "video",
        "b1",
        video_url="https://videos.example.com/watch?v=<< data:video_id >>",
        thumbnail="https://cdn.example.com/thumb-<< data:video_id >>.jpg",
        title='Watch "<< data:firstname >>\'s" tour',
        aspect=aspect,
        play_color="#cc0000",
        border_radius=8,
        padding_x=12,
    )
    original = document([video], theme="midnight", widths=widths)
    built, report = round_trip(original)
    assert report.raw == [] and report.editable == {"video": 1}
    assert_same_document(original, report.document)
    assert blocks_of(report.document)[0].props.title == 'Watch "<< data:firstname >>\'s" tour'


def test_a_video_edited_by_hand_is_kept_as_written() -> None:
    edited_by_hand(make_block("video", "b1"), "&#9654;&#160;", "Play: ", "Video")


# --- line items --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "props",
    [
        {},
        dict(
            items_path="data:cart.lines",
            item_name="line",
            name_label="<< var:item_heading >>",
            quantity_label="#",
            price_label="Cost",
            name_field="title",
            detail_field="",
            quantity_field="count",
            price_field="total | number(2)",
            image_field="thumb",
            totals=[{"label": "To pay", "value": '<< data:cart.total | default("0") >>', "strong": True}],
            border_color="#cccccc",
            color="#111111",
            padding_x=0,
        ),
        dict(totals=[], detail_field="size"),
    ],
    ids=["default", "everything-changed", "no-totals"],
)
def test_line_items_come_back_with_the_loop_and_fields(props: dict) -> None:
    original = document(make_block("line_items", "b1", **props), theme="serif")
    built, report = round_trip(original)
    assert report.raw == [] and report.editable == {"line_items": 1}
    assert_same_document(original, report.document)
    items = blocks_of(report.document)[0]
    assert resolve_fields(REGISTRY["line_items"].fields, items.props, resolved_theme(original))[
        "items_path"
    ] == props.get("items_path", "data:order.items")


def test_line_items_edited_by_hand_are_kept_as_written() -> None:
    raw = edited_by_hand(
        make_block("line_items", "b1"), "<% endfor %>", "<tr><td>Gift wrap</td></tr><% endfor %>", "Line items"
    )
    assert "<% for item in data:order.items %>" in raw.props.mjml


# --- theme and head ------------------------------------------------------------------------------------


def test_theme_overrides_and_own_head_mjml_come_back() -> None:
    original = document(
        make_block("heading", "b1", text="Hello"),
        make_block("button", "b2"),
        make_block("product", "b3"),
        theme="bold",
        primary_color="#0f766e",
        heading_color="#123456",
        link_color="#ff00ff",
        background_color="#eeeeee",
        font_family="Verdana, sans-serif",
        font_size=15,
        head_mjml="<mj-style>.promo { color: red; }</mj-style>\n<mj-attributes>"
        '<mj-class name="promo" color="#ff0000" /></mj-attributes>',
    )
    built, report = round_trip(original)
    assert report.raw == []
    assert_same_document(original, report.document)


def test_a_head_edited_by_hand_is_imported_like_any_mjml() -> None:
    original = document(make_block("footer", "b1"), make_block("text", "b2"), theme="midnight")
    built = build_document(original)
    edited = built.mjml.replace('<mj-text color="#cbd5e1"', '<mj-text color="#abcdef"')
    assert edited != built.mjml
    report = reimport(edited)
    assert report.document.settings.theme != "midnight"  # not Mailwright's head: no theme taken
    assert '<mj-text color="#abcdef"' in report.document.settings.head_mjml


# --- conditions and repeats ---------------------------------------------------------------------------


def test_conditions_and_repeats_come_back_on_rows_and_blocks() -> None:
    original = Document.model_validate(
        {
            "subject": "Picks",
            "rows": [
                {
                    "id": "r1",
                    "condition": 'data:plan == "pro"',
                    "repeat": "section in data:sections",
                    "columns": [
                        {
                            "id": "c1",
                            "blocks": [
                                {**make_block("text", "b1").model_dump(), "condition": "data:vip and not data:new"},
                                {
                                    **make_block("product", "b2", name="<< pick:name >>").model_dump(),
                                    "condition": "data:vip",
                                    "repeat": "pick in data:picks",
                                },
                                {
                                    **make_block("html", "b3", html="<p>Raw << data:x >></p>").model_dump(),
                                    "condition": "data:x",
                                },
                                {**make_block("button", "b4").model_dump(), "repeat": "entry in data:links"},
                            ],
                        }
                    ],
                },
                {
                    "id": "r2",
                    "condition": "data:show_hero",
                    "columns": [{"id": "c2", "blocks": [make_block("hero", "b5").model_dump()]}],
                },
            ],
        }
    )
    built, report = round_trip(original)
    assert report.raw == []
    assert_same_document(original, report.document)
    back = blocks_of(report.document)
    assert [(b.condition, b.repeat) for b in back] == [(b.condition, b.repeat) for b in blocks_of(original)]
    assert build_document(report.document).mjml == built.mjml


def test_logic_tags_around_several_blocks_keep_them_together_as_written() -> None:
    original = document(
        make_block("text", "b1", html="<p>One</p>"),
        make_block("text", "b2", html="<p>Two</p>"),
        make_block("button", "b3"),
    )
    built = build_document(original)
    column = '<mj-column width="100%" vertical-align="top" css-class="mw-column">'
    assert column in built.mjml
    # <% if %> before the first text, <% endif %> after the second: no one block holds the condition.
    edited = built.mjml.replace(column, column + "<mj-raw><% if data:vip %></mj-raw>").replace(
        "</mj-text><mj-button", "</mj-text><mj-raw><% endif %></mj-raw><mj-button"
    )
    report = reimport(edited)  # builds: no raw block holds an <% if %> without its <% endif %>
    back = blocks_of(report.document)
    assert [b.type for b in back] == ["mjml", "button"]
    assert back[0].props.mjml.startswith("<mj-raw><% if data:vip %></mj-raw><mj-text")
    assert back[0].props.mjml.endswith("</mj-text><mj-raw><% endif %></mj-raw>")
    assert "open in one element and close in another" in report.raw[0][2]


def test_logic_tags_around_several_sections_keep_them_together_as_written() -> None:
    source = """<mjml><mj-body>
      <mj-raw><% if data:a %></mj-raw>
      <mj-section><mj-column><mj-text>A << data:x >></mj-text></mj-column></mj-section>
      <mj-section><mj-column><mj-text>B</mj-text></mj-column></mj-section>
      <mj-raw><% endif %></mj-raw>
      <mj-section><mj-column><mj-text><% if data:b %>C</mj-text><mj-text>D<% endif %></mj-text>
      <mj-text>E</mj-text></mj-column></mj-section>
    </mj-body></mjml>"""
    report = reimport(source)
    rows = report.document.rows
    assert len(rows) == 2
    assert rows[0].hero.type == "mjml" and rows[0].hero.props.mjml.count("<mj-section>") == 2
    assert [b.type for b in rows[1].columns[0].blocks] == ["mjml", "text"]
