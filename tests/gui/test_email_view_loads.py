"""EmailView.show_html says when the email is on screen. A navigation the page refuses (a meta
refresh) is reported by Qt as a load of its own that starts and then stops (failed), before or
after the email's own load ends: it must not count as the email's load (issue 17: the canvas of
a hostile document never said it had rendered)."""

from __future__ import annotations

import pytest

from .conftest import RENDER_TIMEOUT

REFRESH = (
    '<html><head><meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/refresh"></head>'
    "<body><p>Hello</p></body></html>"
)


@pytest.mark.parametrize("attempt", range(3))  # the refused load's events come in varying order
def test_a_refused_meta_refresh_is_not_the_emails_load(qtbot, attempt):
    from PySide6.QtCore import QCoreApplication, QEvent

    from mailwright.widgets.email_view import EmailView

    view = EmailView()
    try:
        _check(qtbot, view)
    finally:
        view.release()
        view.deleteLater()  # its page goes now, before the shared web profiles
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _check(qtbot, view) -> None:
    view.resize(400, 300)
    view.show()
    reports: list[tuple[int, bool]] = []
    view.shown.connect(lambda request, ok: reports.append((request, ok)))
    refused: list[object] = []
    view.page().loadingChanged.connect(
        lambda info: refused.append(info.status()) if info.url().scheme() == "http" else None
    )
    request = view.show_html(REFRESH)
    # Both have happened: the email's report, and the refused navigation's start and stop.
    qtbot.waitUntil(lambda: bool(reports) and len(refused) >= 2, timeout=RENDER_TIMEOUT)
    qtbot.wait(200)  # a late report would come now
    assert reports == [(request, True)]
    assert not view.pending
    assert view.url().scheme() == "mwemail"
