"""bad-inputs.md rows 7-10 and issue 8 point 6: an email that references a loopback spy server
(and local files) in every way an email can is built, checked, imported, exported, personalised,
made into a message and turned into preview HTML, and the spy hears nothing and no file is read.

The canvas and the preview windows are covered in test_gui.py (and tests/gui/test_preview.py).
"""

from __future__ import annotations

import json
import resource
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from mailwright.app.checks import check_document, check_file, check_mjml_text
from mailwright.app.document.model import Document
from mailwright.app.export import export_bundle
from mailwright.app.build.inline import inline_css
from mailwright.app.build.personalise import CompiledEmail, export_for_esp
from mailwright.app.build.pipeline import build_document, build_file, build_mjml_text, compile_mjml
from mailwright.app.build.preview_html import SCHEMES, preview_html
from mailwright.app.send.sending import build_message
from mailwright.app.document.storage import save_document
from tests.support.spy import Spy


def hostile_html(base: str) -> str:
    """Every channel an HTML email has to reach a server or a file."""
    return f"""<link rel="stylesheet" href="{base}/link.css">
<link rel="icon" href="{base}/favicon.ico"><link rel="shortcut icon" href="{base}/favicon2.ico">
<link rel="preload" as="image" href="{base}/preload.png"><link rel="prefetch" href="{base}/prefetch">
<link rel="stylesheet" href="/etc/passwd"><link rel="stylesheet" href="secret.css">
<link rel="stylesheet" href="file:///dev/zero">
<meta http-equiv="refresh" content="0;url={base}/refresh">
<style>@import url({base}/import.css); @import url(file:///dev/zero); @import "{base}/import2.css";
  @font-face {{ font-family: Spy; src: url({base}/font.woff); }}
  .hero {{ background-image: url({base}/css-bg.png); font-family: Spy; }}</style>
<div class="hero" style="background:url({base}/inline-bg.png)" background="{base}/attr-bg.png">
  <p>Spy text</p>
  <img src="{base}/pixel.gif" width="1" height="1" alt="">
  <img src="x" onerror="fetch('{base}/onerror')" alt="broken">
  <img srcset="{base}/srcset.png 2x" src="{base}/img.png" alt="Spy image" width="200">
  <picture><source srcset="{base}/source.webp"><img src="{base}/picture.png" alt="p" width="10"></picture>
  <video poster="{base}/poster.png"></video><audio src="{base}/audio.mp3"></audio>
  <iframe src="{base}/iframe"></iframe><object data="{base}/object"></object><embed src="{base}/embed">
  <script src="{base}/script.js"></script><script>fetch("{base}/inline-script");</script>
  <form action="{base}/form" method="post"><input name="q" value="x"></form>
  <a href="{base}/link" target="_blank">a link</a> <a href="javascript:fetch('{base}/js')">js</a>
  <table background="{base}/table-bg.png"><tr><td background="{base}/td-bg.png">cell</td></tr></table>
</div>"""


