"""Golden files: the exact MJML and HTML (and, for starters, text) the pipeline produces.

Any change to a block renderer, the theme, mjml-python or the inliner shows up here as a diff
to review. To accept a change, rewrite the files and review the diff before committing:

    make golden            # MAILWRIGHT_UPDATE_GOLDEN=1 pytest tests/golden

Inputs are built in this module (no input files), except the starters, which are every
`examples/*.mwt` (discovered with glob, so a new starter is picked up; its golden files must
then be written with `make golden`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from mailwright.app.document.model import Document
from mailwright.app.build.pipeline import BuildResult, build_document
from mailwright.app.document.storage import load_document
from mailwright.blocks import REGISTRY

GOLDEN = Path(__file__).resolve().parent
ROOT = GOLDEN.parent.parent
EXAMPLES = ROOT / "examples"
UPDATE = os.environ.get("MAILWRIGHT_UPDATE_GOLDEN") == "1"


# --- a small document builder ---------------------------------------------------------------


class _Ids:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def __call__(self, prefix: str) -> str:
        self.counts[prefix] = self.counts.get(prefix, 0) + 1
        return f"{prefix}{self.counts[prefix]}"


def block(block_type: str, condition: str | None = None, repeat: str | None = None, **props: Any) -> dict[str, Any]:
    """A block (id assigned by `doc`)."""
    return {"type": block_type, "props": props, "condition": condition, "repeat": repeat}


def column(*blocks: dict[str, Any], width: float = 100, **props: Any) -> dict[str, Any]:
    return {"width": width, "props": props, "blocks": list(blocks)}


def row(
    *columns: dict[str, Any], condition: str | None = None, repeat: str | None = None, **props: Any
) -> dict[str, Any]:
    return {"props": props, "condition": condition, "repeat": repeat, "columns": list(columns)}


def doc(*rows: dict[str, Any], subject: str = "Golden", preheader: str = "", **settings: Any) -> Document:
    """A validated document; ids are r1/c1/b1… in document order."""
    ids = _Ids()
    data_rows = []
    for r in rows:
        cols = []
        for c in r["columns"]:
            blocks = [{**b, "id": ids("b")} for b in c["blocks"]]
            cols.append({**c, "id": ids("c"), "blocks": blocks})
        data_rows.append({**r, "id": ids("r"), "columns": cols})
    return Document.model_validate(
        {
            "subject": subject,
            "preheader": preheader,
            "settings": settings,
            "variables": {"campaign": "Golden"},
            "rows": data_rows,
        }
    )


def one_block(b: dict[str, Any], **kw: Any) -> Document:
    return doc(row(column(b)), subject=f"Block {b['type']}", **kw)


# --- the cases ------------------------------------------------------------------------------

# A second case per block type: a few non-default props, merge tags included.
BLOCK_VARIANTS: dict[str, dict[str, Any]] = {
    "heading": dict(
        text='Hello << data:firstname | default("friend") >> & welcome',
        level="h2",
        align="center",
        color="#aa0000",
        font_size=28,
    ),
    "text": dict(
        html='<p>Hi <strong><< data:name >></strong>, read <a href="<< link:view_online >>">'
        "online</a> &amp; more.</p><ul><li>One</li><li><em>Two</em></li></ul>",
        align="justify",
        font_size=18,
        color="#222222",
    ),
    "button": dict(
        label="Shop << var:campaign >>",
        href="https://example.com/?u=<< data:id | urlencode >>&src=email",
        align="left",
        full_width=True,
        background_color="#000000",
        border_radius=0,
    ),
    "image": dict(
        src="<< data:avatar_url >>",
        alt='Photo of << data:name >> "smiling"',
        href="https://example.com/p/<< data:id >>",
        width=200,
        align="right",
        border_radius=8,
        fluid_on_mobile=True,
    ),
    "video": dict(
        video_url="https://example.com/watch?v=<< data:video >>",
        title="Watch << data:name >>'s story",
        aspect="4:3",
        border_radius=12,
        play_color="#dc2626",
    ),
    "divider": dict(color="#ff0000", thickness=3, style="dashed", width=50, align="left"),
    "spacer": dict(height=60),
    "social": dict(
        items=[
            {"network": "github", "url": "https://github.com/<< data:handle >>", "label": "GitHub"},
            {
                "network": "custom",
                "url": "https://example.com",
                "label": "Blog",
                "icon": "https://example.com/icon.png",
                "color": "#123456",
            },
        ],
        icon_size=32,
        align="left",
        show_labels=True,
    ),
    "menu": dict(
        items=[
            {"label": "Hi << data:name >>", "url": "https://example.com/u/<< data:id >>"},
            {"label": "Deals & offers", "url": "https://example.com/deals?a=1&b=2"},
        ],
        uppercase=True,
        hamburger=True,
        align="right",
        color="#0000ff",
    ),
    "footer": dict(
        company="ACME << var:campaign >>",
        address="1 Road\nTown & Country",
        preferences_label="Preferences",
        view_online_label="",
        align="left",
        font_size=11,
    ),
    "hero": dict(
        headline="<< data:name >>, look at this",
        text="Line one\nLine two & more",
        button_label="",
        height=400,
        align="left",
        background_url="https://example.com/bg.jpg?w=1200&h=800",
    ),
    "product": dict(
        name="<< data:product.name | title >>",
        price="<< data:price | number(2) >>",
        old_price="$99.00",
        button_label="Buy now",
        url="https://example.com/p?id=<< data:id >>",
        align="left",
        image_alt="",
    ),
    "line_items": dict(
        items_path="data:cart.lines",
        item_name="line",
        image_field="image",
        detail_field="",
        name_label="Product",
        totals=[{"label": "Total", "value": "<< data:cart.total >>", "strong": True}],
    ),
    "html": dict(
        html='<style>.hl { color: #b91c1c; }</style><div class="hl" title="say &quot;hi&quot;">'
        'Hi << data:name >> &amp; <a href="<< link:view_online >>">friends</a></div>',
        padding_y=8,
        padding_x=16,
    ),
    "mjml": dict(
        mjml='<mj-text align="left">Hi << data:name >></mj-text>'
        '<mj-button href="https://example.com/?u=<< data:id >>">Go</mj-button>'
    ),
}

BLOCK_CASES: dict[str, Document] = {}
for _type in REGISTRY:
    BLOCK_CASES[_type] = one_block(block(_type))
    BLOCK_CASES[f"{_type}-custom"] = one_block(
        block(_type, **BLOCK_VARIANTS[_type]), preheader=f"Custom {_type} << data:name >>"
    )


def _text(label: str) -> dict[str, Any]:
    return block("text", html=f"<p>{label}</p>")


ROW_CASES: dict[str, Document] = {
    "two-columns-33-67": doc(
        row(column(_text("Narrow"), width=33.33), column(_text("Wide"), block("button"), width=66.67))
    ),
    "three-columns-25-50-25": doc(
        row(
            column(_text("Left"), width=25),
            column(block("image", alt="Middle"), width=50),
            column(_text("Right"), width=25),
        )
    ),
    "four-columns": doc(row(*(column(_text(f"Col {i}"), width=25) for i in range(1, 5)))),
    "no-stack-on-mobile": doc(
        row(
            column(block("image", alt="Thumb"), width=40),
            column(_text("Stays side by side"), width=60),
            stack_on_mobile=False,
        )
    ),
    "reverse-on-mobile": doc(
        row(
            column(block("image", alt="First on desktop"), width=50),
            column(_text("First on mobile"), width=50),
            reverse_on_mobile=True,
        )
    ),
    "reverse-no-stack": doc(
        row(column(_text("A"), width=50), column(_text("B"), width=50), reverse_on_mobile=True, stack_on_mobile=False)
    ),
    "hide-on-mobile": doc(row(column(_text("Desktop only")), hide_on_mobile=True), row(column(_text("Always")))),
    "hide-on-desktop": doc(row(column(_text("Mobile only")), hide_on_desktop=True), row(column(_text("Always")))),
    "hero-hide-on-mobile": doc(row(column(block("hero")), hide_on_mobile=True)),
    "full-width": doc(row(column(_text("Edge to edge")), full_width=True, background_color="#fde68a", padding_x=20)),
    "background-image": doc(
        row(
            column(block("heading", text="Over a picture", color="#ffffff")),
            background_image="https://example.com/bg.png?a=1&b=2",
            background_size="contain",
            background_position="top center",
            background_color="#111827",
        )
    ),
    "border-radius": doc(
        row(
            column(_text("Rounded")),
            border_radius=16,
            background_color="#eef2ff",
            padding_top=40,
            padding_bottom=8,
            text_align="left",
        )
    ),
    "column-options": doc(
        row(
            column(
                _text("Boxed"),
                width=50,
                background_color="#f9fafb",
                padding=12,
                border_radius=8,
                border_color="#d1d5db",
                border_width=2,
                vertical_align="middle",
            ),
            column(_text("Plain"), width=50),
        )
    ),
    "row-condition": doc(
        row(column(_text("Pro plan only")), condition='data:plan == "pro"'), row(column(_text("Everyone")))
    ),
    "block-repeat": doc(
        row(
            column(
                block("text", repeat="item in data:items", html="<p><< item:name >> &ndash; << item:price >></p>"),
                block("button", condition="data:show_cta", label="Go"),
            )
        )
    ),
    "row-repeat": doc(
        row(column(block("heading", text="<< item:title >>", level="h3")), repeat="item in data:sections")
    ),
}


# --- helpers --------------------------------------------------------------------------------


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def check_golden(path: Path, actual: str) -> None:
    """Compare with the golden file byte for byte (or rewrite it when updating)."""
    data = actual.encode("utf-8")
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        return
    if not path.exists():
        pytest.fail(
            f"golden file {_rel(path)} does not exist yet: run `make golden` "
            "(MAILWRIGHT_UPDATE_GOLDEN=1) and review the new file before committing",
            pytrace=False,
        )
    expected = path.read_bytes()
    if expected != data:
        i = next((k for k, (a, b) in enumerate(zip(expected, data)) if a != b), min(len(expected), len(data)))
        ctx = slice(max(0, i - 120), i + 120)
        pytest.fail(
            f"{_rel(path)} differs from the current output at byte {i} "
            f"(golden {len(expected)} bytes, now {len(data)} bytes)\n"
            f"  golden: {expected[ctx].decode('utf-8', 'replace')!r}\n"
            f"  now:    {data[ctx].decode('utf-8', 'replace')!r}\n"
            "If the change is intended, run `make golden` and review the diff.",
            pytrace=False,
        )


def build_checked(document: Document) -> BuildResult:
    """Build twice (the second time from a fresh copy) and check the output is identical."""
    first = build_document(document)
    again = build_document(Document.model_validate(document.model_dump(mode="json")))
    assert first.mjml == again.mjml, "MJML is not deterministic"
    assert first.html == again.html, "HTML is not deterministic"
    assert first.text == again.text, "plain text is not deterministic"
    html = first.html
    assert html.startswith("<!doctype html>")
    assert "googleapis" not in html, "a Google Fonts link/@import crept in"
    assert "googleapis" not in first.mjml
    assert "mw-id-" not in html, "editor node ids leaked into exported HTML"
    assert "mw-id-" not in first.mjml
    assert "MWTAG" not in html and "MWTAG" not in first.text, "a merge-tag token was not restored"
    return first


def _check_case(folder: str, name: str, document: Document, *, text: bool = False) -> None:
    result = build_checked(document)
    base = GOLDEN / folder / name
    check_golden(base.with_suffix(".mjml"), result.mjml)
    check_golden(base.with_suffix(".html"), result.html)
    if text:
        check_golden(base.with_suffix(".txt"), result.text)


# --- tests ----------------------------------------------------------------------------------


def test_every_block_type_has_a_custom_case() -> None:
    assert set(BLOCK_VARIANTS) == set(REGISTRY)


@pytest.mark.parametrize("name", sorted(BLOCK_CASES))
def test_block_golden(name: str) -> None:
    _check_case("blocks", name, BLOCK_CASES[name])


@pytest.mark.parametrize("name", sorted(ROW_CASES))
def test_row_golden(name: str) -> None:
    _check_case("rows", name, ROW_CASES[name])


STARTERS = sorted(EXAMPLES.glob("*.mwt"))


@pytest.mark.parametrize("path", STARTERS, ids=[p.stem for p in STARTERS])
def test_starter_golden(path: Path) -> None:
    _check_case("starters", path.stem, load_document(path), text=True)


def test_no_stale_golden_files() -> None:
    """Golden files whose case is gone (a renamed starter, a removed case) are deleted by
    `make golden`; until then they fail here so they do not linger unnoticed."""
    expected = set()
    for folder, names, suffixes in (
        ("blocks", BLOCK_CASES, (".mjml", ".html")),
        ("rows", ROW_CASES, (".mjml", ".html")),
        ("starters", [p.stem for p in STARTERS], (".mjml", ".html", ".txt")),
    ):
        expected |= {GOLDEN / folder / f"{name}{suffix}" for name in names for suffix in suffixes}
    found = {
        p
        for folder in ("blocks", "rows", "starters")
        for p in (GOLDEN / folder).glob("*")
        if p.suffix in (".mjml", ".html", ".txt")
    }
    stale = sorted(found - expected)
    if UPDATE:
        for path in stale:
            path.unlink()
        return
    assert not stale, "golden files without a case (run `make golden` to delete them): " + ", ".join(
        _rel(p) for p in stale
    )


def test_custom_cases_keep_merge_tags() -> None:
    """Spot checks that the golden inputs exercise what they claim (not just any output)."""
    html = build_document(BLOCK_CASES["heading-custom"]).html
    assert 'Hello << data:firstname | default("friend") >> &amp; welcome' in html
    html = build_document(BLOCK_CASES["button-custom"]).html
    assert 'href="https://example.com/?u=<< data:id | urlencode >>&amp;src=email"' in html
    html = build_document(BLOCK_CASES["image-custom"]).html
    assert 'alt="Photo of << data:name >> &quot;smiling&quot;"' in html
    assert 'src="<< data:avatar_url >>"' in html
    html = build_document(ROW_CASES["row-condition"]).html
    assert html.index('<% if data:plan == "pro" %>') < html.index("Pro plan only") < html.index("<% endif %>")
    html = build_document(ROW_CASES["block-repeat"]).html
    assert html.index("<% for item in data:items %>") < html.index("<< item:name >>") < html.index("<% endfor %>")
