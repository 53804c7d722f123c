"""Generate the starter templates in examples/ (run: .venv/bin/python tools/make_examples.py).

Each template is built as a Document and written with `save_document`, so the files are in the
canonical form (pretty JSON, sorted keys). Props equal to the block's default or to the
theme's value are dropped, so the files store only overrides (DESIGN.md §2).
Ids are assigned in document order: r1, r2 … for rows, c1 … for columns, b1 … for blocks.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mailwright.app.document.model import Document  # noqa: E402
from mailwright.app.document.layout_fields import COLUMN_FIELDS, ROW_FIELDS  # noqa: E402
from mailwright.app.document.storage import dumps_document  # noqa: E402
from mailwright.app.document.atomic import atomic_write_text  # noqa: E402
from mailwright.blocks import REGISTRY  # noqa: E402
from mailwright.themes import load_theme  # noqa: E402

EXAMPLES = ROOT / "examples"


def img(width: int, height: int, bg: str, fg: str, text: str) -> str:
    """A placehold.co image URL (PNG) with a caption."""
    return f"https://placehold.co/{width}x{height}/{bg}/{fg}.png?text={quote_plus(text)}"


# --- a tiny builder -------------------------------------------------------------------------


class B:
    """A block before ids are assigned."""

    def __init__(self, type_: str, condition: str | None = None, repeat: str | None = None, **props: Any):
        self.type, self.props, self.condition, self.repeat = type_, props, condition, repeat


class C:
    def __init__(self, width: float, *blocks: B, **props: Any):
        self.width, self.blocks, self.props = width, blocks, props


class R:
    def __init__(self, *columns: C, condition: str | None = None, **props: Any):
        self.columns, self.props, self.condition = columns, props, condition


def col(*blocks: B, **props: Any) -> C:
    return C(100, *blocks, **props)


def _strip(fields, props: dict[str, Any], theme) -> dict[str, Any]:
    """Only the props that differ from the default (or the theme's value)."""
    out = {}
    names = {f.name: f for f in fields}
    for key, value in props.items():
        f = names.get(key)
        if f is None:
            raise KeyError(f"unknown prop {key!r}")
        default = theme.get(f.theme) if f.theme else f.default
        if f.kind == "items" and default is not None:
            default = [dict(d) for d in default]
        if f.kind == "color" and isinstance(value, str):
            value = value.lower()
        if value == default:
            continue
        out[key] = value
    return out


def document(
    *, subject: str, preheader: str, settings: dict[str, Any], rows: list[R], variables: dict[str, str] | None = None
) -> Document:
    theme = load_theme(settings.get("theme", "classic"))
    n = {"r": 0, "c": 0, "b": 0}

    def nid(prefix: str) -> str:
        n[prefix] += 1
        return f"{prefix}{n[prefix]}"

    out_rows = []
    for r in rows:
        rid = nid("r")
        columns = []
        for c in r.columns:
            cid = nid("c")
            blocks = []
            for b in c.blocks:
                block = {"id": nid("b"), "type": b.type, "props": _strip(REGISTRY[b.type].fields, b.props, theme)}
                if b.condition:
                    block["condition"] = b.condition
                if b.repeat:
                    block["repeat"] = b.repeat
                blocks.append(block)
            columns.append(
                {"id": cid, "width": c.width, "props": _strip(COLUMN_FIELDS, c.props, theme), "blocks": blocks}
            )
        row = {"id": rid, "props": _strip(ROW_FIELDS, r.props, theme), "columns": columns}
        if r.condition:
            row["condition"] = r.condition
        out_rows.append(row)
    return Document.model_validate(
        {
            "format": "mailwright",
            "version": 1,
            "subject": subject,
            "preheader": preheader,
            "settings": settings,
            "variables": variables or {},
            "rows": out_rows,
        }
    )


# --- shared pieces ---------------------------------------------------------------------------


def heading(text: str, **p: Any) -> B:
    return B("heading", text=text, **p)


def text(html: str, **p: Any) -> B:
    return B("text", html=html, **p)


# TEMPLATES_START

# --- welcome.mwt: after sign-up (classic) -----------------------------------------------------


def welcome() -> Document:
    site = "https://example.com"
    step = dict(padding_x=14)
    return document(
        subject='Welcome to Tally, << data:firstname | default("there") >> — let\'s get you set up',
        preheader="Three small steps and your first monthly budget is ready. It takes about five minutes.",
        settings={"theme": "classic"},
        rows=[
            R(
                col(
                    B(
                        "image",
                        src=img(240, 64, "f3f4f6", "2563eb", "Tally"),
                        alt="Tally",
                        width=120,
                        href=site,
                        padding_y=0,
                    )
                ),
                background_color="transparent",
                padding_top=32,
                padding_bottom=20,
            ),
            R(
                col(
                    B(
                        "image",
                        src=img(1200, 520, "dbeafe", "1e3a8a", "Your money, in one calm place"),
                        alt="A desk with a notebook, a coffee cup and a phone showing a tidy budget",
                        padding_y=0,
                        padding_x=0,
                    )
                ),
                padding_top=0,
                padding_bottom=0,
            ),
            R(
                col(
                    heading(
                        'Hi << data:firstname | default("there") >>, welcome to Tally', align="center", padding_y=6
                    ),
                    text(
                        "<p>Thanks for signing up. Tally turns the money coming in and going out into a plan "
                        "you can actually stick to: no spreadsheets, no guilt, just a clear picture of where "
                        "you stand each month.</p>",
                        align="center",
                        color="#4b5563",
                        padding_x=44,
                    ),
                ),
                padding_top=36,
                padding_bottom=8,
            ),
            R(
                col(
                    B("divider", width=12, thickness=3, color="#2563eb", padding_y=6),
                    heading("Three steps to get started", level="h3", align="center", padding_y=8),
                ),
                padding_top=16,
                padding_bottom=4,
            ),
            R(
                C(
                    33.33,
                    B(
                        "image",
                        src=img(128, 128, "eff6ff", "2563eb", "1"),
                        alt="Step 1",
                        width=56,
                        border_radius=28,
                        padding_y=8,
                    ),
                    heading("Link your bank", level="h3", align="center", font_size=17, **step),
                    text(
                        "<p>Link your accounts securely; Tally reads transactions, it never moves money.</p>",
                        align="center",
                        font_size=14,
                        color="#5f6672",
                        **step,
                    ),
                ),
                C(
                    33.33,
                    B(
                        "image",
                        src=img(128, 128, "eff6ff", "2563eb", "2"),
                        alt="Step 2",
                        width=56,
                        border_radius=28,
                        padding_y=8,
                    ),
                    heading("Set your budget", level="h3", align="center", font_size=17, **step),
                    text(
                        "<p>Pick a starting plan and adjust the categories that matter to you.</p>",
                        align="center",
                        font_size=14,
                        color="#5f6672",
                        **step,
                    ),
                ),
                C(
                    33.34,
                    B(
                        "image",
                        src=img(128, 128, "eff6ff", "2563eb", "3"),
                        alt="Step 3",
                        width=56,
                        border_radius=28,
                        padding_y=8,
                    ),
                    heading("Turn on alerts", level="h3", align="center", font_size=17, **step),
                    text(
                        "<p>Get a nudge before a bill is due or a category runs low.</p>",
                        align="center",
                        font_size=14,
                        color="#5f6672",
                        **step,
                    ),
                ),
                padding_top=8,
                padding_bottom=8,
                padding_x=12,
            ),
            R(
                col(
                    B("button", label="Set up my account", href=f"{site}/onboarding?utm_source=welcome", padding_y=8),
                    text(
                        "<p>Takes about five minutes. You can pause and pick up where you left off.</p>",
                        align="center",
                        font_size=13,
                        color="#5f6672",
                        padding_y=4,
                    ),
                ),
                padding_top=16,
                padding_bottom=36,
            ),
            R(
                C(
                    22,
                    B(
                        "image",
                        src=img(160, 160, "bfdbfe", "1e3a8a", "Maya"),
                        alt="Maya Okafor, head of customer support at Tally",
                        width=72,
                        border_radius=36,
                        padding_x=0,
                        padding_y=4,
                        align="right",
                    ),
                ),
                C(
                    78,
                    text(
                        "<p><strong>Questions? Just reply.</strong> I'm Maya, and I lead the support team. "
                        "Replies to this email land in our inbox, and a real person answers within a "
                        "working day.</p>",
                        font_size=14,
                        padding_x=20,
                        padding_y=4,
                    ),
                    vertical_align="middle",
                ),
                background_color="#eff6ff",
                padding_top=20,
                padding_bottom=20,
                padding_x=24,
                stack_on_mobile=False,
            ),
            R(
                col(
                    B(
                        "social",
                        items=[
                            {"network": "x", "url": "https://x.com/tallyapp"},
                            {"network": "instagram", "url": "https://instagram.com/tallyapp"},
                            {"network": "linkedin", "url": "https://linkedin.com/company/tallyapp"},
                        ],
                        icon_size=22,
                        padding_y=4,
                    ),
                    B(
                        "footer",
                        company="Tally Money Ltd",
                        address="12 Castle Yard, Bristol BS1 4DJ, United Kingdom",
                        note="You're receiving this because you created a Tally account with << data:email >>.",
                        padding_y=6,
                    ),
                ),
                background_color="transparent",
                padding_top=20,
                padding_bottom=32,
            ),
        ],
    )


# --- newsletter.mwt: the monthly letter (serif) ------------------------------------------------


def newsletter() -> Document:
    site = "https://example.com"
    rust = "#7c2d12"

    def story(kicker: str, title: str, body: str, url: str, image: str, alt: str, image_left: bool) -> R:
        picture = C(
            40,
            B("image", src=image, alt=alt, href=url, padding_x=16, padding_y=6, fluid_on_mobile=True),
            vertical_align="middle",
        )
        words = C(
            60,
            text(
                f'<p><span style="color:{rust};font-size:12px">{kicker}</span></p>',
                padding_x=16,
                padding_y=0,
                line_height=1.4,
            ),
            heading(title, level="h3", padding_x=16, padding_y=6),
            text(f"<p>{body}</p>", font_size=15, padding_x=16, padding_y=4),
            text(
                f'<p><a href="{url}" style="color:{rust}">Read the full story &#8594;</a></p>',
                font_size=15,
                padding_x=16,
                padding_y=6,
            ),
            vertical_align="middle",
        )
        if image_left:
            return R(picture, words, padding_top=18, padding_bottom=18, padding_x=20)
        return R(words, picture, padding_top=18, padding_bottom=18, padding_x=20, reverse_on_mobile=True)

    return document(
        subject="The Fernwood Letter, May: the wisteria is back",
        preheader='<< data:firstname | default("Dear reader") >>, the long walk is in bloom, a new '
        "seed library opens, and three workshops for early summer.",
        settings={"theme": "serif"},
        variables={"issue": "No. 42"},
        rows=[
            R(
                C(
                    50,
                    text(
                        "<p>Issue << var:issue >> &#183; May 2025</p>",
                        font_size=12,
                        color="#67615c",
                        padding_x=0,
                        padding_y=0,
                    ),
                ),
                C(
                    50,
                    text(
                        '<p><a href="<< link:view_online >>" style="color:#67615c">View in your browser</a></p>',
                        font_size=12,
                        align="right",
                        color="#67615c",
                        padding_x=0,
                        padding_y=0,
                    ),
                ),
                background_color="transparent",
                padding_top=16,
                padding_bottom=16,
                padding_x=40,
                stack_on_mobile=False,
            ),
            R(
                col(
                    heading("The Fernwood Letter", align="center", font_size=40, padding_y=0),
                    text(
                        "<p><em>Notes from the gardens, once a month</em></p>",
                        align="center",
                        font_size=15,
                        color="#67615c",
                        padding_y=6,
                    ),
                    B("divider", padding_y=8),
                    B(
                        "menu",
                        items=[
                            {"label": "Visit", "url": f"{site}/visit"},
                            {"label": "Workshops", "url": f"{site}/workshops"},
                            {"label": "Journal", "url": f"{site}/journal"},
                            {"label": "Shop", "url": f"{site}/shop"},
                        ],
                        font_size=13,
                        uppercase=True,
                        color="#2d2a26",
                        padding_y=0,
                    ),
                    B("divider", padding_y=8),
                ),
                padding_top=36,
                padding_bottom=12,
            ),
            R(
                col(
                    B(
                        "image",
                        src=img(1200, 720, "c8b89a", "3f3a2e", "The wisteria walk in May"),
                        alt="The long wisteria walk in full flower, lilac racemes hanging over a gravel path",
                        href=f"{site}/journal/wisteria",
                        padding_x=0,
                        padding_y=0,
                    )
                ),
                padding_top=12,
                padding_bottom=0,
            ),
            R(
                col(
                    heading("The month the wisteria came back", level="h2", padding_y=6),
                    text(
                        '<p>Dear << data:firstname | default("friend") >>,</p>'
                        "<p>Two winters ago we cut the old wisteria on the long walk back to its bones, and "
                        "more than one visitor asked whether we had killed it. This month it answered for "
                        "us: eighty metres of lilac, heavier than any year in the records, and a scent that "
                        "reaches the tea room on a still afternoon.</p>"
                        "<p>It will be at its best for another ten days or so. If you can, come early in "
                        "the morning, when the light is low and the bees are already at work.</p>"
                    ),
                    text("<p><em>Hannah Whitlock, head gardener</em></p>", color="#67615c", font_size=15),
                ),
                padding_top=32,
                padding_bottom=20,
            ),
            R(col(B("divider", width=20, padding_y=4)), padding_top=4, padding_bottom=4),
            story(
                "IN THE BEDS",
                "Six plants that shrug off a dry June",
                "Last summer taught us which borders cope with a month without rain. Our list, "
                "with the one grass we will never plant again.",
                f"{site}/journal/dry-june",
                img(600, 480, "d9ccb0", "3f3a2e", "Dry border"),
                "Silver-leaved lavender and yellow achillea in a gravel border",
                True,
            ),
            story(
                "NEW THIS SPRING",
                "A seed library in the old potting shed",
                "Borrow a packet, grow it, and bring back seed from your best plant in autumn. "
                "Forty varieties to start, most of them saved here.",
                f"{site}/journal/seed-library",
                img(600, 480, "b9c4a7", "2f3a28", "Seed library"),
                "Wooden drawers of labelled seed packets in the potting shed",
                False,
            ),
            story(
                "WORKSHOPS",
                "Summer pruning, hedges and a scything morning",
                "Three hands-on sessions in June and July, each for twelve people. Tools and "
                "lunch from the kitchen garden included.",
                f"{site}/workshops",
                img(600, 480, "e3d5c0", "3f3a2e", "Workshops"),
                "A small group learning to use a scythe in a meadow",
                True,
            ),
            R(
                col(B("button", label="See the workshop dates", href=f"{site}/workshops?utm_source=letter")),
                padding_top=8,
                padding_bottom=32,
            ),
            R(
                col(
                    text(
                        "<p><em>&#8220;The garden is never finished, which is the whole point of it.&#8221;</em></p>",
                        align="center",
                        font_size=20,
                        color="#2d2a26",
                        padding_x=56,
                    ),
                    text(
                        "<p>Open daily 9 am to 6 pm &#183; Members free &#183; Dogs welcome on leads</p>",
                        align="center",
                        font_size=13,
                        color="#67615c",
                    ),
                ),
                background_color="#f3ede0",
                padding_top=32,
                padding_bottom=28,
            ),
            R(
                col(
                    B(
                        "social",
                        items=[
                            {"network": "instagram", "url": "https://instagram.com/fernwoodgardens"},
                            {"network": "facebook", "url": "https://facebook.com/fernwoodgardens"},
                            {"network": "pinterest", "url": "https://pinterest.com/fernwoodgardens"},
                            {"network": "youtube", "url": "https://youtube.com/@fernwoodgardens"},
                        ],
                        icon_size=22,
                        padding_y=4,
                    ),
                    B(
                        "footer",
                        company="Fernwood Gardens Trust",
                        address="Fernwood House, Lower Slaughter Lane, Cheltenham GL54 2HP",
                        note="You are receiving The Fernwood Letter because you are a member or signed up "
                        "at the gardens.\nRegistered charity no. 1092837.",
                        padding_y=6,
                    ),
                ),
                background_color="transparent",
                padding_top=24,
                padding_bottom=36,
            ),
        ],
    )


# --- promotion.mwt: a three-day sale (bold) ----------------------------------------------------


def promotion() -> Document:
    site = "https://example.com"
    utm = "utm_source=email&utm_campaign=warehouse-sale"
    card = dict(background_color="#ffffff", border_color="#f1d5c2", border_width=1)

    def product(name: str, desc: str, old: str, new: str, slug: str, bg: str, alt: str) -> C:
        return C(
            48,
            B(
                "product",
                image=img(600, 600, bg, "29221f", name),
                image_alt=alt,
                name=name,
                description=desc,
                old_price=old,
                price=new,
                button_label="Add to cart",
                url=f"{site}/sale/{slug}?{utm}",
                padding_x=18,
            ),
            **card,
        )

    def gutter() -> C:
        # An empty column between the cards; its spacer separates them once stacked on phones.
        return C(4, B("spacer", height=16))

    return document(
        subject='<< data:firstname | default("Hey") >>, the Warehouse Sale is on: up to 40% off',
        preheader="Seconds, samples and last-of-the-line glazes. Three days only, while the shelves last.",
        settings={"theme": "bold"},
        variables={"code": "EXTRA10"},
        rows=[
            R(
                col(
                    text(
                        "<p><strong>Free shipping on orders over $75</strong> during the sale</p>",
                        align="center",
                        font_size=13,
                        color="#ffffff",
                        padding_y=0,
                    )
                ),
                background_color="#1a1412",
                padding_top=10,
                padding_bottom=10,
            ),
            R(
                col(
                    B(
                        "image",
                        src=img(300, 80, "fffaf5", "e4572e", "KILN & CO."),
                        alt="Kiln & Co.",
                        width=150,
                        href=site,
                        padding_y=0,
                    )
                ),
                padding_top=24,
                padding_bottom=20,
            ),
            R(
                col(
                    B(
                        "hero",
                        background_url=img(1200, 840, "3b2a22", "fde8d7", " "),
                        background_color="#3b2a22",
                        height=400,
                        headline="The Warehouse Sale",
                        text="Up to 40% off seconds, samples and last-of-the-line glazes.\n"
                        "Three days only, while the shelves last.",
                        button_label="Shop the sale",
                        button_url=f"{site}/sale?{utm}",
                        padding_y=64,
                    )
                )
            ),
            R(
                col(
                    text(
                        '<p><strong><span style="font-size:20px">48 hours left.</span></strong> '
                        "The sale ends Sunday at 11:59 pm, and most pieces are one of a kind.</p>",
                        align="center",
                        color="#ffffff",
                        font_size=15,
                        line_height=1.4,
                    )
                ),
                background_color="#c8431d",
                padding_top=14,
                padding_bottom=14,
            ),
            R(
                col(
                    heading(
                        'Picked for you, << data:firstname | default("friend") >>',
                        level="h2",
                        align="center",
                        padding_y=4,
                    ),
                    text(
                        "<p>Every piece is thrown and glazed in our Portland studio. Seconds have a small "
                        "mark or a glaze run you will probably never notice; we price them like we do.</p>",
                        align="center",
                        color="#7c6f69",
                        font_size=15,
                        padding_x=48,
                    ),
                ),
                padding_top=36,
                padding_bottom=12,
            ),
            R(
                product(
                    "Speckled mug",
                    "12 oz, oatmeal glaze, second",
                    "$38",
                    "$24",
                    "speckled-mug",
                    "e8dccb",
                    "A cream speckled stoneware mug with a thick handle",
                ),
                gutter(),
                product(
                    "Serving bowl",
                    "10 in, deep ocean blue",
                    "$96",
                    "$62",
                    "serving-bowl",
                    "c9d6df",
                    "A wide blue serving bowl with a pale rim",
                ),
                padding_top=12,
                padding_bottom=8,
                padding_x=24,
            ),
            R(
                product(
                    "Bud vase trio",
                    "Three sizes, matte white",
                    "$72",
                    "$45",
                    "bud-vase-trio",
                    "efe9e1",
                    "Three small matte white bud vases of different heights",
                ),
                gutter(),
                product(
                    "Dinner plate set",
                    "Set of four, rust rim",
                    "$160",
                    "$96",
                    "dinner-plates",
                    "ead2c2",
                    "A stack of four dinner plates with rust-coloured rims",
                ),
                padding_top=8,
                padding_bottom=12,
                padding_x=24,
            ),
            R(
                C(
                    56,
                    heading("An extra 10% for subscribers", level="h3", padding_x=0, padding_y=4),
                    text(
                        "<p>Thanks for being on the list. Use your code at checkout, on top of the sale "
                        "prices; one use per order.</p>",
                        font_size=15,
                        padding_x=0,
                        padding_y=4,
                    ),
                    vertical_align="middle",
                ),
                gutter(),
                C(
                    40,
                    text(
                        '<p><span style="color:#7c6f69;font-size:12px">YOUR CODE</span><br />'
                        '<strong><span style="font-size:22px"><< var:code >></span></strong></p>',
                        align="center",
                        line_height=1.4,
                        padding_x=8,
                        padding_y=6,
                    ),
                    background_color="#ffffff",
                    border_color="#c8431d",
                    border_width=2,
                    padding=8,
                    vertical_align="middle",
                ),
                background_color="#ffe0cc",
                padding_top=24,
                padding_bottom=24,
                padding_x=32,
            ),
            R(
                col(
                    B("button", label="Browse the whole sale", href=f"{site}/sale?{utm}", padding_y=4),
                    text(
                        "<p>Free returns within 30 days, seconds included.</p>",
                        align="center",
                        font_size=13,
                        color="#7c6f69",
                        padding_y=6,
                    ),
                ),
                padding_top=36,
                padding_bottom=36,
            ),
            R(
                col(
                    B(
                        "social",
                        items=[
                            {"network": "instagram", "url": "https://instagram.com/kilnandco"},
                            {"network": "pinterest", "url": "https://pinterest.com/kilnandco"},
                            {"network": "facebook", "url": "https://facebook.com/kilnandco"},
                            {"network": "youtube", "url": "https://youtube.com/@kilnandco"},
                        ],
                        icon_size=24,
                        padding_y=4,
                    ),
                    B(
                        "footer",
                        company="Kiln & Co. Ceramics",
                        address="2240 SE Division Street, Portland, OR 97202, USA",
                        note="You're getting this email because you subscribed on our website or bought "
                        "from our studio.\nSale prices while stock lasts; no further discounts apply.",
                        padding_y=6,
                    ),
                ),
                background_color="transparent",
                padding_top=24,
                padding_bottom=36,
            ),
        ],
    )


# --- order_confirmation.mwt: transactional (classic) -------------------------------------------


def order_confirmation() -> Document:
    site = "https://example.com"
    muted = "#5f6672"
    return document(
        subject="Order << data:order.number >> confirmed: your coffee is roasting next",
        preheader='Thanks, << data:firstname | default("there") >>. We roast on Tuesdays and Fridays '
        "and will send tracking as soon as your parcel ships.",
        settings={"theme": "classic", "transactional": True},
        rows=[
            R(
                C(
                    50,
                    B(
                        "image",
                        src=img(320, 72, "f3f4f6", "111827", "Harbor Coffee"),
                        alt="Harbor Coffee Roasters",
                        width=140,
                        href=site,
                        align="left",
                        padding_x=0,
                        padding_y=0,
                    ),
                    vertical_align="middle",
                ),
                C(
                    50,
                    text(
                        f'<p><a href="{site}/account" style="color:{muted}">Your account</a></p>',
                        align="right",
                        font_size=13,
                        color=muted,
                        padding_x=0,
                        padding_y=0,
                    ),
                    vertical_align="middle",
                ),
                background_color="transparent",
                padding_top=28,
                padding_bottom=20,
                padding_x=32,
                stack_on_mobile=False,
            ),
            R(col(B("spacer", height=4)), background_color="#2563eb", padding_top=0, padding_bottom=0),
            R(
                col(
                    text(
                        '<p><span style="color:#15803d;font-weight:bold">&#10003; Order confirmed</span></p>',
                        font_size=14,
                        padding_y=0,
                    ),
                    heading(
                        'Thanks, << data:firstname | default("there") >>. Your order is in.', font_size=26, padding_y=8
                    ),
                    text(
                        "<p>We have your order and payment. Your beans are on the roasting list for our next "
                        "batch, and we will email you a tracking link as soon as the parcel leaves the "
                        "roastery.</p>"
                    ),
                ),
                padding_top=36,
                padding_bottom=12,
            ),
            R(
                C(
                    50,
                    text(
                        '<p><span style="color:#5f6672;font-size:13px">ORDER NUMBER</span><br />'
                        "<strong><< data:order.number >></strong></p>",
                        padding_x=24,
                        padding_y=0,
                    ),
                ),
                C(
                    50,
                    text(
                        '<p><span style="color:#5f6672;font-size:13px">ORDER TOTAL</span><br />'
                        "<strong><< data:order.total >></strong></p>",
                        padding_x=24,
                        padding_y=0,
                    ),
                ),
                background_color="#eff6ff",
                padding_top=16,
                padding_bottom=16,
                padding_x=8,
                stack_on_mobile=False,
            ),
            R(
                col(heading("Order summary", level="h3", padding_y=6), B("line_items")),
                padding_top=24,
                padding_bottom=16,
            ),
            R(col(B("divider", padding_y=0)), padding_top=0, padding_bottom=0),
            R(
                C(
                    50,
                    heading("Shipping to", level="h3", font_size=15, padding_y=4, padding_x=32),
                    text(
                        "<p><< data:shipping_address.name >><br /><< data:shipping_address.line1 >><br />"
                        "<< data:shipping_address.postcode >> << data:shipping_address.city >><br />"
                        "<< data:shipping_address.country >></p>",
                        font_size=15,
                        padding_y=4,
                        padding_x=32,
                    ),
                    B("spacer", height=12),
                ),
                C(
                    50,
                    heading("What happens next", level="h3", font_size=15, padding_y=4, padding_x=32),
                    text(
                        "<p>We roast to order, so your coffee ships within two working days of roasting. "
                        "Standard delivery takes 2&#8211;4 working days after that.</p>",
                        font_size=15,
                        padding_y=4,
                        padding_x=32,
                    ),
                ),
                padding_top=24,
                padding_bottom=16,
            ),
            R(
                col(
                    B(
                        "button",
                        label="View your order",
                        href=f"{site}/account/orders/<< data:order.number | urlencode >>",
                    )
                ),
                padding_top=8,
                padding_bottom=32,
            ),
            R(
                col(
                    text(
                        "<p><strong>Need a hand?</strong> Reply to this email or visit our "
                        f'<a href="{site}/help">help centre</a>. Changes to grind or delivery address are easy '
                        "until your order is roasted.</p>",
                        align="center",
                        font_size=14,
                        color="#374151",
                        padding_x=40,
                    )
                ),
                background_color="#f9fafb",
                padding_top=20,
                padding_bottom=20,
            ),
            R(
                col(
                    B(
                        "footer",
                        company="Harbor Coffee Roasters",
                        address="18 Wharf Road, Portsmouth, NH 03801, USA",
                        note="This is a service email about your order; you get it even if you have opted "
                        "out of marketing.",
                        unsubscribe_label="",
                        view_online_label="",
                        font_size=12,
                        padding_y=4,
                    )
                ),
                background_color="transparent",
                padding_top=20,
                padding_bottom=32,
            ),
        ],
    )


# --- password_reset.mwt: transactional, minimal (classic) ---------------------------------------


def password_reset() -> Document:
    site = "https://example.com"
    muted = "#5f6672"
    return document(
        subject="Reset your Tally password",
        preheader="Use the link inside within 60 minutes to choose a new password. "
        "Didn't ask for this? You can ignore this email.",
        settings={"theme": "classic", "transactional": True, "width": 560},
        rows=[
            R(
                col(
                    B(
                        "image",
                        src=img(240, 64, "f3f4f6", "2563eb", "Tally"),
                        alt="Tally",
                        width=100,
                        href=site,
                        padding_y=0,
                    )
                ),
                background_color="transparent",
                padding_top=32,
                padding_bottom=20,
            ),
            R(
                col(
                    heading("Reset your password", level="h2", padding_y=6),
                    text(
                        '<p>Hi << data:firstname | default("there") >>,</p>'
                        "<p>We received a request to reset the password for the Tally account that uses "
                        "<strong><< data:email >></strong>. Choose a new one with the button below.</p>"
                    ),
                    B("button", label="Choose a new password", href="<< data:reset_url >>", align="left", padding_y=16),
                    text(
                        "<p>This link expires in <strong>60 minutes</strong> and works once. If it has "
                        f'expired, you can <a href="{site}/forgot-password">ask for a new one</a>.</p>',
                        font_size=14,
                        color=muted,
                    ),
                    B("divider", padding_y=16),
                    text(
                        "<p><strong>Didn't ask for this?</strong> You can safely ignore this email; your "
                        "password stays the same and no one can change it without this link. If you get "
                        "emails like this you didn't expect, let us know at "
                        '<a href="mailto:security@example.com">security@example.com</a>.</p>',
                        font_size=14,
                        color=muted,
                    ),
                    text(
                        "<p>If the button doesn't work, paste this address into your browser:<br />"
                        '<a href="<< data:reset_url >>" style="color:#2563eb">'
                        "<< data:reset_url >></a></p>",
                        font_size=12,
                        color=muted,
                    ),
                ),
                padding_top=36,
                padding_bottom=32,
            ),
            R(
                col(
                    B(
                        "footer",
                        company="Tally Money Ltd",
                        address="12 Castle Yard, Bristol BS1 4DJ, United Kingdom",
                        note="An automated security message for your Tally account. We will never ask for your "
                        "password by email.",
                        unsubscribe_label="",
                        view_online_label="",
                        font_size=12,
                        padding_y=4,
                    )
                ),
                background_color="transparent",
                padding_top=20,
                padding_bottom=32,
            ),
        ],
    )


# --- event_invitation.mwt: an evening event (midnight) -----------------------------------------


def event_invitation() -> Document:
    site = "https://example.com/events/signal-noise-2025"
    mint = "#34d399"
    muted = "#94a3b8"
    utm = "utm_source=email&utm_campaign=signal-noise-2025"

    def fact(label: str, value: str, detail: str) -> C:
        return C(
            33.33 if label != "Place" else 33.34,
            text(
                f'<p><span style="color:{mint};font-size:12px;font-weight:bold">{label.upper()}</span><br />'
                f'<strong><span style="color:#f8fafc;font-size:17px">{value}</span></strong><br />'
                f'<span style="color:{muted};font-size:14px">{detail}</span></p>',
                line_height=1.6,
                padding_x=16,
                padding_y=4,
            ),
        )

    def speaker(name: str, role: str, talk: str, blurb: str, photo_bg: str) -> R:
        return R(
            C(
                22,
                B(
                    "image",
                    src=img(240, 240, photo_bg, "0f172a", name.split()[0]),
                    alt=f"Portrait of {name}",
                    width=80,
                    border_radius=40,
                    padding_x=0,
                    padding_y=4,
                    align="right",
                ),
            ),
            C(
                78,
                text(
                    f'<p><strong><span style="color:#f8fafc;font-size:17px">{name}</span></strong>'
                    f'<br /><span style="color:{muted};font-size:14px">{role}</span></p>',
                    line_height=1.5,
                    padding_x=24,
                    padding_y=2,
                ),
                text(
                    f'<p><span style="color:{mint}">&#8220;{talk}&#8221;</span><br />{blurb}</p>',
                    font_size=15,
                    line_height=1.55,
                    padding_x=24,
                    padding_y=4,
                ),
                vertical_align="middle",
            ),
            padding_top=16,
            padding_bottom=16,
            padding_x=24,
            stack_on_mobile=False,
        )

    def rule() -> R:
        return R(col(B("divider", padding_y=0)), padding_top=0, padding_bottom=0)

    return document(
        subject='<< data:firstname | default("You") >>, invited: Signal & Noise, 12 June, Berlin',
        preheader="An evening of design engineering talks, food and good conversation. "
        "Free, 180 seats, RSVP by 5 June.",
        settings={"theme": "midnight"},
        rows=[
            R(
                col(
                    B(
                        "image",
                        src=img(360, 72, "020617", "34d399", "SIGNAL & NOISE"),
                        alt="Signal & Noise",
                        width=180,
                        href=f"{site}?{utm}",
                        padding_y=0,
                    )
                ),
                background_color="transparent",
                padding_top=32,
                padding_bottom=20,
            ),
            R(
                col(
                    B(
                        "image",
                        src=img(1200, 600, "1e293b", "34d399", "Kühlhaus Berlin"),
                        alt="A warehouse hall set up for talks, with a stage lit in green and rows of chairs",
                        padding_x=0,
                        padding_y=0,
                    )
                ),
                padding_top=0,
                padding_bottom=0,
            ),
            R(
                col(
                    text(
                        f'<p><span style="color:{mint};font-size:13px;font-weight:bold">YOU\'RE INVITED</span></p>',
                        align="center",
                        padding_y=0,
                    ),
                    heading("Signal &amp; Noise 2025".replace("&amp;", "&"), align="center", font_size=36, padding_y=6),
                    text(
                        '<p>Hi << data:firstname | default("there") >>, join us for an evening about the '
                        "space between design and code: three talks from people who ship interfaces for a "
                        "living, dinner from Markthalle Neun, and time to talk shop.</p>",
                        align="center",
                        padding_x=48,
                    ),
                ),
                padding_top=36,
                padding_bottom=20,
            ),
            R(
                fact("Date", "12 June 2025", "Thursday"),
                fact("Time", "18:30 &#8211; 22:00", "Doors open 18:00"),
                fact("Place", "Kühlhaus Berlin", "Luckenwalder Str. 3"),
                background_color="#111c33",
                padding_top=20,
                padding_bottom=20,
                padding_x=16,
            ),
            R(col(heading("Speakers", level="h2", align="center", padding_y=4)), padding_top=36, padding_bottom=12),
            speaker(
                "Amara Nwosu",
                "Design systems lead, Lumen Health",
                "Tokens that survive a rebrand",
                "How a team of four kept 40 products consistent through two brand changes.",
                "6ee7b7",
            ),
            rule(),
            speaker(
                "Jonas Feldmann",
                "Staff engineer, Ortwerk",
                "Motion without the motion sickness",
                "Animation budgets, reduced-motion defaults and what users actually notice.",
                "a5b4fc",
            ),
            rule(),
            speaker(
                "Sofía Márquez",
                "Independent type designer",
                "Variable fonts in production",
                "One font file, every weight, and the performance numbers to prove it.",
                "fcd34d",
            ),
            R(
                col(
                    B(
                        "button",
                        label="RSVP now",
                        href=f"{site}/rsvp?email=<< data:email | urlencode >>&{utm}",
                        padding_y=4,
                    ),
                    text(
                        "<p>Free to attend. Seats are limited to 180; please RSVP by 5 June.</p>",
                        align="center",
                        font_size=14,
                        color=muted,
                        padding_y=6,
                    ),
                ),
                padding_top=36,
                padding_bottom=20,
            ),
            R(
                col(
                    text(
                        '<p><strong><span style="color:#f8fafc">Add to your calendar:</span></strong> '
                        f'<a href="https://calendar.google.com/calendar/render?action=TEMPLATE&text=Signal+%26+Noise+2025'
                        f'&dates=20250612T163000Z/20250612T200000Z&location=K%C3%BChlhaus+Berlin">Google</a>'
                        f' &#183; <a href="https://outlook.live.com/calendar/0/deeplink/compose?subject=Signal+%26+Noise+2025'
                        f"&startdt=2025-06-12T18:30:00%2B02:00&enddt=2025-06-12T22:00:00%2B02:00"
                        f'&location=K%C3%BChlhaus+Berlin">Outlook</a>'
                        f' &#183; <a href="{site}/signal-noise-2025.ics">Apple Calendar (.ics)</a></p>',
                        align="center",
                        font_size=14,
                    )
                ),
                padding_top=4,
                padding_bottom=36,
            ),
            R(
                col(
                    B(
                        "social",
                        items=[
                            {"network": "linkedin", "url": "https://linkedin.com/company/signalnoiseberlin"},
                            {"network": "x", "url": "https://x.com/signalnoiseber"},
                            {"network": "youtube", "url": "https://youtube.com/@signalnoiseberlin"},
                        ],
                        icon_size=22,
                        padding_y=4,
                    ),
                    B(
                        "footer",
                        company="Signal & Noise e.V.",
                        address="Oranienstraße 185, 10999 Berlin, Germany",
                        note="You're receiving this invitation because you attended a Signal & Noise event "
                        "or joined our mailing list.",
                        padding_y=6,
                    ),
                ),
                background_color="transparent",
                padding_top=24,
                padding_bottom=36,
            ),
        ],
    )


# TEMPLATES_END

TEMPLATES = {
    "order_confirmation": order_confirmation,
    "password_reset": password_reset,
    "event_invitation": event_invitation,
    "promotion": promotion,
    "newsletter": newsletter,
    "welcome": welcome,
}


def main() -> None:
    EXAMPLES.mkdir(exist_ok=True)
    for name, make in TEMPLATES.items():
        doc = make()
        path = EXAMPLES / f"{name}.mwt"
        atomic_write_text(path, dumps_document(doc), backup=False)
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
