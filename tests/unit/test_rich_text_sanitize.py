"""The rich-text allow-list as a reader sees its result: what survives, what is dropped."""

from mailwright.app.build.markup import sanitize_rich_text


def test_a_links_own_colour_is_kept() -> None:
    out = sanitize_rich_text('<p><a href="https://example.com" style="color:#7c2d12; font-weight:bold">Read</a></p>')
    assert 'href="https://example.com"' in out
    assert 'style="color:#7c2d12;font-weight:bold"' in out


def test_link_styles_outside_the_list_or_with_urls_are_dropped() -> None:
    out = sanitize_rich_text(
        '<p><a href="https://example.com" style="position:fixed;'
        'color:url(https://evil.example/x);background:red">Read</a></p>'
    )
    assert "style=" not in out.split("<a", 1)[1].split(">", 1)[0]
    assert "evil.example" not in out and "position" not in out


def test_a_javascript_link_is_unlinked_keeping_its_text() -> None:
    out = sanitize_rich_text('<p><a href="javascript:alert(1)" style="color:red">Click</a></p>')
    assert "<a" not in out and "Click" in out


def test_long_texts_past_the_cache_are_cleaned_alike() -> None:
    """Texts over the cache's size limit take the uncached path: same allow-list, same spacing."""
    paragraph = '<p>Para <a href="javascript:x()">bad</a> <script>alert(1)</script>text</p>'
    short = sanitize_rich_text(paragraph * 2)
    long = sanitize_rich_text(paragraph * 400)
    assert len(paragraph * 400) > 8_000
    for out in (short, long):
        assert "javascript" not in out and "<script" not in out and "alert" not in out
        assert out.count('style="margin:0 0 12px;"') == out.count("<p ") - 1  # last one: margin 0
    assert long.startswith(short.split("</p>")[0])


def test_the_paragraph_gap_is_part_of_the_answer() -> None:
    html = "<p>Hi <strong>there</strong></p><ul><li>one</li></ul>"
    assert sanitize_rich_text(html) == sanitize_rich_text(html)
    assert "0 0 20px" in sanitize_rich_text(html, paragraph_gap=20)
    assert "0 0 20px" not in sanitize_rich_text(html)
