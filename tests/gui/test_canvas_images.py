"""Images on the canvas: the starters' pictures are local files next to them and show; an Image
block without a picture is a grey box naming its size, on the canvas only; nothing outside the
document's folder is ever served."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.gui.conftest import RENDER_TIMEOUT

pytest.importorskip("PySide6.QtWebEngineWidgets")

from mailwright.app.document.commands import InsertBlock, SetProp, new_block_json  # noqa: E402
from mailwright.app.build.pipeline import build_document  # noqa: E402
from mailwright.app.document.session import Session  # noqa: E402
from tests.gui.test_editor import page_js  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
IMAGES_JS = (
    "JSON.stringify(Array.from(document.images).map(function(i){return [i.getAttribute('src'),"
    "i.naturalWidth,Math.round(i.getBoundingClientRect().width),Math.round(i.getBoundingClientRect().height),"
    "i.getAttribute('data-mw-placeholder')];}))"
)


def images(qtbot, window) -> list:
    import json

    return json.loads(page_js(qtbot, window, IMAGES_JS))


@pytest.mark.parametrize(
    "starter", ["newsletter", "promotion", "event_invitation", "welcome", "order_confirmation", "password_reset"]
)
def test_the_starters_pictures_are_files_of_the_project_and_show_on_the_canvas(qtbot, make_window, tmp_path, starter):
    text = (ROOT / "examples" / f"{starter}.mwt").read_text(encoding="utf-8")
    assert "https://" not in "".join(line for line in text.splitlines() if '"src"' in line)
    window = make_window(Session.new(ROOT / "examples" / f"{starter}.mwt"))  # as the gallery opens it
    qtbot.waitUntil(
        lambda: (
            images(qtbot, window)
            and all(
                src.startswith("data:") or nw > 0 for src, nw, *_ in images(qtbot, window) if src.startswith("assets/")
            )
        ),
        timeout=RENDER_TIMEOUT,
    )
    local = [i for i in images(qtbot, window) if i[0].startswith("assets/")]
    if '"src": "assets/' in text:
        assert local and all(nw > 0 for _, nw, *_ in local), local


def test_an_image_without_a_picture_is_a_sized_grey_box_on_the_canvas_only(qtbot, window):
    doc = window.session.doc
    block = new_block_json(doc, "image")
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.push(InsertBlock("c1", 0, block))
    qtbot.waitUntil(lambda: any(i[4] for i in images(qtbot, window)), timeout=5000)
    src, natural, width, height, label = next(i for i in images(qtbot, window) if i[4])
    assert src.startswith("data:image/svg+xml") and natural > 0
    assert width > 400 and 80 <= height <= 320, (width, height)  # its real width, a sensible height
    assert label == f"Image · {width} × {height} px"
    with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
        window.push(SetProp(block["id"], "src", ""))
    qtbot.waitUntil(lambda: any(i[4] for i in images(qtbot, window)), timeout=5000)
    # the email itself is unchanged: no stand-in art in what is exported
    html = build_document(window.session.doc).html
    assert "data:image/svg" not in html and "data-mw-placeholder" not in html


def test_local_images_are_served_only_from_the_documents_folder(qtbot, make_window, tmp_path):
    folder = tmp_path / "mail"
    (folder / "assets").mkdir(parents=True)
    shutil.copy(ROOT / "examples" / "assets" / "tally-240x64.png", folder / "assets" / "logo.png")
    shutil.copy(ROOT / "examples" / "assets" / "tally-240x64.png", tmp_path / "outside.png")
    (folder / "assets" / "notes.png").write_text("not a picture", encoding="utf-8")
    doc_path = folder / "mail.mwt"
    session = Session.new(ROOT / "examples" / "welcome.mwt")
    session.save(doc_path)
    window = make_window(Session.open(doc_path))
    column = window.session.doc.rows[0].columns[0].id
    for i, src in enumerate(["assets/logo.png", "../outside.png", "assets/notes.png", "/etc/hostname.png"]):
        block = new_block_json(window.session.doc, "image")
        block.setdefault("props", {})["src"] = src
        with qtbot.waitSignal(window.rendered, timeout=RENDER_TIMEOUT):
            window.push(InsertBlock(column, i, block))

    def natural(src: str):
        return next((nw for s, nw, *_ in images(qtbot, window) if s == src), None)

    qtbot.waitUntil(lambda: natural("assets/logo.png") == 240, timeout=5000)
    qtbot.wait(200)
    assert natural("../outside.png") == 0
    assert natural("assets/notes.png") == 0
    assert natural("/etc/hostname.png") == 0


def test_the_preview_tab_shows_the_starters_local_pictures_too(qtbot, make_window):
    import json

    from mailwright.widgets.preview import APP_WORLD

    window = make_window(Session.new(ROOT / "examples" / "newsletter.mwt"))
    window.a_preview.trigger()
    frame = window._mw_preview.frame(600) or window._mw_preview.frames[0]

    def local_images() -> list:
        out: dict = {}
        frame.view.page().runJavaScript(IMAGES_JS, APP_WORLD, lambda r: out.update(r=r))
        qtbot.waitUntil(lambda: "r" in out, timeout=5000)
        return [i for i in json.loads(out["r"] or "[]") if (i[0] or "").startswith("assets/")]

    qtbot.waitUntil(
        lambda: bool(local_images()) and all(nw > 0 for _, nw, *_ in local_images()), timeout=RENDER_TIMEOUT
    )
