"""Public MJML nobody here wrote: the 51 fixtures of the MIT-licensed pure-Python `mjml` port.

Fetched from the package registry at test time (tests/support/public_corpus.py; skipped with the
reason when there is no network, read from tests/.cache/ afterwards). For every fixture:
Mailwright builds it, or refuses it with a message naming the file and line (never a crash);
no attribute of the build holds a literal `\\n`; importing it and building the document keeps
the visible text; and the visible text is the one the port's own expected HTML shows.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mailwright.app.importer import ImportFailed, import_report
from mailwright.app.build.pipeline import BuildError, build_document, build_file
from tests.support import public_corpus
from tests.support.fidelity import literal_breaks, style_agreement, visible_text

ROOT = Path(__file__).resolve().parents[2]

FIXTURES = (
    "button",
    "css-inlining",
    "custom-component",
    "hello-world",
    "html-entities",
    "html-without-closing-tag",
    "minimal",
    "missing-whitespace-before-tag",
    "mj-accordion",
    "mj-attributes-for-mj-body",
    "mj-attributes",
    "mj-body-with-background-color",
    "mj-breakpoint",
    "mj-button-with-width",
    "mj-carousel",
    "mj-column-with-attributes",
    "mj-column-with-fractional-width",
    "mj-font-multiple",
    "mj-font-unused",
    "mj-font",
    "mj-group",
    "mj-head-with-comment",
    "mj-hero-fixed",
    "mj-hero-fluid",
    "mj-html-attributes",
    "mj-image-with-empty-alt-attribute",
    "mj-image-with-href",
    "mj-include-body",
    "mj-navbar",
    "mj-preview",
    "mj-raw-head-with-tags",
    "mj-raw-head",
    "mj-raw-with-tags",
    "mj-raw",
    "mj-section-with-background-url",
    "mj-section-with-background",
    "mj-section-with-css-class",
    "mj-section-with-full-width",
    "mj-section-with-mj-class",
    "mj-social",
    "mj-spacer",
    "mj-style",
    "mj-table",
    "mj-text-escaped-html",
    "mj-text-with-tail-text",
    "mj-title",
    "mj-wrapper",
    "mjml-comment-merging",
    "mjml-dir-attribute",
    "mjml-lang-attribute",
    "text_with_html",
)
PARTIALS = ("_footer", "_header")  # what mj-include-body includes; not emails by themselves

# mjml-python (MRML) has no mj-html-attributes: the build is refused, clearly (checked below).
REFUSED = {"mj-html-attributes"}

IMPORT_XFAIL: dict[str, str] = {}  # mj-include-body imports since its partials are read from its folder
EXPECTED_XFAIL = {
    "mj-html-attributes": "mjml-python (MRML) does not know mj-html-attributes, so Mailwright refuses the file",
}
EXPECTED_SKIP = {
    "custom-component": "its expected HTML comes from a component the port's own tests register in Python",
}


def _params(names, xfail: dict[str, str], raises: type[Exception], skip: dict[str, str] | None = None):
    """One case per fixture; a known failure must fail with `raises` (strict: a fix shows)."""
    out = []
    for name in names:
        marks = []
        if name in xfail:
            marks.append(pytest.mark.xfail(strict=True, raises=raises, reason=xfail[name]))
        if skip and name in skip:
            marks.append(pytest.mark.skip(reason=skip[name]))
        out.append(pytest.param(name, marks=marks, id=name))
    return out


@pytest.fixture(scope="session")
def corpus() -> Path:
    try:
        return public_corpus.corpus_folder()
    except public_corpus.Unavailable as e:
        pytest.skip(f"public MJML corpus unavailable: {e}")


def _file(corpus: Path, name: str) -> Path:
    return corpus / f"{name}.mjml"


def test_the_registry_archive_holds_the_pinned_mit_licensed_fixtures(corpus):
    assert sorted(p.stem for p in corpus.glob("*.mjml")) == sorted(FIXTURES + PARTIALS)
    licence = (corpus / "LICENSE.txt").read_text(encoding="utf-8")
    assert licence.startswith("The MIT License")
    # Nothing but the fixtures came out of the archive (no Python the test runner could collect).
    assert {p.suffix for p in corpus.iterdir() if p.is_file() and p.name != ".complete"} == {".mjml", ".html", ".txt"}


@pytest.mark.parametrize("name", FIXTURES)
def test_builds_or_is_refused_naming_the_file(corpus, name):
    path = _file(corpus, name)
    try:
        html = build_file(path).html
    except BuildError as e:
        assert name in REFUSED, f"refused: {e}"
        assert re.match(re.escape(str(path)) + r":\d+:\d+: ", str(e)), str(e)
        return
    assert name not in REFUSED, "builds now: move it out of REFUSED and EXPECTED_XFAIL"
    assert "<body" in html
    assert literal_breaks(html) == 0


def test_the_cli_refuses_an_unsupported_element_with_the_place_and_no_traceback(corpus, tmp_path):
    path = _file(corpus, "mj-html-attributes")
    proc = subprocess.run(
        [sys.executable, "-m", "mailwright", "build", str(path), "-o", str(tmp_path / "out.html")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert f"{path}:3:6: MJML could not be compiled" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out.html").exists()


@pytest.mark.parametrize("name", _params(FIXTURES, IMPORT_XFAIL, ImportFailed))
def test_import_then_rebuild_keeps_the_visible_text(corpus, name):
    path = _file(corpus, name)
    if name in REFUSED:  # what does not build cannot be imported: the same located message
        with pytest.raises(ImportFailed, match=re.escape(str(path)) + r":\d+:\d+: "):
            import_report(path)
        return
    direct = build_file(path).html
    rebuilt = build_document(import_report(path).document, source=str(path)).html
    assert visible_text(rebuilt) == visible_text(direct)
    assert literal_breaks(rebuilt) == 0


@pytest.mark.parametrize("name", _params(FIXTURES, EXPECTED_XFAIL, BuildError, EXPECTED_SKIP))
def test_visible_text_is_the_ports_expected_output(corpus, name):
    expected = sorted(corpus.glob(f"{name}-expected*.html"))
    assert expected, f"no expected HTML for {name}"
    html = build_file(_file(corpus, name)).html
    assert visible_text(html) == visible_text(expected[0].read_text(encoding="utf-8"))


# --- `make corpus` on a folder (no network: node mjml left out) --------------------------------


def test_make_corpus_measures_a_folder_with_includes_and_saves_no_template_text(tmp_path):
    folder = tmp_path / "templates"
    (folder / "partials").mkdir(parents=True)
    (folder / "partials" / "header.mjml").write_text(
        "<mj-section><mj-column><mj-text>Header words</mj-text></mj-column></mj-section>", encoding="utf-8"
    )
    (folder / "main.mjml").write_text(
        '<mjml><mj-body><mj-include path="./partials/header.mjml" />\r\n<mj-section><mj-column>'
        '<mj-text style="\n  color:#fff;\n  font-size:55px">Secret-Words-123</mj-text>'
        "</mj-column></mj-section></mj-body></mjml>",
        encoding="utf-8",
    )
    (folder / "broken.mjml").write_text("<mjml><mj-body><mj-section></mj-body></mjml>", encoding="utf-8")
    out = tmp_path / "results.json"
    cmd = [sys.executable, str(ROOT / "bench" / "corpus.py"), str(folder), "--no-node", "--out", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"^TOTAL\s+1/2\b", proc.stdout, re.M), proc.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(data["files"]) == ["broken.mjml", "main.mjml"]
    assert data["partials_not_measured"] == [str(Path("partials") / "header.mjml")]
    main = data["files"]["main.mjml"]
    assert main["builds"] and main["literal_breaks"] == 0
    assert data["files"]["broken.mjml"]["build_error"].startswith(str(folder / "broken.mjml") + ":")
    assert "Secret-Words-123" not in out.read_text(encoding="utf-8")
    assert data["reference"]["unavailable_because"] == "--no-node"


def test_style_agreement_aligns_elements_so_one_extra_wrapper_shifts_nothing():
    reference = '<body><table style="width:100%"><tr><td style="color: #FFF ;padding:0">x</td></tr></table></body>'
    candidate = (
        '<body><div><table style="width:100%;"><tr><td style="padding:0;color:#ffffff">x</td></tr></table>'
        "</div><!--[if mso]><p>Outlook only</p><![endif]--></body>"
    )
    agreement = style_agreement(reference, candidate)
    assert (agreement.equal, agreement.total) == (4, 5)  # body, table, tr, td equal; the div has no partner
    assert visible_text(candidate) == "x"
