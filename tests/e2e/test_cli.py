"""The `mailwright` command line as a user runs it (DESIGN.md §8).

Every test runs the installed console script in a real process, in a temporary folder, with a
timeout: exit codes, what lands on stdout/stderr and in the output files are the contract.
Errors are one line on stderr naming the file and the place, exit 2, never a traceback.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mailwright.blocks import REGISTRY
from mailwright.themes import available_themes

MAILWRIGHT = Path(sys.executable).parent / "mailwright"
TIMEOUT = 60

GREETING = '<< data:firstname | default("friend") >>'

DOCUMENT = {
    "format": "mailwright",
    "version": 1,
    "subject": "Welcome, << data:firstname >>",
    "preheader": "Three small steps",
    "rows": [
        {
            "id": "r1",
            "columns": [
                {
                    "id": "c1",
                    "blocks": [
                        {"id": "b1", "type": "heading", "props": {"text": f"Hello {GREETING}"}},
                        {"id": "b2", "type": "text", "props": {"html": "<p>Your account is ready. Café ☕</p>"}},
                        {
                            "id": "b3",
                            "type": "button",
                            "props": {"label": "Get started", "href": "https://example.com/start?u=<< data:id >>"},
                        },
                    ],
                }
            ],
        },
        {
            "id": "r2",
            "columns": [
                {"id": "c2", "width": 50, "blocks": [{"id": "b4", "type": "text", "props": {"html": "<p>Left</p>"}}]},
                {"id": "c3", "width": 50, "blocks": [{"id": "b5", "type": "text", "props": {"html": "<p>Right</p>"}}]},
            ],
        },
    ],
}

MERGE_MJML = """\
<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hi << data:firstname | default("friend") >>, welcome!</mj-text>
        <mj-button href="https://example.com/p?name=<< data:firstname | default(&quot;friend&quot;) >>">Open</mj-button>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    assert MAILWRIGHT.exists(), f"console script missing: {MAILWRIGHT} (pip install -e .)"
    return subprocess.run(
        [str(MAILWRIGHT), *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT, env=env
    )


def assert_bad_input(result: subprocess.CompletedProcess[str], name: str) -> str:
    """Exit 2, one line on stderr naming the file, no traceback; returns that line."""
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    message = result.stderr.strip()
    assert message.count("\n") == 0, f"expected one line, got:\n{result.stderr}"
    assert message.startswith(f"mailwright: {name}"), message
    assert result.stdout == ""
    return message


@pytest.fixture()
def work(tmp_path: Path) -> Path:
    (tmp_path / "welcome.mwt").write_text(json.dumps(DOCUMENT, indent=2), encoding="utf-8")
    return tmp_path


# --- build ---------------------------------------------------------------------------------------


def test_build_writes_html_text_and_mjml(work: Path) -> None:
    result = run("build", "welcome.mwt", "-o", "out.html", "--text", "out.txt", "--mjml", "out.mjml", cwd=work)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert re.fullmatch(r"out\.html: \d+\.\d KB of HTML\n", result.stderr)

    html = (work / "out.html").read_text(encoding="utf-8")
    assert html.lower().startswith("<!doctype html>")
    assert f"Hello {GREETING}" in html
    assert "Café ☕" in html
    assert "Left" in html and "Right" in html
    assert 'href="https://example.com/start?u=<< data:id >>"' in html
    assert "mw-" in html or "<table" in html
    assert 'id="b1"' not in html and "r1" not in re.findall(r'id="([^"]*)"', html)

    text = (work / "out.txt").read_text(encoding="utf-8")
    assert GREETING in text
    assert "Your account is ready." in text
    assert "<p>" not in text and "<table" not in text

    mjml = (work / "out.mjml").read_text(encoding="utf-8")
    assert mjml.startswith("<mjml")
    assert "<mj-body" in mjml and "<mj-button" in mjml
    assert GREETING in mjml


def test_build_without_output_writes_html_to_stdout(work: Path) -> None:
    result = run("build", "welcome.mwt", cwd=work)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.lower().startswith("<!doctype html>")
    assert result.stdout.rstrip().endswith("</html>")
    assert f"Hello {GREETING}" in result.stdout


def test_stdout_is_utf8_whatever_the_locale(work: Path) -> None:
    """Regression: a latin-1 locale made `build` to stdout fail with an internal error."""
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}
    result = subprocess.run(
        [str(MAILWRIGHT), "build", "welcome.mwt"], cwd=work, capture_output=True, timeout=TIMEOUT, env=env
    )
    assert result.returncode == 0, result.stderr
    run("build", "welcome.mwt", "-o", "file.html", cwd=work)
    assert result.stdout == (work / "file.html").read_bytes()
    assert "Café ☕".encode("utf-8") in result.stdout


