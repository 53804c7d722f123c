"""The rich-text allow-list as a reader sees its result: what survives, what is dropped."""
from mailwright.app.markup import sanitize_rich_text


def test_a_links_own_colour_is_kept() -> None:
    out = sanitize_rich_text('<p><a href="https://example.com" style="color:#7c2d12; font-weight:bold">Read</a></p>')
    assert 'href="https://example.com"' in out
    assert 'style="color:#7c2d12;font-weight:bold"' in out


def test_link_styles_outside_the_list_or_with_urls_are_dropped() -> None:
    out = sanitize_rich_text('<p><a href="https://example.com" style="position:fixed;'
                             'color:url(https://evil.example/x);background:red">Read</a></p>')
    assert "style=" not in out.split("<a", 1)[1].split(">", 1)[0]
    assert "evil.example" not in out and "position" not in out


def test_a_javascript_link_is_unlinked_keeping_its_text() -> None:
    out = sanitize_rich_text('<p><a href="javascript:alert(1)" style="color:red">Click</a></p>')
    assert "<a" not in out and "Click" in out


def test_the_cache_gives_the_same_answer_twice() -> None:
    html = '<p>Hi <strong>there</strong></p><ul><li>one</li></ul>'
    assert sanitize_rich_text(html) == sanitize_rich_text(html)
    assert sanitize_rich_text(html, paragraph_gap=20) != sanitize_rich_text(html)
