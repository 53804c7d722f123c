"""The preview workspace, the recipients panel and the code view, driven as a user would.

Frames are real hardened web views (offscreen). What a frame shows is read with scripts in
the ApplicationWorld (page JavaScript stays off) and with pixel grabs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")

from mailwright.app.document.model import Document  # noqa: E402
from mailwright.app.build.pipeline import build_document, build_file, build_mjml_text  # noqa: E402
from tests.support.load import busy_cores  # noqa: E402
from tests.support.spy import Spy, hostile_mjml  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
LOAD_TIMEOUT = 30_000


# --- helpers -------------------------------------------------------------------------------------


def two_column_doc() -> Document:
    return Document.model_validate(
        {
            "subject": "Hello << data:firstname >>",
            "preheader": "Your plan: << data:plan >>",
            "rows": [
                {
                    "id": "r1",
                    "columns": [
                        {
                            "id": "c1",
                            "blocks": [
                                {"id": "b1", "type": "heading", "props": {"text": "Hi << data:firstname >>"}},
                            ],
                        }
                    ],
                },
                {
                    "id": "r2",
                    "columns": [
                        {
                            "id": "c2",
                            "width": 50,
                            "blocks": [{"id": "b2", "type": "text", "props": {"html": "<p>LEFTCOLUMN</p>"}}],
                        },
                        {
                            "id": "c3",
                            "width": 50,
                            "blocks": [{"id": "b3", "type": "text", "props": {"html": "<p>RIGHTCOLUMN</p>"}}],
                        },
                    ],
                },
                {
                    "id": "r3",
                    "columns": [
                        {
                            "id": "c4",
                            "blocks": [
                                {
                                    "id": "b4",
                                    "type": "image",
                                    "props": {"src": "https://example.com/pic.png", "alt": "ALTTEXTHERE", "width": 300},
                                },
                                {"id": "b5", "type": "text", "props": {"html": "<p>Plan: << data:plan >></p>"}},
                            ],
                        }
                    ],
                },
            ],
        }
    )


DARK_MJML = """<mjml>
  <mj-head>
    <mj-raw><meta name="color-scheme" content="light dark"></mj-raw>
    <mj-style>
      @media (prefers-color-scheme: dark) {
        .page, .page > table, .card, .card > table, .card td { background: #101418 !important; background-color: #101418 !important; }
        .card div { color: #f3f4f6 !important; }
      }
    </mj-style>
  </mj-head>
  <mj-body background-color="#ffffff" css-class="page">
    <mj-section background-color="#ffffff" css-class="card">
      <mj-column>
        <mj-text font-size="20px" color="#111111">A light email with its own dark styles</mj-text>
        <mj-spacer height="600px"></mj-spacer>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""


@pytest.fixture()
def workspace(qtbot):
    from mailwright.widgets.preview import PreviewWorkspace
    from mailwright.widgets.preview_state import PreviewState

    state = PreviewState()
    ws = PreviewWorkspace(state)
    ws._no_confirm = True
    qtbot.addWidget(ws)
    ws.resize(1600, 900)
    ws.show()
    qtbot.waitExposed(ws)
    yield ws
    ws.release()
    ws.close()
    _delete_now(ws)


def _delete_now(widget) -> None:
    """Delete a widget (and its web pages) now, not at exit: pages must go before profiles."""
    from PySide6.QtCore import QCoreApplication, QEvent

    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def show(qtbot, ws, result) -> None:
    """Give the workspace a build and wait until every frame has loaded it."""
    with qtbot.waitSignal(ws.rendered, timeout=LOAD_TIMEOUT):
        ws.state.set_result(result)
    qtbot.wait(150)


def rerender(qtbot, ws, action) -> None:
    with qtbot.waitSignal(ws.rendered, timeout=LOAD_TIMEOUT):
        action()
    qtbot.wait(150)


def js(frame_or_view, script: str, timeout_ms: int = 10_000):
    """The script's result in the frame's ApplicationWorld (None when a navigation ate it)."""
    from mailwright.widgets.snapshot import SnapshotError, run_script

    view = getattr(frame_or_view, "view", frame_or_view)
    try:
        return run_script(view, script, timeout_ms)
    except SnapshotError:
        return None


def body_text(frame, timeout_ms: int = 10_000) -> str:
    return js(frame, "document.body ? document.body.innerText : ''", timeout_ms) or ""


def luminance(image) -> float:
    total = n = 0
    for x in range(0, image.width(), 5):
        for y in range(0, image.height(), 5):
            c = image.pixelColor(x, y)
            total += 0.2126 * c.red() + 0.7152 * c.green() + 0.0722 * c.blue()
            n += 1
    return total / n


def grab(qtbot, frame):
    qtbot.wait(300)
    return frame.view.grab().toImage()


COLUMNS_JS = """JSON.stringify((function(){
  function box(word){var w=document.createTreeWalker(document.body,NodeFilter.SHOW_TEXT),n;
    while((n=w.nextNode())){if(n.nodeValue.indexOf(word)>=0){var r=n.parentElement.getBoundingClientRect();
      return [r.left,r.top,r.width,r.height];}} return null;}
  return {left:box('LEFTCOLUMN'), right:box('RIGHTCOLUMN'), width:innerWidth};})())"""


# --- widths --------------------------------------------------------------------------------------


def test_frames_have_exact_css_widths_and_columns_stack_on_mobile(qtbot, workspace):
    show(qtbot, workspace, build_document(two_column_doc()))
    assert [f.css_width for f in workspace.frames] == [375, 768, 1024]
    for frame in workspace.frames:
        assert js(frame, "innerWidth") == frame.css_width
        assert js(frame, "document.documentElement.clientWidth") == frame.css_width
        assert frame.view.width() == frame.css_width  # zoom 1: one CSS pixel per pixel

    mobile = json.loads(js(workspace.frame(375), COLUMNS_JS))
    tablet = json.loads(js(workspace.frame(768), COLUMNS_JS))
    # Phone: the right column sits below the left one, at the same x.
    assert abs(mobile["left"][0] - mobile["right"][0]) < 2
    assert mobile["right"][1] >= mobile["left"][1] + mobile["left"][3]
    # Tablet: side by side.
    assert tablet["right"][0] > tablet["left"][0] + 150
    assert abs(tablet["right"][1] - tablet["left"][1]) < 2


def test_zoom_to_fit_keeps_css_widths_exact(qtbot, workspace):
    show(qtbot, workspace, build_document(two_column_doc()))
    workspace.resize(1000, 800)
    workspace.fit_box.setChecked(True)
    qtbot.wait(300)
    total = sum(f.view.width() for f in workspace.frames)
    assert total < 375 + 768 + 1024, "zoom to fit makes the frames smaller"
    assert total <= workspace.scroll.viewport().width()
    for frame in workspace.frames:
        assert frame.view.zoomFactor() < 1.0
        qtbot.waitUntil(lambda f=frame: js(f, "innerWidth") == f.css_width, timeout=5000)
    mobile = json.loads(js(workspace.frame(375), COLUMNS_JS))
    assert abs(mobile["left"][0] - mobile["right"][0]) < 2, "still the phone layout"
    workspace.fit_box.setChecked(False)
    qtbot.wait(100)
    assert [f.view.width() for f in workspace.frames] == [375, 768, 1024]


def test_add_and_remove_custom_widths(qtbot, workspace):
    show(qtbot, workspace, build_document(two_column_doc()))
    rerender(qtbot, workspace, lambda: workspace.add_frame(500))
    frame = workspace.frame(500)
    assert frame is not None and js(frame, "innerWidth") == 500
    frame.remove_button.click()
    qtbot.wait(50)
    assert workspace.frame(500) is None
    assert [f.css_width for f in workspace.frames] == [375, 768, 1024]


def test_inbox_row_shows_sender_subject_and_preheader(qtbot, workspace):
    from mailwright.app.recipients import load_recipients

    show(qtbot, workspace, build_document(two_column_doc()))
    rows = load_recipients(EXAMPLES / "recipients.csv")
    rerender(qtbot, workspace, lambda: workspace.state.set_recipient(rows.row(1), "row 1"))
    inbox = workspace.frame(375).inbox
    assert inbox.subject == "Hello Zoë"
    assert inbox.preheader == "Your plan: pro"
    assert inbox.sender == "Your Company"


# --- dark mode and images off ---------------------------------------------------------------------


def test_forced_dark_is_darker_for_an_email_without_dark_styles(qtbot, workspace):
    show(qtbot, workspace, build_file(EXAMPLES / "welcome.mwt"))
    frame = workspace.frame(375)
    light = luminance(grab(qtbot, frame))
    rerender(qtbot, workspace, lambda: frame.set_variant("forced", True))
    forced = luminance(grab(qtbot, frame))
    assert forced < light - 80, (light, forced)
    # The honouring client leaves an email without dark styles as it is.
    rerender(qtbot, workspace, lambda: frame.set_variant("dark", True))
    honoured = luminance(grab(qtbot, frame))
    assert abs(honoured - light) < 10, (light, honoured)


def test_prefers_color_scheme_variant_applies_the_emails_dark_styles(qtbot, workspace):
    show(qtbot, workspace, build_mjml_text(DARK_MJML))
    frame = workspace.frame(375)
    light = luminance(grab(qtbot, frame))
    assert light > 200
    rerender(qtbot, workspace, lambda: workspace.set_scheme("dark"))
    assert all(f.scheme == "dark" for f in workspace.frames)
    dark = luminance(grab(qtbot, frame))
    assert dark < light - 120, (light, dark)
    assert js(frame, "matchMedia('(prefers-color-scheme: dark)').matches") is False  # the HTML was rewritten
    assert js(frame, "getComputedStyle(document.documentElement).colorScheme") == "dark"


def test_light_and_dark_side_by_side(qtbot, workspace):
    show(qtbot, workspace, build_document(two_column_doc()))
    rerender(qtbot, workspace, lambda: workspace.side_by_side.setChecked(True))
    # No dark styles of its own: the dark twin is the forced inversion phone apps apply.
    assert [(f.css_width, f.scheme) for f in workspace.frames] == [
        (375, "light"),
        (375, "forced"),
        (768, "light"),
        (768, "forced"),
        (1024, "light"),
        (1024, "forced"),
    ]
    rerender(qtbot, workspace, lambda: workspace.set_scheme("dark"))
    assert [f.scheme for f in workspace.frames] == ["light", "dark"] * 3
    # An email with dark styles gets the honouring client as its twin.
    rerender(qtbot, workspace, lambda: workspace.state.set_result(build_mjml_text(DARK_MJML)))
    rerender(qtbot, workspace, lambda: workspace.set_scheme("light"))
    assert [f.scheme for f in workspace.frames] == ["light", "dark"] * 3


def test_images_off_shows_alt_text_in_a_box(qtbot, workspace):
    show(qtbot, workspace, build_document(two_column_doc()))
    frame = workspace.frame(375)
    assert js(frame, "document.images.length") >= 1
    before = grab(qtbot, frame)
    rerender(qtbot, workspace, lambda: workspace.set_images(False))
    assert js(frame, "document.images.length") == 0
    assert "ALTTEXTHERE" in body_text(frame)
    assert js(frame, "document.querySelectorAll('.mw-alt').length") >= 1
    after = grab(qtbot, frame)
    assert before != after


def test_remote_images_toggle_warns_and_allows_only_https_images(qtbot, workspace):
    show(qtbot, workspace, build_document(two_column_doc()))
    assert workspace.remote_note.isHidden()
    rerender(qtbot, workspace, lambda: workspace.set_remote_images(True))
    assert workspace.remote_note.isVisible()
    assert "IP address" in workspace.remote_note.text()
    frame = workspace.frame(375)
    assert frame.view.interceptor.allow_remote_images is True
    rerender(qtbot, workspace, lambda: workspace.set_remote_images(False))
    assert frame.view.interceptor.allow_remote_images is False


# --- hardening -------------------------------------------------------------------------------------


def test_previews_send_no_request_and_do_not_navigate(qtbot, workspace, monkeypatch):
    from PySide6.QtCore import QUrl
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    with Spy() as spy:
        result = build_mjml_text(hostile_mjml(spy.base))
        assert spy.base in result.html
        show(qtbot, workspace, result)
        workspace.side_by_side.setChecked(True)  # light, dark and forced frames
        rerender(qtbot, workspace, lambda: workspace.set_scheme("forced"))
        rerender(qtbot, workspace, lambda: workspace.set_remote_images(True))  # https only: http stays out
        frame = workspace.frame(375)
        url_before = frame.view.url().toString()
        js(frame, "document.getElementById('jslink').click(); 1")
        qtbot.wait(1500)  # time for the meta refresh (0 s) and anything else to fire
        assert frame.view.url().toString() == url_before
        assert frame.view.url().scheme() == "mwemail"
        assert "PWNED" not in body_text(frame)
        assert "Spy text" in body_text(frame)
        assert spy.requests == []

        # Control: an unhardened view of the same HTML does reach the spy, so the test can fail.
        from PySide6.QtWebEngineWidgets import QWebEngineView

        plain = QWebEngineView()
        qtbot.addWidget(plain)
        with qtbot.waitSignal(plain.loadFinished, timeout=LOAD_TIMEOUT):
            plain.setHtml(result.html, QUrl(spy.base + "/"))
        qtbot.waitUntil(lambda: len(spy.requests) > 0, timeout=5000)
        plain.setHtml("<p>done</p>")
        qtbot.wait(100)
        plain.page().deleteLater()


MAGENTA = "#ff00ff"


def painted(qtbot, frame, looks_right, timeout_ms: int = 30_000):
    """The frame's grab once `looks_right(image)` holds: Chromium paints when it can, later on
    a busy computer, so one grab on a timer can catch it blank (1 run in 3 under load)."""
    shot: list = []

    def check() -> None:
        image = frame.view.grab().toImage()
        assert looks_right(image)
        shot.append(image)

    qtbot.waitUntil(check, timeout=timeout_ms)
    return shot[-1]


def test_an_email_over_2_mb_renders(qtbot, workspace):
    para = "<p>" + ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 20) + "</p>"
    sections = "".join(
        f"<mj-section><mj-column><mj-text>Section {i} {para * 5}</mj-text></mj-column></mj-section>" for i in range(420)
    )
    result = build_mjml_text(
        f"<mjml><mj-body>{sections}<mj-section><mj-column><mj-text>THE END</mj-text>"
        '</mj-column></mj-section><mj-section padding="0" background-color="#ff00ff"><mj-column>'
        '<mj-spacer height="200px"></mj-spacer></mj-column></mj-section></mj-body></mjml>'
    )
    assert result.html_bytes > 2 * 1024 * 1024
    with busy_cores(per_core=2):
        show(qtbot, workspace, result)
        frame = workspace.frame(375)
        assert js(frame, "document.body.innerText.indexOf('THE END') >= 0") is True
        assert js(frame, "document.documentElement.scrollHeight") > 100_000

        def text_on_top(image) -> bool:
            return (
                len({image.pixelColor(x, y).name() for x in range(0, image.width(), 9) for y in range(0, 400, 9)}) > 2
            )

        painted(qtbot, frame, text_on_top)
        # Scrolled to its end, the frame shows the magenta block that closes the email.
        js(frame, "window.scrollTo(0, document.documentElement.scrollHeight)")

        def block_at_bottom(image) -> bool:
            w, h = image.width(), image.height()
            return all(
                image.pixelColor(x, y).name() == MAGENTA
                for x in range(w // 10, w - w // 10, 7)
                for y in range(h - 12, h - 2, 3)
            )

        painted(qtbot, frame, block_at_bottom)


# --- recipients -------------------------------------------------------------------------------------


def _json_recipients(tmp_path: Path, n: int) -> Path:
    rows = []
    for i in range(1, n + 1):
        row = {"email": f"person{i}@example.com", "firstname": f"Name{i}", "plan": "pro"}
        if i % 7 == 0:
            del row["plan"]
        if i % 11 == 0:
            del row["firstname"]
        rows.append(row)
    path = tmp_path / "people.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    return path


@pytest.fixture()
def panel(qtbot, workspace):
    from mailwright.widgets.recipients_panel import RecipientsPanel

    p = RecipientsPanel(state=workspace.state)
    qtbot.addWidget(p)
    p.resize(900, 300)
    p.show()
    yield p
    p.shutdown()


def test_switching_recipients_updates_previews_and_missing_fields(qtbot, workspace, panel, tmp_path):
    show(qtbot, workspace, build_document(two_column_doc()))
    assert "firstname" in body_text(workspace.frame(375))  # nobody chosen: the field is marked
    rerender(qtbot, workspace, lambda: panel.load(EXAMPLES / "recipients.csv"))
    assert panel.current == 1
    for frame in workspace.frames:
        assert "Hi Zoë" in body_text(frame)
    assert "Zoë" in workspace.frame(375).inbox.subject
    assert panel.missing_fields() == ()
    assert "every field" in panel.missing_label.text()

    rerender(qtbot, workspace, panel.next_button.click)
    assert panel.current == 2
    assert "Hi José" in body_text(workspace.frame(768))
    rerender(qtbot, workspace, panel.prev_button.click)
    assert "Hi Zoë" in body_text(workspace.frame(1024))

    # A row that lacks fields: listed in the panel and marked in the preview only.
    rerender(qtbot, workspace, lambda: panel.load(_json_recipients(tmp_path, 30)))
    rerender(qtbot, workspace, lambda: panel.set_row(22))  # lacks firstname (22 = 2 x 11)
    assert panel.missing_fields() == ("data:firstname",)
    assert "data:firstname" in panel.missing_label.text()
    frame = workspace.frame(375)
    assert js(frame, "document.querySelectorAll('mark.mw-missing').length") >= 1
    assert "data:firstname" in workspace.recipients.missing.text()  # the preview's own missing-field list
    assert "mw-missing" not in workspace.state.result.html  # exports never carry the mark
    rerender(qtbot, workspace, lambda: panel.set_row(21))  # lacks plan (21 = 3 x 7)
    assert panel.missing_fields() == ("data:plan",)
    assert "Hi Name21" in body_text(frame)


def test_check_all_recipients_lists_rows_with_missing_fields(qtbot, workspace, panel, tmp_path):
    show(qtbot, workspace, build_document(two_column_doc()))
    n = 2000
    panel.load(_json_recipients(tmp_path, n))
    with qtbot.waitSignal(panel.checkFinished, timeout=60_000) as blocker:
        assert panel.check_all()
    problems = blocker.args[0]
    expected = [i for i in range(1, n + 1) if i % 7 == 0 or i % 11 == 0]
    assert [p.row for p in problems] == expected
    by_row = {p.row: p for p in problems}
    assert by_row[77].missing == ("data:firstname", "data:plan") or set(by_row[77].missing) == {
        "data:firstname",
        "data:plan",
    }
    assert by_row[7].missing == ("data:plan",)
    assert panel.problem_list.count() == len(expected)
    assert f"{n} recipients checked" in panel.check_label.text()
    assert panel.progress.isHidden()
    # Choosing a listed row makes it the recipient.
    item = panel.problem_list.item(0)
    panel._problem_chosen(item)
    assert panel.current == 7


def test_check_all_recipients_is_fast(qtbot, workspace):
    """Compile once, render per row: 10,000 recipients in a few seconds."""
    import time

    from mailwright.app.build.personalise import CompiledEmail
    from mailwright.widgets.recipients_panel import check_rows

    compiled = CompiledEmail(build_file(EXAMPLES / "welcome.mwt"))
    rows = [{"firstname": f"N{i}", "email": f"p{i}@example.com"} for i in range(10_000)]
    start = time.perf_counter()
    problems, checked = check_rows(compiled, rows)
    seconds = time.perf_counter() - start
    assert checked == 10_000 and problems == []
    assert seconds < 15, f"{seconds:.1f} s for 10,000 rows"


# --- code view ------------------------------------------------------------------------------------


def test_code_view_highlights_searches_and_copies(qtbot, workspace):
    from PySide6.QtWidgets import QApplication

    result = build_document(two_column_doc())
    show(qtbot, workspace, result)
    workspace.show_code()
    code = workspace.code
    assert workspace.tabs.currentWidget() is code
    code.show_tab("mjml")
    assert "<mj-section" in code.current().edit.toPlainText()
    code.show_tab("html")
    text = code.current().edit.toPlainText()
    assert "LEFTCOLUMN" in text and text.count("\n") > 20, "minified HTML is broken into lines"
    # Highlighting: a tag and a merge tag get their formats.
    doc = code.current().edit.document()
    block = doc.findBlock(text.index("<< data:firstname >>"))
    formats = block.layout().formats()
    assert any(f.format.fontWeight() >= 700 for f in formats), "merge tags are bold"
    # Search
    code.search.setText("column")
    assert code.matches.text() == "2 matches" or code.matches.text().endswith("matches")
    assert code.find_next()
    first = code.current().edit.textCursor().position()
    assert code.find_next()
    assert code.current().edit.textCursor().position() != first
    assert code.find_previous()
    code.search.setText("no-such-thing-anywhere")
    assert not code.find_next()
    assert code.matches.text() == "no match"
    # Copy gives the exact built HTML, not the reflowed display text.
    assert code.copy() == result.html
    assert QApplication.clipboard().text() == result.html


# --- the editor's Ctrl+P ----------------------------------------------------------------------------


def test_main_window_preview_and_recipients_dock(qtbot, tmp_path):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QDockWidget

    from mailwright.widgets import preview, recipients_panel
    from mailwright.widgets.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(in_process_compile=True, settings=settings)
    qtbot.addWidget(window)
    assert window.open_path(EXAMPLES / "welcome.mwt")
    panel = recipients_panel.install(window)  # MainWindow may have installed it already:
    assert recipients_panel.install(window) is panel  # installing twice changes nothing
    preview.install(window)
    preview.install(window)
    assert window.findChild(QDockWidget, "dock-recipients").widget() is panel
    assert len([a for a in window.actions() if a.objectName() == "code-view"]) == 1
    window.show()
    workspace = preview.open_preview(window)
    workspace._no_confirm = True
    qtbot.waitUntil(lambda: workspace.state.compiled is not None, timeout=LOAD_TIMEOUT)
    qtbot.waitUntil(lambda: "Hi there" in body_text(workspace.frame(375), 2000), timeout=LOAD_TIMEOUT)
    panel.load(EXAMPLES / "recipients.csv")
    qtbot.waitUntil(lambda: "Hi Zoë" in body_text(workspace.frame(375), 2000), timeout=LOAD_TIMEOUT)
    # An edit to the document reaches the previews (export build, personalised).
    from mailwright.app.document.commands import SetDocField

    window.push(SetDocField("subject", "Edited for << data:firstname >>"))
    qtbot.waitUntil(lambda: workspace.frame(375).inbox.subject == "Edited for Zoë", timeout=LOAD_TIMEOUT)
    assert "mw-id-" not in workspace.frame(375).html, "previews use the export build, not the design one"
    workspace.close()
    window.session.history.mark_saved()
    window.close()


def test_a_re_render_keeps_the_scroll_position(qtbot, workspace):
    show(qtbot, workspace, build_file(EXAMPLES / "welcome.mwt"))
    workspace.fit_box.setChecked(True)
    qtbot.wait(200)
    frame = workspace.frame(375)
    js(frame, "window.scrollTo(0, 300); 1")
    qtbot.waitUntil(lambda: frame.view.page().scrollPosition().y() > 0, timeout=5000)
    assert abs(js(frame, "window.scrollY") - 300) < 3
    rerender(qtbot, workspace, lambda: workspace.state.set_recipient({"firstname": "Ann"}, "Ann"))
    qtbot.waitUntil(lambda: abs((js(frame, "window.scrollY") or 0) - 300) < 3, timeout=5000)
    assert "Hi Ann" in body_text(frame)