def test_build_output_is_byte_identical_across_runs(work: Path) -> None:
    first = run("build", "welcome.mwt", cwd=work)
    second = run("build", "welcome.mwt", cwd=work)
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout
    for n in (1, 2):
        assert (
            run(
                "build", "welcome.mwt", "-o", f"{n}.html", "--text", f"{n}.txt", "--mjml", f"{n}.mjml", cwd=work
            ).returncode
            == 0
        )
    for ext in ("html", "txt", "mjml"):
        assert (work / f"1.{ext}").read_bytes() == (work / f"2.{ext}").read_bytes(), ext
    assert (work / "1.html").read_text(encoding="utf-8") == first.stdout


def test_build_mjml_keeps_merge_tags_verbatim(tmp_path: Path) -> None:
    (tmp_path / "merge.mjml").write_text(MERGE_MJML, encoding="utf-8")
    result = run("build", "merge.mjml", "-o", "merge.html", "--text", "merge.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "merge.html").read_text(encoding="utf-8")
    assert f"Hi {GREETING}, welcome!" in html
    assert 'href="https://example.com/p?name=<< data:firstname | default(&quot;friend&quot;) >>"' in html
    text = (tmp_path / "merge.txt").read_text(encoding="utf-8")
    assert f"Hi {GREETING}, welcome!" in text


# --- listings ------------------------------------------------------------------------------------


def test_blocks_lists_every_type_one_per_line(tmp_path: Path) -> None:
    result = run("blocks", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) >= 14
    names = [line.split()[0] for line in lines]
    assert names == list(REGISTRY)
    for expected in (
        "heading",
        "text",
        "image",
        "button",
        "divider",
        "spacer",
        "social",
        "menu",
        "hero",
        "product",
        "line_items",
        "video",
        "footer",
        "html",
        "mjml",
    ):
        assert expected in names


def test_themes_lists_at_least_four(tmp_path: Path) -> None:
    result = run("themes", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert len(names) >= 4
    assert names == list(available_themes())
    assert "classic" in names


# --- bad .mwt input ------------------------------------------------------------------------------


def test_invalid_json_names_file_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "bad.mwt").write_text('{\n  "format": "mailwright",\n  "version": 1,\n}\n', encoding="utf-8")
    message = assert_bad_input(run("build", "bad.mwt", "-o", "out.html", cwd=tmp_path), "bad.mwt")
    assert message.startswith("mailwright: bad.mwt:4:1: invalid JSON: ")
    assert not (tmp_path / "out.html").exists(), "no output from a failed build"


def test_bad_prop_names_the_json_path(tmp_path: Path) -> None:
    data = json.loads(json.dumps(DOCUMENT))
    data["rows"][1]["columns"][1]["blocks"][0]["props"]["font_size"] = 500
    (tmp_path / "bad.mwt").write_text(json.dumps(data), encoding="utf-8")
    message = assert_bad_input(run("build", "bad.mwt", cwd=tmp_path), "bad.mwt")
    assert message == "mailwright: bad.mwt: rows[1].columns[1].blocks[0].props.font_size: must be at most 48"


def test_newer_format_is_refused(tmp_path: Path) -> None:
    (tmp_path / "new.mwt").write_text(json.dumps({**DOCUMENT, "version": 99}), encoding="utf-8")
    message = assert_bad_input(run("build", "new.mwt", cwd=tmp_path), "new.mwt")
    assert "newer Mailwright" in message


# --- bad .mjml input -----------------------------------------------------------------------------

BAD_MJML = {
    "unclosed": "<mjml>\n<mj-body>\n<mj-section><mj-column>\n<mj-text>Hello\n</mj-column></mj-section></mj-body></mjml>\n",
    "stray_equals": '<mjml>\n<mj-body>\n<mj-section><mj-column>\n<mj-image src="x.png" ="c" />\n'
    "</mj-column></mj-section></mj-body></mjml>\n",
    "empty": "",
    "page": "<!DOCTYPE html>\n<html><head><title>x</title></head>\n<body><p>Hello</p></body></html>\n",
}


@pytest.mark.parametrize("name", sorted(BAD_MJML))
def test_malformed_mjml_is_bad_input_with_a_position(tmp_path: Path, name: str) -> None:
    (tmp_path / f"{name}.mjml").write_text(BAD_MJML[name], encoding="utf-8")
    message = assert_bad_input(run("build", f"{name}.mjml", "-o", "out.html", cwd=tmp_path), f"{name}.mjml")
    assert re.match(rf"mailwright: {name}\.mjml:\d+:\d+: ", message), message
    assert not (tmp_path / "out.html").exists()


def test_a_bare_less_than_builds_as_text_and_check_points_at_it(tmp_path: Path) -> None:
    # As node's MJML builds it (mjml-python refused the file): `check` gives the escape hint.
    (tmp_path / "lt.mjml").write_text(
        "<mjml>\n<mj-body>\n<mj-section><mj-column>\n<mj-text>if a < b then</mj-text>\n"
        "</mj-column></mj-section></mj-body></mjml>\n",
        encoding="utf-8",
    )
    built = run("build", "lt.mjml", cwd=tmp_path)
    assert built.returncode == 0 and "if a &lt; b then" in built.stdout
    checked = run("check", "lt.mjml", cwd=tmp_path)
    assert "a bare '<' at 4:15 opens no tag" in checked.stdout and "write &lt;" in checked.stdout


def test_deeply_nested_mjml_is_refused_without_a_crash(tmp_path: Path) -> None:
    n = 2000
    (tmp_path / "deep.mjml").write_text(
        "<mjml><mj-body>" + "<mj-wrapper>" * n + "</mj-wrapper>" * n + "</mj-body></mjml>\n", encoding="utf-8"
    )
    result = run("build", "deep.mjml", "-o", "out.html", cwd=tmp_path)
    assert result.returncode == 2, (result.returncode, result.stderr)  # not -11 (SIGSEGV)
    message = assert_bad_input(result, "deep.mjml")
    assert "nesting too deep" in message
    assert not (tmp_path / "out.html").exists()


# --- bad usage and files -------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    message = assert_bad_input(run("build", "nope.mwt", cwd=tmp_path), "nope.mwt")
    assert message == "mailwright: nope.mwt: no such file"
    assert_bad_input(run("build", "nope.mjml", cwd=tmp_path), "nope.mjml")


def test_unknown_extension(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    message = assert_bad_input(run("build", "notes.txt", cwd=tmp_path), "notes.txt")
    assert "unknown kind of file" in message


def test_a_folder_named_like_a_template(tmp_path: Path) -> None:
    (tmp_path / "dir.mwt").mkdir()
    assert "is a folder" in assert_bad_input(run("build", "dir.mwt", cwd=tmp_path), "dir.mwt")


def test_build_without_a_source_is_bad_usage(tmp_path: Path) -> None:
    result = run("build", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "SRC" in result.stderr


# --- no Qt in the command line -------------------------------------------------------------------


def test_the_cli_never_imports_pyside6(work: Path) -> None:
    code = (
        "import sys\n"
        "from mailwright.app.cli.main import main\n"
        "assert main(['blocks']) == 0\n"
        "assert main(['themes']) == 0\n"
        "assert main(['build', 'welcome.mwt', '-o', 'out.html', '--text', 'out.txt']) == 0\n"
        "qt = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken', 'PyQt')))\n"
        "assert not qt, qt\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=work, capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    assert (work / "out.html").exists()


@pytest.mark.parametrize(
    "text, says",
    [
        (
            BAD_MJML["page"],
            "this is an HTML page, not MJML (it starts with <!DOCTYPE html>); to edit it, rename it .html",
        ),
        (
            "<mj-section><mj-column><mj-text>hi</mj-text></mj-column></mj-section>",
            "MJML starts with <mjml> and this starts with <mj-section>: wrap it in <mjml><mj-body>…</mj-body></mjml>",
        ),
        ("\ufeff<!-- a partial -->\n<mj-body></mj-body>", "this starts with <mj-body>: wrap it in <mjml>…</mjml>"),
    ],
)
def test_a_file_that_is_not_mjml_from_its_first_tag_says_what_it_is(tmp_path: Path, text: str, says: str) -> None:
    # MRML said only "unexpected token in root template at position 0:15" (node: "Malformed MJML").
    (tmp_path / "x.mjml").write_text(text, encoding="utf-8")
    message = assert_bad_input(run("build", "x.mjml", cwd=tmp_path), "x.mjml")
    assert says in message, message
