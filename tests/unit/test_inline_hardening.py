"""The CSS inliner never touches the network or the file system, never truncates, never hangs
(reference/hardening.md §3.1), and keeps what MJML's responsive output needs."""

from __future__ import annotations

import http.server
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from mailwright.app.document.model import Document
from mailwright.app.build.inline import inline_css
from mailwright.app.build.pipeline import BuildResult, build_document, build_mjml_text, compile_mjml
from mailwright.app.build.mjml_render import document_to_mjml

MAX_SECONDS = 5.0


# --- a loopback spy: records every request, serves CSS that would be visible if inlined ----


class _Spy(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        body = b".x, .y, p, div { color: #00ff00 !important; background: url(spy.png); }"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_HEAD = do_GET

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def spy() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Spy)
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _port(server: http.server.ThreadingHTTPServer) -> int:
    return server.server_address[1]


# --- file-open spy (audit hook: sees every open(), whoever calls it) ----------------------

_opened: list[str] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _opened is not None and event == "open" and args and isinstance(args[0], (str, bytes, Path)):
        _opened.append(str(args[0]))


sys.addaudithook(_audit)


class _FileSpy:
    def __enter__(self) -> list[str]:
        global _opened
        _opened = []
        return _opened

    def __exit__(self, *exc: Any) -> None:
        global _opened
        _opened = None


# --- builders ----------------------------------------------------------------------------------


def _html_doc(html: str, **settings: Any) -> Document:
    return Document.model_validate(
        {
            "subject": "Hardening",
            "settings": settings,
            "rows": [
                {
                    "id": "r1",
                    "columns": [
                        {
                            "id": "c1",
                            "blocks": [
                                {"id": "b1", "type": "html", "props": {"html": html}},
                                {"id": "b2", "type": "text", "props": {"html": "<p>Body text</p>"}},
                            ],
                        }
                    ],
                }
            ],
        }
    )


def _timed(fn: Any, *args: Any) -> BuildResult:
    start = time.monotonic()
    result = fn(*args)
    elapsed = time.monotonic() - start
    assert elapsed < MAX_SECONDS, f"the build took {elapsed:.1f} s (something was fetched or hung)"
    return result


def _style_of(html: str, cls: str) -> str:
    """The style attribute of the first element with class `cls`."""
    m = re.search(r'<[a-z0-9]+\b[^>]*\bclass="(?:[^"]*\s)?' + re.escape(cls) + r'(?:\s[^"]*)?"[^>]*>', html)
    assert m, f"no element with class {cls!r}"
    style = re.search(r'\bstyle="([^"]*)"', m.group(0))
    return style.group(1) if style else ""


def _assert_common(html: str) -> None:
    assert html.startswith("<!doctype html>"), html[:60]
    assert "data-premailer" not in html
    assert "#00ff00" not in html, "CSS from the spy server was inlined"


# --- network ------------------------------------------------------------------------------------


def test_raw_html_link_and_imports_fetch_nothing(spy: http.server.ThreadingHTTPServer) -> None:
    port = _port(spy)
    raw = (
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">'
        f"<style>@import url(http://127.0.0.1:{port}/a.css); @import url(file:///dev/zero); "
        ".x{color:red}</style>"
        '<p class="x">Styled by a rule</p>'
    )
    result = _timed(build_document, _html_doc(raw))
    assert spy.requests == []  # type: ignore[attr-defined]
    html = result.html
    _assert_common(html)
    assert re.search(r"color:\s*red", _style_of(html, "x")), "the .x rule was not inlined"
    assert "@import" not in html


def test_imports_in_document_inline_css_fetch_nothing(spy: http.server.ThreadingHTTPServer) -> None:
    port = _port(spy)
    doc = _html_doc(
        '<p class="x">X</p>',
        inline_css=f"@import url(http://127.0.0.1:{port}/s.css); @import 'file:///dev/zero'; .x {{ color: #ff0000; }}",
    )
    result = _timed(build_document, doc)
    assert spy.requests == []  # type: ignore[attr-defined]
    _assert_common(result.html)
    assert re.search(r"color:\s*(#ff0000|#f00|red)", _style_of(result.html, "x"))