def hostile_source(base: str) -> str:
    return f"""<mjml>
  <mj-head>
    <mj-font name="Spy" href="{base}/mj-font.css" />
    <mj-raw><link rel="icon" href="{base}/favicon.ico"><meta http-equiv="refresh" content="0;url={base}/refresh"></mj-raw>
    <mj-style>@import url({base}/import.css); .hero {{ background-image: url({base}/css-bg.png); }}</mj-style>
    <mj-style inline="inline">@import url({base}/inline-import.css); @import url(file:///dev/zero); .x {{ color: red; }}</mj-style>
  </mj-head>
  <mj-body>
    <mj-section css-class="hero" background-url="{base}/section-bg.png">
      <mj-column>
        <mj-image src="{base}/img.png" alt="Spy image" width="200px"></mj-image>
        <mj-text css-class="x">Spy text <a href="{base}/link">link</a></mj-text>
        <mj-raw>{hostile_html(base)}</mj-raw>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""


def hostile_document(base: str) -> Document:
    return Document.model_validate(
        {
            "subject": "Spy << data:firstname >>",
            "preheader": "Spy preheader",
            "settings": {
                "inline_css": f"@import url({base}/settings-import.css); .x {{ color: red; }}",
                "head_mjml": f'<mj-font name="Spy" href="{base}/settings-font.css" />',
            },
            "rows": [
                {
                    "id": "r1",
                    "props": {"background_image": f"{base}/row-bg.png"},
                    "columns": [
                        {
                            "id": "c1",
                            "blocks": [
                                {"id": "b1", "type": "html", "props": {"html": hostile_html(base)}},
                                {
                                    "id": "b2",
                                    "type": "image",
                                    "props": {
                                        "src": f"{base}/image-block.png",
                                        "alt": "Spy",
                                        "width": 200,
                                        "href": f"{base}/image-link",
                                    },
                                },
                                {
                                    "id": "b3",
                                    "type": "text",
                                    "props": {
                                        "html": f'<p>Hi << data:firstname >> <a href="{base}/text-link">link</a></p>'
                                    },
                                },
                                {"id": "b4", "type": "button", "props": {"label": "Go", "href": f"{base}/button"}},
                            ],
                        }
                    ],
                },
            ],
        }
    )


# --- a file-open spy: an audit hook sees every open(), whoever calls it ---------------------------

_opened: list[str] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _opened is not None and event == "open" and args and isinstance(args[0], (str, bytes, Path)):
        _opened.append(str(args[0]))


sys.addaudithook(_audit)


class FileSpy:
    def __enter__(self) -> list[str]:
        global _opened
        _opened = []
        return _opened

    def __exit__(self, *exc: Any) -> None:
        global _opened
        _opened = None


def forbidden_reads(opened: list[str]) -> list[str]:
    return [p for p in opened if "passwd" in p or "secret" in p or p.startswith("/dev/")]


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    (tmp_path / "secret.css").write_text(".x { color: #00ff00; }", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # a relative "secret.css" would be read from here
    return tmp_path


def test_issue8_no_path_of_the_app_reaches_the_network_or_reads_files(workdir):
    with Spy() as spy, FileSpy() as opened:
        base = spy.base
        doc = hostile_document(base)
        source = hostile_source(base)
        mwt, mjml_file, html_file = workdir / "spy.mwt", workdir / "spy.mjml", workdir / "spy.html"
        save_document(doc, mwt)
        mjml_file.write_text(source, encoding="utf-8")
        html_file.write_text(
            f"<html><head><title>Spy</title>{hostile_html(base)}</head><body>{hostile_html(base)}</body></html>",
            encoding="utf-8",
        )
        opened.clear()  # what we wrote ourselves

        results = [
            build_document(doc, source="spy.mwt"),
            build_document(doc, source="spy.mwt", design=True),
            build_mjml_text(source, source="spy.mjml"),
            build_file(mwt),
            build_file(mjml_file),
        ]
        check_document(doc, source="spy.mwt")
        check_mjml_text(source, source="spy.mjml")
        check_file(mwt)
        importer = pytest.importorskip("mailwright.app.importer")
        imported = [importer.import_file(mjml_file), importer.import_file(html_file)]
        results += [build_document(d, source="imported.mwt") for d in imported]
        for i, src in enumerate((mwt, mjml_file)):
            export_bundle(src, workdir / f"bundle{i}.zip", esp="mailchimp" if i else None, utm={"source": "spy"})
        for result in results:
            email = CompiledEmail(result)
            personal = email.render({"firstname": "Ann"})
            build_message(personal, from_addr="a@example.com", to="b@example.com", folder=workdir)
            export_for_esp(result, "sendgrid")
            for scheme in SCHEMES:
                for images in (True, False):
                    preview_html(personal.html, scheme, images=images)
        time.sleep(0.2)  # let a request that was sent arrive before looking
        requests = spy.requests
        reads = forbidden_reads(list(opened))
    assert requests == [], f"the spy heard: {requests}"
    assert reads == [], f"files were read: {reads}"
    # The spy's address is still in the email (links and images are the user's), so the test
    # exercised every channel: nothing was stripped before it could have been fetched.
    assert f"{base}/pixel.gif" in results[0].html and f"{base}/img.png" in results[2].html
    with zipfile.ZipFile(workdir / "bundle0.zip") as zf:
        assert "root:" not in zf.read("email.html").decode()


# --- row 7: <link rel=stylesheet> in pasted HTML --------------------------------------------------


def test_row07_a_pasted_stylesheet_link_is_not_fetched_by_the_inliner():
    with Spy() as spy:
        html = (
            f'<link rel="stylesheet" href="{spy.base}/x.css"><style>.x {{ color: red; }}</style><p class="x">Styled</p>'
        )
        result = build_document(
            Document.model_validate(
                {
                    "rows": [
                        {
                            "id": "r1",
                            "columns": [
                                {"id": "c1", "blocks": [{"id": "b1", "type": "html", "props": {"html": html}}]}
                            ],
                        }
                    ]
                }
            ),
            source="paste.mwt",
        )
        time.sleep(0.1)
        assert spy.requests == []
    assert "color:red" in result.html.replace(" ", "")


# --- row 8: @import of a server and of /dev/zero --------------------------------------------------


def test_row08_imports_fetch_nothing_use_no_memory_and_finish_within_a_second():
    with Spy() as spy:
        style = f"<style>@import url({spy.base}/a.css); @import url(file:///dev/zero); .x {{ color: red; }}</style>"
        compiled = compile_mjml(f'<mjml><mj-body><mj-raw>{style}<p class="x">X</p></mj-raw></mj-body></mjml>')
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        times = []
        for _ in range(3):
            start = time.monotonic()
            inlined = inline_css(compiled, f"@import url({spy.base}/b.css); @import 'file:///dev/zero';")
            times.append(time.monotonic() - start)
        grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        time.sleep(0.1)
        assert spy.requests == []
    assert min(times) < 1.0, times
    assert grown_kb < 100 * 1024, f"peak memory grew by {grown_kb // 1024} MB"
    assert "@import" not in inlined and "color:red" in inlined.replace(" ", "")


# --- row 9: links to local files ------------------------------------------------------------------


@pytest.mark.parametrize("href", ["/etc/passwd", "secret.css", "file:///etc/passwd", "../secret.css"])
def test_row09_local_stylesheets_are_never_read(workdir, href):
    (workdir / "sub").mkdir()
    html = f'<link rel="stylesheet" href="{href}"><style>.y {{ font-weight: bold; }}</style><p class="y">Y</p>'
    doc = Document.model_validate(
        {
            "rows": [
                {
                    "id": "r1",
                    "columns": [{"id": "c1", "blocks": [{"id": "b1", "type": "html", "props": {"html": html}}]}],
                }
            ]
        }
    )
    with FileSpy() as opened:
        result = build_document(doc, source="local.mwt")
        check_document(doc, source="local.mwt")
        reads = forbidden_reads(list(opened))
    assert reads == []
    assert "root:" not in result.html and "#00ff00" not in result.html
    assert "font-weight:bold" in result.html.replace(" ", "")


# --- row 10: tracking pixels and backgrounds in what the user can export ---------------------------


def test_row10_export_and_preview_html_keep_remote_references_without_fetching(workdir):
    with Spy() as spy:
        src = workdir / "pixel.mwt"
        save_document(hostile_document(spy.base), src)
        report = export_bundle(src, workdir / "pixel.zip")
        with zipfile.ZipFile(report.path) as zf:
            manifest = json.loads(zf.read("manifest.json"))
            html = zf.read("email.html").decode()
        time.sleep(0.1)
        assert spy.requests == []
    assert manifest["images"] == {}  # nothing remote was downloaded into the bundle
    assert f"{spy.base}/pixel.gif" in html
    off = preview_html(html, "light", images=False)
    # Images off: the pixel and CSS backgrounds are no longer loadable (the address stays as a tooltip).
    assert f'src="{spy.base}/pixel.gif"' not in off and f"url({spy.base}/css-bg.png)" not in off
