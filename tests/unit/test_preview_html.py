"""Preview variants of the HTML (app/build/preview_html.py): pure string rewrites, no Qt."""

from __future__ import annotations

import pytest

from mailwright.app.build.pipeline import build_document, build_mjml_text
from mailwright.app.build.preview_html import (
    apply_scheme,
    dark_variant,
    declares_dark,
    has_dark_styles,
    images_off,
    preview_html,
    snippet,
)

DARK_CSS = """<html><head><style>
.a{color:#111}
@media (prefers-color-scheme: dark) { .a { color: #eee } }
@media screen and (prefers-color-scheme:light) { .b { color: red } }
@media only screen and (max-width:480px) { .c { width: 100% } }
</style></head><body><p class="a">x</p></body></html>"""


def test_dark_rules_are_switched_on_for_the_honouring_variant_and_off_for_light() -> None:
    dark = apply_scheme(DARK_CSS, "dark")
    assert "prefers-color-scheme" not in dark
    assert "@media (min-width: 0px) { .a { color: #eee } }" in dark
    assert "@media screen and (min-width: 999999px) { .b" in dark
    assert "@media only screen and (max-width:480px)" in dark  # other queries untouched
    light = apply_scheme(DARK_CSS, "light")
    assert "@media (min-width: 999999px) { .a { color: #eee } }" in light
    assert "@media screen and (min-width: 0px) { .b" in light
    assert "color-scheme:light" in light
    assert apply_scheme(DARK_CSS, "forced") == light  # the view inverts; the HTML is the light one


def test_dark_canvas_only_for_emails_that_declare_dark_support() -> None:
    plain = "<html><head></head><body>x</body></html>"
    assert "color-scheme:dark" not in apply_scheme(plain, "dark")
    declared = '<html><head><meta name="color-scheme" content="light dark"></head><body>x</body></html>'
    assert declares_dark(declared)
    assert "color-scheme:dark" in apply_scheme(declared, "dark")
    css = "<html><head><style>:root{color-scheme: light dark;}</style></head><body>x</body></html>"
    assert declares_dark(css)
    assert not declares_dark('<meta name="color-scheme" content="light only">')


def test_scheme_rewrite_leaves_text_outside_style_alone() -> None:
    html = "<html><head></head><body><p>@media (prefers-color-scheme: dark) { is how }</p></body></html>"
    assert "(prefers-color-scheme: dark)" in apply_scheme(html, "dark")
    assert not has_dark_styles(html)


def test_unknown_scheme_is_refused() -> None:
    with pytest.raises(ValueError):
        apply_scheme("<p>x</p>", "sepia")  # type: ignore[arg-type]


def test_has_dark_styles_and_the_dark_variant() -> None:
    assert has_dark_styles(DARK_CSS)
    assert dark_variant(DARK_CSS) == "dark"
    assert dark_variant("<html><head><style>.a{}</style></head></html>") == "forced"


def test_images_off_replaces_images_by_their_alt_text() -> None:
    html = (
        '<td><img alt="Spring &amp; sale" src="https://x.test/a.png" width="300" height="120" '
        'style="display:block;width:100%"><img src="https://x.test/pixel.gif" alt=""></td>'
    )
    out = images_off(html)
    assert "<img" not in out
    assert ">Spring &amp; sale</span>" in out
    assert 'class="mw-alt"' in out
    assert "width:100%" in out and "min-height:120px" in out and "display:block" in out
    assert "pixel.gif" not in out  # a decorative pixel without a size leaves nothing


def test_images_off_keeps_the_size_of_small_icons() -> None:
    out = images_off('<img src="https://x.test/fb.png" alt="Facebook" width="24" height="24">')
    assert "width:24px" in out and "height:24px" in out and "white-space:nowrap" in out


def test_images_off_drops_background_images_everywhere() -> None:
    html = (
        "<html><head><style>.hero{background-image:url('https://x.test/bg.jpg');color:red}"
        ".b{background:#fff url(https://x.test/b.png) no-repeat}</style></head>"
        '<body><td background="https://x.test/td.png" style="background:url(&quot;https://x.test/c.png&quot;) #123">'
        '<div style="background-image: url(https://x.test/d.png)">x</div></td></body></html>'
    )
    out = images_off(html)
    assert "x.test" not in out
    assert "background-image:none" in out and "#fff none no-repeat" in out
    assert "color:red" in out and "#123" in out


def test_images_off_on_a_real_build() -> None:
    from mailwright.app.document.storage import load_document
    from pathlib import Path

    doc = load_document(Path(__file__).resolve().parents[2] / "examples" / "welcome.mwt")
    html = build_document(doc).html
    out = preview_html(html, "light", images=False)
    assert "<img" in html and "<img" not in out
    assert "A desk with a notebook" in out


def test_snippet_prefers_the_preheader_then_the_text() -> None:
    assert snippet("  Three steps  ", "ignored") == "Three steps"
    text = "WELCOME\n=======\n\nHello there, see https://example.com/x for more " + "word " * 50
    s = snippet("", text, limit=60)
    assert s.startswith("WELCOME Hello there, see for more")
    assert len(s) <= 60 and s.endswith("…")


def test_build_preview_job_keeps_the_merge_table() -> None:
    from mailwright.app.build.personalise import CompiledEmail
    from mailwright.app.build.preview_html import build_preview_job

    result = build_preview_job(
        "mjml",
        "<mjml><mj-body><mj-section><mj-column><mj-text>Hi << data:name >>"
        "</mj-text></mj-column></mj-section></mj-body></mjml>",
        "t.mjml",
    )
    assert "Hi Ann" in CompiledEmail(result).render({"name": "Ann"}).html
    assert build_mjml_text  # the same pipeline as `mailwright build`


def test_dark_styles_are_read_from_the_built_html() -> None:
    """The Dark frame's note: an email has dark styles only when its built HTML holds an @media
    rule on prefers-color-scheme: dark (a comment or a sentence saying so does not count)."""
    from pathlib import Path

    from mailwright.app.build.pipeline import build_document, build_mjml_text
    from mailwright.app.document.storage import load_document

    doc = load_document(Path(__file__).resolve().parents[2] / "examples" / "newsletter.mwt")
    assert not has_dark_styles(build_document(doc).html)
    doc.settings.head_mjml = (
        "<mj-style>@media screen and (prefers-color-scheme: dark) { .x { color: #fff !important } }</mj-style>"
    )
    assert has_dark_styles(build_document(doc).html)
    commented = build_mjml_text(
        "<mjml><mj-head><mj-style>/* @media (prefers-color-scheme: dark) { } */ .a{color:red}"
        "</mj-style></mj-head><mj-body><mj-section><mj-column><mj-text>x</mj-text>"
        "</mj-column></mj-section></mj-body></mjml>"
    ).html
    assert not has_dark_styles(commented)
    assert not has_dark_styles("<style>.a{color:red}</style><p>@media (prefers-color-scheme: dark)</p>")