def test_mjml_source_raw_and_inline_style_fetch_nothing(spy: http.server.ThreadingHTTPServer) -> None:
    port = _port(spy)
    source = f"""<mjml>
  <mj-head>
    <mj-style inline="inline">@import url(http://127.0.0.1:{port}/b.css); .y {{ color: #ff0000; }}</mj-style>
  </mj-head>
  <mj-body>
    <mj-raw><link rel="stylesheet" href="http://127.0.0.1:{port}/x.css"><style>@import url(http://127.0.0.1:{port}/a.css); @import url(file:///dev/zero); .x{{color:red}}</style></mj-raw>
    <mj-section><mj-column>
      <mj-text css-class="y">Inline style rule</mj-text>
      <mj-text><p class="x">Raw style rule</p><p class="y">Both</p></mj-text>
    </mj-column></mj-section>
  </mj-body>
</mjml>
"""
    result = _timed(build_mjml_text, source)
    assert spy.requests == []  # type: ignore[attr-defined]
    html = result.html
    _assert_common(html)
    assert re.search(r"color:\s*red", _style_of(html, "x"))
    y = re.search(r'<p class="y"[^>]*>', html)
    assert y and re.search(r"color:\s*(#ff0000|#f00|red)", y.group(0)), "the .y rule was not inlined"
    # The only @import left is the web font node MJML links for the default Ubuntu family.
    assert re.findall(r"@import[^;]*", html) == [
        "@import url(https://fonts.googleapis.com/css?family=Ubuntu:300,400,500,700)"
    ]
    assert "@import" not in build_mjml_text(source, web_fonts=False).html


def test_cssutils_fetcher_is_disabled(spy: http.server.ThreadingHTTPServer) -> None:
    """Even an @import the stripping regex misses is never fetched by cssutils."""
    import cssutils

    inline_css("<!doctype html><html><head></head><body><p>x</p></body></html>", "p{color:red}")
    port = _port(spy)
    sheet = cssutils.parseString(f"@import url(http://127.0.0.1:{port}/direct.css); p {{ color: red; }}")
    assert len(sheet.cssRules) >= 1
    assert spy.requests == []  # type: ignore[attr-defined]


