"""The sites an email's remote images come from, for the canvas's "Show images" bar."""

from __future__ import annotations

from mailwright.app.build.remote_images import bar_text, remote_images

HTML = (
    '<img src="https://cdn.example.com/a.png"><img src="https://CDN.example.com/b.png?x=1&amp;y=2">'
    '<td background="https://bg.example.org/h.jpg" style="background:url(\'https://css.example.net/c.png\')">'
    '<img src="http://plain.example.com/p.png"><img src="assets/local.png"><img src="data:image/png;base64,xx">'
    '<a href="https://links.example.com/">not an image</a><img src="https://placehold.co/1x1">'
)


def test_sites_are_counted_once_each_and_http_separately():
    found = remote_images(HTML, ignore=frozenset({"https://placehold.co/1x1"}))
    assert found.hosts == ("bg.example.org", "cdn.example.com", "css.example.net")
    assert found.insecure == 1


def test_the_bar_names_the_blocked_sites_and_goes_when_all_are_allowed():
    found = remote_images(HTML, ignore=frozenset({"https://placehold.co/1x1"}))
    text = bar_text(found, frozenset())
    assert text.startswith("This email loads images from 3 sites (bg.example.org, cdn.example.com, css.example.net)")
    assert "1 image over plain http stays blocked" in text
    assert "loads images" not in bar_text(found, frozenset(found.hosts))
    assert bar_text(remote_images("<img src='assets/x.png'>"), frozenset()) == ""
