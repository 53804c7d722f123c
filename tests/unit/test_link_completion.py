"""What the Link dialog makes of an address typed without its scheme (widgets/fields/values.py:
text in, text out, no window). As written, "example.com" would be a relative address, a dead
link in every email; the check would report it only after the email was made."""

from __future__ import annotations

import pytest

from mailwright.widgets.fields.values import complete_link


@pytest.mark.parametrize(
    ("typed", "linked"),
    [
        ("example.com", "https://example.com"),
        ("  www.example.com/a?b=1#c  ", "https://www.example.com/a?b=1#c"),
        ("shop.example.co.uk:8080/sale", "https://shop.example.co.uk:8080/sale"),  # not a scheme "shop.…:"
        ("ann@example.com", "mailto:ann@example.com"),
        ("https://example.com", "https://example.com"),
        ("http://example.com", "http://example.com"),
        ("mailto:ann@example.com", "mailto:ann@example.com"),
        ("tel:+44 20 7946 0000", "tel:+44 20 7946 0000"),
        ("<< link:unsubscribe >>", "<< link:unsubscribe >>"),
        ("example.com/<< data:id >>", "example.com/<< data:id >>"),  # a tag may supply any part: as written
        ("#top", "#top"),
        ("/page", "/page"),  # relative, kept: the check names it
        ("example", "example"),
        ("javascript:alert(1)", "javascript:alert(1)"),  # the sanitiser drops it
        ("", ""),
    ],
)
def test_a_bare_domain_gets_https_and_a_bare_address_mailto(typed: str, linked: str) -> None:
    assert complete_link(typed) == linked
