"""Issue 14 item 8: hostile inputs get a clear message (or just work), never "internal error".

Each case once ended in a traceback-shaped message or in a document that could not be built,
with no place named:

- recipient JSON nested 500 levels inside a value (RecursionError in `check --data`),
- an HTML email with `<` inside `<script>` (imported, then "unable to parse next template"),
- control characters in a label (a document that cannot be built),
- a 4 MB HTML import ("String should have at most 2000000 characters", pydantic's words).

The CLI is run as a user runs it; stderr and the files written are the contract.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailwright", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
    )


def assert_clear(result: subprocess.CompletedProcess[str], code: int = 2) -> str:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert "String should" not in result.stderr and "pydantic" not in result.stderr, result.stderr
    return result.stderr.strip()


@pytest.fixture()
def work(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "examples" / "newsletter.mwt", tmp_path / "newsletter.mwt")
    shutil.copytree(ROOT / "examples" / "assets", tmp_path / "assets")  # its pictures: no missing-file errors
    return tmp_path


# --- recipients nested too deep -----------------------------------------------------------------


def _nested(levels: int) -> object:
    value: object = "Zoë"
    for i in range(levels):
        value = [value] if i % 2 else {"k": value}
    return value


@pytest.mark.parametrize(
    "command",
    [
        ("check", "newsletter.mwt", "--data", "deep.json"),
        ("build", "newsletter.mwt", "--data", "deep.json", "--row", "1", "-o", "out.html"),
        ("preview", "newsletter.mwt", "--data", "deep.json", "--row", "1", "-o", "out.png"),
    ],
    ids=["check", "build", "preview"],
)
def test_recipient_data_nested_500_deep_is_refused_naming_the_file_and_row(work: Path, command) -> None:
    (work / "deep.json").write_text(
        json.dumps(
            [
                {"email": "a@example.com", "firstname": "Ann"},
                {"email": "b@example.com", "firstname": _nested(500)},
            ]
        ),
        encoding="utf-8",
    )
    message = assert_clear(run(*command, cwd=work))
    assert message.count("\n") == 0, message
    assert "deep.json: row 2 ([1].firstname" in message, message
    assert "more than 32 levels" in message and "flatten" in message, message
    assert len(message) < 400, message
    assert not (work / "out.html").exists() and not (work / "out.png").exists()


def test_recipient_data_too_deep_for_the_json_parser_names_line_and_column(work: Path) -> None:
    (work / "deeper.json").write_text(
        '[{"email": "a@example.com", "x": ' + "[" * 100_000 + "]" * 100_000 + "}]", encoding="utf-8"
    )
    message = assert_clear(run("check", "newsletter.mwt", "--data", "deeper.json", cwd=work))
    assert "deeper.json: line 1 column " in message and "nested too deeply" in message, message


def test_recipient_data_nested_32_deep_still_personalises(work: Path) -> None:
    (work / "ok.json").write_text(
        json.dumps([{"email": "a@example.com", "firstname": "Ann", "extra": _nested(32)}]), encoding="utf-8"
    )
    result = run("check", "newsletter.mwt", "--data", "ok.json", cwd=work)
    assert result.returncode == 0, result.stderr
    assert "internal error" not in result.stderr


# --- imported HTML with scripts -----------------------------------------------------------------

SCRIPTED = """<!doctype html>
<html><head><title>Spring</title><script>if (a < b) { go(); }</script>
<style>p { color: #333333; } /* a < b */</style></head>
<body><p>Hello</p>
<script type="text/javascript">for (var i = 0; i < 3; i++) {}</script>
<!--[if mso]><p>Outlook only</p><![endif]-->
<p>Bye</p></body></html>
"""


def test_an_imported_html_email_with_scripts_builds_and_the_report_says_they_were_dropped(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(SCRIPTED, encoding="utf-8")
    result = run("import", "page.html", "-o", "page.mwt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "dropped 2 <script> elements: email clients never run them" in result.stderr
    built = run("build", "page.mwt", "-o", "page.out.html", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    html = (tmp_path / "page.out.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "go()" not in html
    assert "Hello" in html and "Bye" in html and "Outlook only" in html
    assert "color:#333" in html.replace(" ", "")  # the style sheet, with its `<`, was kept and inlined


# --- control characters in labels ---------------------------------------------------------------


def test_control_characters_in_labels_and_texts_do_not_stop_the_build(work: Path) -> None:
    doc = json.loads((work / "newsletter.mwt").read_text(encoding="utf-8"))
    doc["subject"] = "Spring\x01 news"
    doc["preheader"] = "New\x1b in"
    for row in doc["rows"]:
        for column in row["columns"]:
            for block in column["blocks"]:
                props = block.setdefault("props", {})
                if block["type"] == "button":
                    props["label"] = "Read\x0b more\x00"
                elif block["type"] == "heading":
                    props["text"] = "Head\x7fline"
                elif block["type"] == "text":
                    props["html"] = "<p>Tab\x0ced text</p>"
                elif block["type"] == "menu":
                    props["items"] = [{"label": "Sh\x08op", "url": "https://example.com/\x01shop"}]
    (work / "controls.mwt").write_text(json.dumps(doc), encoding="utf-8")
    result = run("build", "controls.mwt", "-o", "controls.html", cwd=work)
    assert result.returncode == 0, result.stderr
    html = (work / "controls.html").read_text(encoding="utf-8")
    assert "Read more" in html and "Headline" in html and "Tabed text" in html and ">Shop<" in html
    assert "https://example.com/shop" in html and "<title>Spring news</title>" in html
    assert not any(ord(ch) < 32 and ch not in "\t\n\r" or ord(ch) == 0x7F for ch in html)
    checked = run("check", "controls.mwt", cwd=work)
    assert checked.returncode == 0, checked.stdout + checked.stderr


# --- imports over the size of a block -----------------------------------------------------------


def test_a_4_mb_html_import_says_what_the_limit_is_in_mailwrights_words(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<html><body><p>" + "word " * 820_000 + "</p></body></html>", encoding="utf-8")
    message = assert_clear(run("import", "page.html", "-o", "page.mwt", cwd=tmp_path))
    assert message == (
        "mailwright: page.html: the HTML block 'b1' would hold 4.1 MB of HTML (4,100,007 characters); "
        "a block holds at most 2 MB (2,000,000 characters): split the email into smaller files and "
        "import each, or remove what it does not need (inline images, comments)"
    ), message
    assert not (tmp_path / "page.mwt").exists()


def test_a_4_mb_mjml_import_says_which_block_is_too_big(tmp_path: Path) -> None:
    (tmp_path / "big.mjml").write_text(
        "<mjml><mj-body><mj-section><mj-column><mj-text>"
        + "word " * 820_000
        + "</mj-text></mj-column></mj-section></mj-body></mjml>",
        encoding="utf-8",
    )
    message = assert_clear(run("import", "big.mjml", "-o", "big.mwt", cwd=tmp_path))
    assert message.startswith("mailwright: big.mjml: the MJML block 'b1' would hold 4.1 MB of MJML"), message
    assert "a block holds at most 2 MB (2,000,000 characters)" in message


def test_a_warning_about_the_data_file_names_it_in_check(work: Path) -> None:
    (work / "bom.csv").write_bytes(b"\xef\xbb\xbf\n")  # bad-inputs.md: a CSV that is only a BOM
    result = run("check", "newsletter.mwt", "--data", "bom.csv", cwd=work)
    assert "Traceback" not in result.stderr
    assert "mailwright: bom.csv: the file is empty" in result.stderr, result.stderr
    assert "checked 0 recipients" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("build", "x.mwt", "-o", "missing/x.html"),
        ("build", "x.mwt", "-o", "x.html", "--text", "missing/x.txt"),
        ("export", "x.mwt", "--bundle", "missing/x.zip"),
        ("import", "x.mjml", "-o", "missing/x.mwt"),
    ],
)
def test_an_output_folder_that_does_not_exist_is_said_in_command_line_words(tmp_path: Path, args) -> None:
    """No "Save As" and no "your document is still open" at the command line."""
    shutil.copy(ROOT / "examples" / "password_reset.mwt", tmp_path / "x.mwt")
    shutil.copy(ROOT / "examples" / "hello.mjml", tmp_path / "x.mjml")
    message = assert_clear(run(*args, cwd=tmp_path))
    assert "does not exist" in message and "write it somewhere else (another output path)" in message
    assert "Save As" not in message and "still open" not in message
