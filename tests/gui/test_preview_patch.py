"""After an edit the preview frames replace their content in place (EmailView.patch_email_html):
each frame shows the new email without a new page load, keeps its scroll position, and settles
(`pending` False, `rendered` emitted). Variant changes (scheme, images, remote images) still
load a new page, and the dark variants stay dark after a patch.

Frames are real hardened web views (offscreen); see test_preview.py for the helpers.
"""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")

from mailwright.app.build.pipeline import build_mjml_text  # noqa: E402

from . import test_preview  # noqa: E402
from .test_preview import DARK_MJML, body_text, grab, js, luminance, rerender, show  # noqa: E402

workspace = test_preview.workspace  # the fixture: a shown PreviewWorkspace on its own state

LIGHT_MJML = """<mjml><mj-body background-color="#ffffff"><mj-section background-color="#ffffff"><mj-column>
<mj-text font-size="24px" color="#111111">Headline WORD</mj-text>PARAGRAPHS
</mj-column></mj-section></mj-body></mjml>"""
# The same with the email's own dark styles (test_preview.py's DARK_MJML).
DARK_TALL_MJML = DARK_MJML.replace(
    "A light email with its own dark styles</mj-text>", "Headline WORD</mj-text>PARAGRAPHS"
)


def tall(word: str, mjml: str = LIGHT_MJML):
    """An email tall enough to scroll at every width, with `word` in every paragraph."""
    paragraphs = "".join(
        f'<mj-text color="#333333">Paragraph {i}: {word} and a few more words.</mj-text>' for i in range(40)
    )
    return build_mjml_text(mjml.replace("WORD", word).replace("PARAGRAPHS", paragraphs))


def three_frames(qtbot, ws, result) -> None:
    """375 light, 600 dark (prefers-color-scheme), 600 forced dark, showing `result`."""
    ws.reset_frames([(375, ""), (600, ""), (600, "")])
    for frame, scheme in zip(ws.frames, ("light", "dark", "forced")):
        frame.set_variant(scheme, True)
    show(qtbot, ws, result)


def page_loads(ws) -> list[int]:
    """Counts loadStarted per frame from now on (a patch starts no load)."""
    counts = [0] * len(ws.frames)
    for i, frame in enumerate(ws.frames):
        frame.view.loadStarted.connect(lambda i=i: counts.__setitem__(i, counts[i] + 1))
    return counts


def settled(ws) -> bool:
    return all(not f.pending and f.finished == f.requested for f in ws.frames)


def test_an_edit_patches_every_frame_in_place_and_keeps_its_scroll(qtbot, workspace):
    three_frames(qtbot, workspace, tall("BEFORE"))
    for frame in workspace.frames:
        js(frame, "window.scrollTo(0, 300); 1")
        qtbot.waitUntil(lambda f=frame: js(f, "window.scrollY") == 300, timeout=5000)
    urls = [f.view.url() for f in workspace.frames]
    ours = [f.loads for f in workspace.frames]
    started = page_loads(workspace)

    with qtbot.waitSignal(workspace.rendered, timeout=30_000):
        workspace.state.set_result(tall("AFTER"))
    assert settled(workspace), "pending is False once the new content is shown"
    for frame, url in zip(workspace.frames, urls):
        text = body_text(frame)
        assert "Headline AFTER" in text and "BEFORE" not in text, frame.scheme
        assert js(frame, "window.scrollY") == 300, frame.scheme
        assert frame.view.url() == url
        # The variant's rewrite rides in the head: its scheme rule (light and forced) came along, once.
        expected = 0 if frame.scheme == "dark" else 1  # no dark rule for an email that declares no dark
        assert frame.html.count('data-mw-preview="scheme"') == expected
        assert js(frame, "document.querySelectorAll('style[data-mw-preview=scheme]').length") == expected
    assert started == [0, 0, 0], "no new page: the content was replaced in place"
    assert [f.loads for f in workspace.frames] == ours
    assert all("AFTER" in f.html for f in workspace.frames)


def test_forced_dark_still_applies_after_a_patch(qtbot, workspace):
    from PySide6.QtWebEngineCore import QWebEngineSettings

    show(qtbot, workspace, tall("ONE"))
    frame = workspace.frame(375)
    light = luminance(grab(qtbot, frame))
    js(frame, "window.scrollTo(0, 200); 1")
    # A new page restores what the browser side last heard of the scroll (it hears it async).
    qtbot.waitUntil(lambda: frame.view.page().scrollPosition().y() > 0, timeout=5000)
    loads = frame.loads
    rerender(qtbot, workspace, lambda: workspace.set_scheme("forced"))
    assert frame.loads == loads + 1, "a scheme change loads a new page"
    assert js(frame, "window.scrollY") == 200, "and puts the reader back where they were"
    js(frame, "window.scrollTo(0, 0); 1")
    qtbot.waitUntil(lambda: js(frame, "window.scrollY") == 0, timeout=5000)
    forced = luminance(grab(qtbot, frame))
    assert forced < light - 80, (light, forced)

    started = page_loads(workspace)
    rerender(qtbot, workspace, lambda: workspace.state.set_result(tall("TWO")))
    assert started == [0, 0, 0] and settled(workspace)
    assert "Headline TWO" in body_text(frame)
    assert frame.view.page().settings().testAttribute(QWebEngineSettings.WebAttribute.ForceDarkMode)
    # Forced dark inverts when painting (computed colours stay those of the light email, which
    # preview_html pins to `color-scheme: light`): the pixels tell.
    assert js(frame, "getComputedStyle(document.documentElement).colorScheme") == "light"
    patched = luminance(grab(qtbot, frame))
    assert patched < light - 80, (light, patched)