# --- file system ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        '<link href="/etc/passwd">',
        '<link rel="stylesheet" href="/etc/passwd">',
        "<link rel=stylesheet href=secret.css>",
        '<link rel=stylesheet href="secret.css">',
        '<link rel="stylesheet" href="file:///etc/passwd">',
    ],
)
def test_link_to_files_reads_nothing(link: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "secret.css").write_text(".x { color: #00ff00; }", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    raw = f'{link}<style>.x {{ font-weight: bold; }}</style><p class="x">Secret?</p>'
    with _FileSpy() as opened:
        result = _timed(build_document, _html_doc(raw))
    with _FileSpy() as control:  # the spy itself works
        (tmp_path / "secret.css").read_bytes()
    assert any("secret.css" in p for p in control)
    read = [p for p in opened if "passwd" in p or "secret" in p]
    assert read == [], f"files were opened while building: {read}"
    _assert_common(result.html)
    assert "root:" not in result.html
    assert "bold" in _style_of(result.html, "x")


# --- size ---------------------------------------------------------------------------------------


def test_12_mb_data_uri_is_not_truncated() -> None:
    """A 12 MB data: URI is over libxml2's 10 MB node limit. The document model and the MJML
    input limit refuse such a prop before compiling, so the huge image goes into the compiled
    HTML of a raw-HTML block and the inliner gets that (what it would see if limits changed)."""
    doc = _html_doc(
        "<style>.marker { color: #123456; }</style>"
        '<img src="data:image/png;base64,PLACEHOLDER" alt="big">'
        '<p class="marker">MARKER-AFTER-IMAGE</p>'
    )
    out = document_to_mjml(doc)
    assert out.needs_inlining
    compiled = compile_mjml(out.mjml)
    payload = "A" * (12 * 1024 * 1024)
    html = compiled.replace("PLACEHOLDER", payload, 1)
    assert len(html) > 12 * 1024 * 1024

    start = time.monotonic()
    inlined = inline_css(html, out.inline_css)
    assert time.monotonic() - start < 30

    assert payload in inlined, "the data URI was truncated"
    assert "MARKER-AFTER-IMAGE" in inlined
    assert "#123456" in _style_of(inlined, "marker"), "the rule after the image was not inlined"
    assert inlined.rstrip().endswith("</html>")
    assert inlined.index(payload) < inlined.index("MARKER-AFTER-IMAGE") < inlined.index("</body>")
    _assert_common(inlined)


# --- what MJML's output needs ---------------------------------------------------------------


def test_responsive_media_queries_and_important_survive() -> None:
    doc = _html_doc(
        '<style>.x { color: #123456 !important; }</style><p class="x">X</p>', inline_css="p { margin: 0 !important; }"
    )
    two_columns = doc.model_dump(mode="json")
    two_columns["rows"][0]["columns"] = [
        {"id": "c1", "width": 50, "blocks": two_columns["rows"][0]["columns"][0]["blocks"]},
        {"id": "c2", "width": 50, "blocks": [{"id": "b3", "type": "heading", "props": {}}]},
    ]
    doc = Document.model_validate(two_columns)
    plain = compile_mjml(document_to_mjml(doc).mjml)
    html = build_document(doc).html
    _assert_common(html)
    head = html[: html.index("</head>")]
    assert "@media only screen and (min-width:480px)" in head
    assert ".mj-column-per-50 { width:50% !important; max-width:50%; }" in head
    assert "@media only screen and (max-width: 479px)" in head
    assert ".mw-hide-mobile { display: none !important;" in head
    # Every head <style> of the compiled HTML is still there, unchanged.
    for style in re.findall(r"<style\b[^>]*>.*?</style>", plain[: plain.index("</head>")], re.S):
        assert style in head, f"a head style changed while inlining: {style[:80]!r}"
    # !important is kept in inlined declarations too.
    assert re.search(r"color:\s*#123456\s*!important", _style_of(html, "x"))
    assert re.search(r"margin:\s*0\s*!important", html)


def test_doctype_and_no_premailer_markers() -> None:
    html = build_document(_html_doc("<style>p { color: #123456; }</style><p>X</p>")).html
    assert html.startswith("<!doctype html><html")
    assert html.count("<!doctype") == 1 and "<!DOCTYPE" not in html
    assert "data-premailer" not in html
    assert "mailwright-end" not in html
    assert re.search(r'<p style="[^"]*color:\s*#123456', html)


def test_inlining_runs_only_when_there_is_css() -> None:
    doc = _html_doc("<p>No style here</p>")
    assert not document_to_mjml(doc).needs_inlining
    assert document_to_mjml(_html_doc("<style>p{color:red}</style>")).needs_inlining
    assert document_to_mjml(_html_doc("<p>x</p>", inline_css="p{color:red}")).needs_inlining


def test_text_whose_lowercase_is_longer() -> None:
    """ "İ".lower() is two characters: offsets found in lowered text must not be used on the
    original (it put the end sentinel inside </body> and skipped raw-HTML normalisation)."""
    raw = "İ" * 40 + "<style>.x { color: #123456; }</style>" + '<p class="x" title=\'say "hi"\'>İstanbul</p>'
    doc = _html_doc(raw)
    doc = Document.model_validate({**doc.model_dump(mode="json"), "subject": "İndirim " * 10})
    html = build_document(doc).html
    _assert_common(html)
    assert html.endswith("</body></html>") and "&lt;/body" not in html
    assert "<title>İndirim İndirim" in html
    assert "title='say \"hi\"'" in html or 'title="say &quot;hi&quot;"' in html
    assert "#123456" in _style_of(html, "x")
    assert "@media only screen and (min-width:480px)" in html
