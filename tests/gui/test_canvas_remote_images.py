"""Remote images on the canvas, as a mail client offers them: blocked, with a bar naming the
sites; "Show images in this document" and "Always for these sites" are remembered (QSettings)
and load https images through the request interceptor; plain http stays blocked.

The "remote" site is a TCP listener on 127.0.0.1 that only records connections (nothing
leaves the machine; the TLS handshake fails, which is fine: the request was let through)."""

from __future__ import annotations

import socket
import threading

import pytest

from tests.gui.conftest import RENDER_TIMEOUT

pytest.importorskip("PySide6.QtWebEngineWidgets")

from mailwright.app.document.commands import InsertBlock, new_block_json  # noqa: E402
from mailwright.app.document.session import Session  # noqa: E402


@pytest.fixture
def listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    seen: list = []
    stop = threading.Event()

    def run():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            seen.append(1)
            conn.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join(2)
    server.close()


def add_remote_image(qtbot, window, url: str) -> None:
    block = new_block_json(window.session.doc, "image")
    block.setdefault("props", {})["src"] = url
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.push(InsertBlock("c1", 0, block))


def test_remote_images_wait_for_the_designer_and_are_remembered_per_document(qtbot, make_window, listener, tmp_path):
    port, seen = listener
    path = tmp_path / "remote.mwt"
    from tests.gui.conftest import small_document

    Session(small_document()).save(path)
    window = make_window(Session.open(path))
    url = f"https://127.0.0.1:{port}/hero.png"
    add_remote_image(qtbot, window, url)
    bar = window.canvas.images_bar
    assert bar.isVisible() and "loads images from 1 site (127.0.0.1)" in bar.label.text()
    qtbot.wait(300)
    assert seen == []  # not requested (the page's policy and the interceptor both refuse it)
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        bar.document.click()
    qtbot.waitUntil(lambda: len(seen) > 0, timeout=5000)  # the image was requested
    assert not bar.isVisible()
    window.session.save()
    # the same document opened again shows its images without asking
    again = make_window(Session.open(path))
    assert not again.canvas.images_bar.isVisible()
    assert again.canvas.allowed_image_hosts() == frozenset({"127.0.0.1"})


def test_always_for_these_sites_applies_to_other_documents_and_http_stays_blocked(qtbot, make_window, listener):
    port, seen = listener
    plain = socket.socket()  # the plain-http site: never contacted
    plain.bind(("127.0.0.1", 0))
    plain.listen(4)
    plain.setblocking(False)
    plain_port = plain.getsockname()[1]
    window = make_window()
    add_remote_image(qtbot, window, f"https://127.0.0.1:{port}/logo.png")
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.canvas.images_bar.sites.click()
    qtbot.waitUntil(lambda: len(seen) > 0, timeout=5000)
    other = make_window()
    add_remote_image(qtbot, other, f"https://127.0.0.1:{port}/other.png")
    assert not other.canvas.images_bar.isVisible()
    add_remote_image(qtbot, other, f"http://127.0.0.1:{plain_port}/plain.png")
    bar = other.canvas.images_bar
    assert bar.isVisible() and "1 image over plain http stays blocked" in bar.label.text()
    assert not bar.document.isVisible()  # nothing the designer could allow
    qtbot.wait(300)
    with pytest.raises(BlockingIOError):
        plain.accept()
    plain.close()
