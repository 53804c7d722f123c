"""`mailwright import` and `mailwright export` as a user runs them (DESIGN.md §8).

Each test runs the installed console script in a temporary folder: exit codes, stderr and the
files written are the contract. Bad input is one line on stderr naming the file (and the
place), exit 2, never a traceback, and the source is never written.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mailwright.app.build.plaintext import html_to_text

MAILWRIGHT = Path(sys.executable).parent / "mailwright"
ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert MAILWRIGHT.exists(), f"console script missing: {MAILWRIGHT} (pip install -e .)"
    return subprocess.run(
        [str(MAILWRIGHT), *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT
    )


def assert_bad_input(result: subprocess.CompletedProcess[str], name: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    message = result.stderr.strip()
    assert message.count("\n") == 0, f"expected one line, got:\n{result.stderr}"
    assert message.startswith(f"mailwright: {name}"), message
    return message


def words(html: str) -> str:
    return " ".join(html_to_text(html).split())


@pytest.fixture()
def work(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "examples" / "hello.mjml", tmp_path / "hello.mjml")
    for fixture in (ROOT / "tests" / "fixtures" / "mjml").glob("*.mjml"):
        shutil.copy(fixture, tmp_path / fixture.name)
    return tmp_path


# --- import ---------------------------------------------------------------------------------------


def test_import_hello_then_build_gives_the_same_email(work: Path) -> None:
    before = (work / "hello.mjml").read_bytes()
    result = run("import", "hello.mjml", "-o", "hello.mwt", cwd=work)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert re.match(r"hello\.mwt: imported from hello\.mjml: 3 rows, \d+ blocks: \d+ editable", result.stderr)
    assert (work / "hello.mjml").read_bytes() == before
    doc = json.loads((work / "hello.mwt").read_text(encoding="utf-8"))
    assert doc["format"] == "mailwright" and doc["subject"] == "Hello from Mailwright"

    built = run("build", "hello.mwt", "-o", "imported.html", "--text", "imported.txt", cwd=work)
    assert built.returncode == 0, built.stderr
    original = run("build", "hello.mjml", "-o", "original.html", cwd=work)
    assert original.returncode == 0, original.stderr
    a = (work / "original.html").read_text(encoding="utf-8")
    b = (work / "imported.html").read_text(encoding="utf-8")
    assert words(b) == words(a)
    assert '<< data:firstname | default("friend") >>' in b
    assert 'href="<< link:view_online >>"' in b


def test_import_never_replaces_an_existing_document_unless_forced(work: Path) -> None:
    """An OUT.mwt that exists may be a document someone edited: refused, byte for byte kept;
    with --force it is replaced and the old one kept as OUT.mwt.bak (said on stderr)."""
    edited = (ROOT / "examples" / "welcome.mwt").read_bytes()
    (work / "mine.mwt").write_bytes(edited)
    refused = run("import", "hello.mjml", "-o", "mine.mwt", cwd=work)
    message = assert_bad_input(refused, "mine.mwt")
    assert "already exists" in message and "--force" in message
    assert (work / "mine.mwt").read_bytes() == edited and not (work / "mine.mwt.bak").exists()

    forced = run("import", "hello.mjml", "-o", "mine.mwt", "--force", cwd=work)
    assert forced.returncode == 0, forced.stderr
    assert "it replaced the old mine.mwt, kept as mine.mwt.bak" in forced.stderr
    assert (work / "mine.mwt.bak").read_bytes() == edited
    assert json.loads((work / "mine.mwt").read_text(encoding="utf-8"))["subject"] == "Hello from Mailwright"


@pytest.mark.parametrize(
    "name", ["newsletter.mjml", "receipt.mjml", "black_friday.mjml", "odd_formatting.mjml", "onboarding.mjml"]
)
def test_import_real_world_mjml(work: Path, name: str) -> None:
    result = run("import", name, "-o", "out.mwt", cwd=work)
    assert result.returncode == 0, result.stderr
    assert "kept as written" in result.stderr
    built = run("build", "out.mwt", "-o", "out.html", cwd=work)
    assert built.returncode == 0, built.stderr
    original = run("build", name, "-o", "orig.html", cwd=work)
    assert original.returncode == 0, original.stderr
    assert words((work / "out.html").read_text(encoding="utf-8")) == words(
        (work / "orig.html").read_text(encoding="utf-8")
    )


@pytest.mark.parametrize("name", ["order_confirmation", "promotion"])
def test_build_mjml_then_import_gives_the_template_back(work: Path, name: str) -> None:
    shutil.copy(ROOT / "examples" / f"{name}.mwt", work / f"{name}.mwt")
    built = run("build", f"{name}.mwt", "-o", "a.html", "--mjml", "a.mjml", cwd=work)
    assert built.returncode == 0, built.stderr
    result = run("import", "a.mjml", "-o", "back.mwt", cwd=work)
    assert result.returncode == 0, result.stderr
    assert re.search(r"\d+ editable \(.*\), 0 kept as written$", result.stderr, re.M), result.stderr
    kinds = {"order_confirmation": ("1 footer", "1 line_items"), "promotion": ("1 footer", "4 product", "1 hero")}
    for kind in kinds[name]:
        assert kind in result.stderr
    # A receipt is transactional: a setting MJML does not carry, so the report says to set it again.
    assert ("mark it so in the settings" in result.stderr) == (name == "order_confirmation")
    again = run("build", "back.mwt", "-o", "b.html", "--mjml", "b.mjml", cwd=work)
    assert again.returncode == 0, again.stderr
    assert (work / "b.mjml").read_text(encoding="utf-8") == (work / "a.mjml").read_text(encoding="utf-8")
    original = json.loads((work / f"{name}.mwt").read_text(encoding="utf-8"))
    back = json.loads((work / "back.mwt").read_text(encoding="utf-8"))
    assert back["settings"]["theme"] == original["settings"]["theme"]
    assert [[[b["type"] for b in c["blocks"]] for c in r["columns"]] for r in back["rows"]] == [
        [[b["type"] for b in c["blocks"]] for c in r["columns"]] for r in original["rows"]
    ]


def test_import_html(work: Path) -> None:
    (work / "mail.html").write_text(
        "<html lang='de'><head><title>Hallo << data:name >></title></head><body>"
        "<span style='display: none'>Kurz gesagt</span><p>Guten Tag!</p></body></html>",
        encoding="utf-8",
    )
    result = run("import", "mail.html", "-o", "mail.mwt", cwd=work)
    assert result.returncode == 0, result.stderr
    doc = json.loads((work / "mail.mwt").read_text(encoding="utf-8"))
    assert (doc["subject"], doc["preheader"], doc["settings"]["lang"]) == ("Hallo << data:name >>", "Kurz gesagt", "de")
    built = run("build", "mail.mwt", cwd=work)
    assert built.returncode == 0 and "Guten Tag!" in built.stdout


def test_import_bad_input_exits_2_with_a_located_message(work: Path) -> None:
    (work / "broken.mjml").write_text(
        "<mjml>\n<mj-body>\n<mj-section><mj-column><mj-text>Hi</mj-column></mj-section></mj-body></mjml>\n",
        encoding="utf-8",
    )
    message = assert_bad_input(run("import", "broken.mjml", "-o", "out.mwt", cwd=work), "broken.mjml")
    assert re.match(r"mailwright: broken\.mjml:\d+:\d+: ", message)
    assert not (work / "out.mwt").exists()

    (work / "tag.mjml").write_text(
        "<mjml><mj-body><mj-section><mj-column><mj-text><< data:x | nope >>"
        "</mj-text></mj-column></mj-section></mj-body></mjml>",
        encoding="utf-8",
    )
    assert "unknown filter" in assert_bad_input(run("import", "tag.mjml", "-o", "o.mwt", cwd=work), "tag.mjml:1:")
    (work / "binary.mjml").write_bytes(b"\x00\xff\xfe")
    assert_bad_input(run("import", "binary.mjml", "-o", "o.mwt", cwd=work), "binary.mjml")
    (work / "empty.html").write_text("", encoding="utf-8")
    assert_bad_input(run("import", "empty.html", "-o", "o.mwt", cwd=work), "empty.html")
    assert_bad_input(run("import", "missing.mjml", "-o", "o.mwt", cwd=work), "missing.mjml")
    (work / "notes.txt").write_text("x", encoding="utf-8")
    assert_bad_input(run("import", "notes.txt", "-o", "o.mwt", cwd=work), "notes.txt")
    assert_bad_input(run("import", "hello.mjml", "-o", "out.html", cwd=work), "out.html")


def test_import_never_overwrites_its_source(work: Path) -> None:
    shutil.copy(work / "hello.mjml", work / "same.mwt")
    before = (work / "same.mwt").read_bytes()
    # a .mwt source is refused before anything is written
    assert_bad_input(run("import", "same.mwt", "-o", "same.mwt", cwd=work), "same.mwt")
    assert (work / "same.mwt").read_bytes() == before


# --- export ---------------------------------------------------------------------------------------


def test_export_bundle_with_esp_utm_and_asset_base_url(work: Path) -> None:
    (work / "img").mkdir()
    (work / "img" / "card.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    source = (
        (work / "hello.mjml")
        .read_text(encoding="utf-8")
        .replace("https://placehold.co/1040x480/dbeafe/1e3a8a.png?text=Hello", "img/card.png")
        .replace(
            '</mj-column>\n    </mj-section>\n    <mj-section padding="16px 0 32px">',
            '<mj-button href="https://example.com/more?ref=mail#top">More</mj-button></mj-column>\n    </mj-section>\n'
            '    <mj-section padding="16px 0 32px">',
            1,
        )
    )
    (work / "card.mjml").write_text(source, encoding="utf-8")
    assert run("import", "card.mjml", "-o", "card.mwt", cwd=work).returncode == 0

    result = run(
        "export",
        "card.mwt",
        "--bundle",
        "card.zip",
        "--esp",
        "brevo",
        "--utm",
        "source=news,medium=email,campaign=spring",
        cwd=work,
    )
    assert result.returncode == 0, result.stderr
    assert re.match(
        r"card\.zip: card\.mwt, email\.html, email\.mjml, email\.txt, manifest\.json, "
        r"images/ \(1 file\); \d+\.\d KB of HTML for brevo",
        result.stderr,
    )
    with zipfile.ZipFile(work / "card.zip") as zf:
        names = zf.namelist()
        html = zf.read("email.html").decode()
        text = zf.read("email.txt").decode()
    assert names == sorted(names) and "images/card.png" in names
    assert 'src="images/card.png"' in html
    assert "{{" in html and "<< " not in html
    assert (
        "https://example.com/more?ref=mail&amp;utm_source=news&amp;utm_medium=email&amp;utm_campaign=spring#top" in html
    )
    assert "utm_source=news" in text

    again = run(
        "export", "card.mwt", "--bundle", "cdn.zip", "--asset-base-url", "https://cdn.example.com/card", cwd=work
    )
    assert again.returncode == 0, again.stderr
    with zipfile.ZipFile(work / "cdn.zip") as zf:
        assert 'src="https://cdn.example.com/card/card.png"' in zf.read("email.html").decode()


def test_export_of_an_mjml_file_is_deterministic(work: Path) -> None:
    assert run("export", "receipt.mjml", "--bundle", "a.zip", cwd=work).returncode == 0
    assert run("export", "receipt.mjml", "--bundle", "b.zip", cwd=work).returncode == 0
    assert (work / "a.zip").read_bytes() == (work / "b.zip").read_bytes()
    with zipfile.ZipFile(work / "a.zip") as zf:
        assert zf.read("receipt.mjml") == (work / "receipt.mjml").read_bytes()


def test_export_bad_usage_exits_2(work: Path) -> None:
    assert run("import", "hello.mjml", "-o", "hello.mwt", cwd=work).returncode == 0
    assert_bad_input(run("export", "hello.mwt", "--bundle", "x.zip", "--utm", "source", cwd=work), "--utm")
    assert_bad_input(run("export", "hello.mwt", "--bundle", "x.zip", "--field-map", "m.json", cwd=work), "--field-map")
    assert_bad_input(run("export", "hello.mwt", "--bundle", "x.zip", "--esp", "nope", cwd=work), "unknown ESP")
    assert_bad_input(
        run("export", "hello.mwt", "--bundle", "x.zip", "--asset-base-url", "cdn", cwd=work), "--asset-base-url"
    )
    assert_bad_input(run("export", "hello.mwt", "--bundle", "x.tar", cwd=work), "x.tar")
    assert_bad_input(run("export", "notes.html", "--bundle", "x.zip", cwd=work), "notes.html")
    assert_bad_input(run("export", "missing.mwt", "--bundle", "x.zip", cwd=work), "missing.mwt")
    assert not (work / "x.zip").exists()


def test_import_into_another_folder_takes_the_pictures_along(tmp_path: Path) -> None:
    # Imported into dst/, the document named assets/… relative to dst/: the canvas, check and the
    # export bundle all missed every picture. As Save As does, they are copied (never over a file,
    # never from outside the source's folder), raw markup's pictures included.
    src, dst = tmp_path / "downloaded", tmp_path / "project"
    src.mkdir()
    dst.mkdir()
    shutil.copytree(ROOT / "examples" / "assets", src / "assets")
    (tmp_path / "secret.png").write_bytes((src / "assets" / "maya-160x160.png").read_bytes())
    (dst / "assets").mkdir()
    (dst / "assets" / "tally-240x64.png").write_bytes(b"\x89PNG\r\n\x1a\nmine")  # the user's own file
    (src / "n.mjml").write_text(
        '<mjml><mj-body><mj-section background-url="assets/dry-border-600x480.png"><mj-column>'
        '<mj-raw><img src="assets/maya-160x160.png" alt="Maya" width="80"></mj-raw>'
        '<mj-image src="assets/tally-240x64.png" alt="Tally" width="120px" />'
        '<mj-image src="../secret.png" alt="s" width="80px" />'
        "</mj-column></mj-section></mj-body></mjml>",
        encoding="utf-8",
    )
    result = run("import", "downloaded/n.mjml", "-o", "project/n.mwt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "copied 2 images beside it, as the email names them" in result.stderr
    for name in ("dry-border-600x480.png", "maya-160x160.png"):
        assert (dst / "assets" / name).read_bytes() == (src / "assets" / name).read_bytes()
    assert (dst / "assets" / "tally-240x64.png").read_bytes() == b"\x89PNG\r\n\x1a\nmine"
    assert not (dst / "secret.png").exists() and not (tmp_path / "project" / ".." / "secret.png").is_symlink()
    same = run("import", "downloaded/n.mjml", "-o", "downloaded/again.mwt", cwd=tmp_path)
    assert same.returncode == 0 and "copied" not in same.stderr  # beside its pictures already