def test_the_emails_own_dark_styles_survive_a_patch(qtbot, workspace):
    three_frames(qtbot, workspace, tall("FIRST", DARK_TALL_MJML))
    frame = workspace.frames[1]
    assert frame.scheme == "dark"
    background = "getComputedStyle(document.querySelector('.page')).backgroundColor"
    assert js(frame, background) == "rgb(16, 20, 24)"
    started = page_loads(workspace)
    rerender(qtbot, workspace, lambda: workspace.state.set_result(tall("SECOND", DARK_TALL_MJML)))
    assert started == [0, 0, 0] and settled(workspace)
    assert "SECOND" in body_text(frame)
    assert js(frame, background) == "rgb(16, 20, 24)"
    assert js(frame, "getComputedStyle(document.documentElement).colorScheme") == "dark"
    assert js(workspace.frames[0], background) == "rgb(255, 255, 255)", "the light frame stays light"


def test_images_off_loads_a_new_page_then_edits_patch(qtbot, workspace):
    from .test_preview import build_document, two_column_doc

    show(qtbot, workspace, build_document(two_column_doc()))
    frame = workspace.frame(375)
    loads = frame.loads
    rerender(qtbot, workspace, lambda: workspace.set_images(False))
    assert frame.loads == loads + 1
    assert js(frame, "document.images.length") == 0
    started = page_loads(workspace)
    doc = two_column_doc()
    doc.rows[1].columns[0].blocks[0].props.html = "<p>LEFTEDITED</p>"
    rerender(qtbot, workspace, lambda: workspace.state.set_result(build_document(doc)))
    assert started == [0, 0, 0] and settled(workspace)
    assert "LEFTEDITED" in body_text(frame)
    assert js(frame, "document.images.length") == 0, "still images off"
    assert "ALTTEXTHERE" in body_text(frame)


def test_requests_that_overlap_settle_on_the_latest(qtbot, workspace):
    """A patch then a load in one go, and two loads in one go: QtWebEngine reports one finish
    for a busy spell, and the frames still settle on the newest email."""
    show(qtbot, workspace, tall("ONE"))

    def patch_then_load() -> None:
        workspace.state.set_result(tall("TWO"))
        workspace.render_all()  # patches now (set_result renders on the next turn)
        workspace.set_images(False)  # a variant change: a new page right behind the patch

    rerender(qtbot, workspace, patch_then_load)
    qtbot.waitUntil(lambda: settled(workspace), timeout=5000)
    for frame in workspace.frames:
        assert "Headline TWO" in body_text(frame)

    def two_loads() -> None:
        workspace.state.set_result(tall("THREE"))
        workspace.set_images(True)  # a load...
        workspace.render_all()  # ...and another while it is in flight

    rerender(qtbot, workspace, two_loads)
    qtbot.waitUntil(lambda: settled(workspace), timeout=5000)
    for frame in workspace.frames:
        assert "Headline THREE" in body_text(frame)


def test_a_failed_patch_falls_back_to_a_load_and_settles(qtbot, workspace, monkeypatch):
    from mailwright.widgets import email_view

    show(qtbot, workspace, tall("ONE"))
    monkeypatch.setattr(email_view, "_PATCH_JS", "(function(h){throw new Error('no');})(%s)")
    started = page_loads(workspace)
    rerender(qtbot, workspace, lambda: workspace.state.set_result(tall("TWO")))
    qtbot.waitUntil(lambda: settled(workspace), timeout=5000)
    assert all(n >= 1 for n in started), "email_view loaded the page instead"
    for frame in workspace.frames:
        assert "Headline TWO" in body_text(frame)


def test_remote_images_toggle_makes_new_pages_that_edits_then_patch(qtbot, workspace):
    show(qtbot, workspace, tall("ONE"))
    frame = workspace.frame(375)
    old_page = frame.view.page()
    rerender(qtbot, workspace, lambda: workspace.set_remote_images(True))
    assert frame.view.page() is not old_page and settled(workspace)
    assert "Headline ONE" in body_text(frame)
    started = page_loads(workspace)
    rerender(qtbot, workspace, lambda: workspace.state.set_result(tall("TWO")))
    assert started == [0, 0, 0] and settled(workspace)
    assert "Headline TWO" in body_text(frame)
    assert frame.view.interceptor.allow_remote_images is True
