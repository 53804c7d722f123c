"""`_inside_markup` (a local look around a token) agrees with scanning the whole document."""

import re

from hypothesis import given, settings, strategies as st

from mailwright.app.build.tokens import _inside_markup

_FULL_SCAN = re.compile(r"<[A-Za-z!/?][^<>]*>")


def _reference(html: str, pos: int) -> bool:
    return any(m.start() < pos < m.end() for m in _FULL_SCAN.finditer(html))


@settings(max_examples=400, derandomize=True)
@given(st.text(alphabet='<>a/!? "=T', max_size=40), st.data())
def test_agrees_with_a_full_scan(html: str, data) -> None:
    pos = data.draw(st.integers(min_value=0, max_value=len(html)))
    assert _inside_markup(html, pos) == _reference(html, pos)


def test_attribute_and_text() -> None:
    html = '<a href="T">T</a><!-- T --> < T >'
    assert _inside_markup(html, html.index("T"))
    assert not _inside_markup(html, html.index(">T<") + 1)
    assert _inside_markup(html, html.index("- T") + 2)
    assert not _inside_markup(html, html.rindex("T"))
