"""Issue 16 item 10: input files that are not UTF-8 are read in a guessed encoding that is
named in a warning, or in the one --encoding gives; a wrong --encoding name is a usage error."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from mailwright.app.recipients import load_recipients

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
POLISH = "email;nazwisko;miasto\nanna@x.pl;Łękawska;Łódź\njan@x.pl;Żółć;Kraków\n"


def mw(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailwright", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def test_polish_cp1250_recipients_read_as_polish(tmp_path: Path) -> None:
    p = tmp_path / "pl.csv"
    p.write_bytes(POLISH.encode("cp1250"))
    r = load_recipients(p)
    assert r.rows[0]["nazwisko"] == "Łękawska" and r.rows[1]["nazwisko"] == "Żółć"
    assert any("cp1250" in w for w in r.warnings)


def test_cyrillic_and_shift_jis_recipients_read_right(tmp_path: Path) -> None:
    ru = tmp_path / "ru.csv"
    ru.write_bytes("email,имя\nivan@x.ru,Иван Петров\nolga@x.ru,Ольга\n".encode("cp1251"))
    assert load_recipients(ru).rows[0]["имя"] == "Иван Петров"
    jp = tmp_path / "jp.csv"
    jp.write_bytes("email,名前\ntaro@x.jp,山田太郎\nhanako@x.jp,鈴木花子\n".encode("shift_jis"))
    assert load_recipients(jp).rows[1]["名前"] == "鈴木花子"


def test_a_cp1252_document_builds_with_a_warning_naming_the_encoding(tmp_path: Path) -> None:
    text = (EXAMPLES / "welcome.mwt").read_text(encoding="utf-8").replace('"subject": "', '"subject": "Café ', 1)
    (tmp_path / "w.mwt").write_bytes(text.encode("cp1252"))
    result = mw("build", "w.mwt", "-o", "w.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "w.mwt: not UTF-8; read as cp1252" in result.stderr
    assert "Café" in (tmp_path / "w.html").read_text(encoding="utf-8")


def test_encoding_forces_the_reading(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "welcome.mwt", tmp_path / "w.mwt")
    (tmp_path / "pl.csv").write_bytes(POLISH.encode("cp1250"))
    result = mw("check", "w.mwt", "--data", "pl.csv", "--encoding", "iso8859-2", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    assert "not UTF-8" not in result.stderr  # no guess: the user said which


def test_an_unknown_encoding_name_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "welcome.mwt", tmp_path / "w.mwt")
    for command in (
        ["build", "w.mwt"],
        ["check", "w.mwt"],
        ["preview", "w.mwt", "-o", "p.png"],
        ["import", "x.mjml", "-o", "x.mwt"],
    ):
        result = mw(*command, "--encoding", "klingon-8", cwd=tmp_path)
        assert result.returncode == 2, command
        assert "--encoding 'klingon-8': unknown encoding" in result.stderr, command


def test_binary_is_still_refused_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "b.mjml").write_bytes(b"<mjml>\x00\xff\xfe\x00\x81</mjml>")
    result = mw("build", "b.mjml", cwd=tmp_path)
    assert result.returncode == 2 and "b.mjml:1: not UTF-8 text" in result.stderr


def test_build_for_a_recipient_in_a_cp1250_file_says_the_encoding_and_shows_the_name(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "welcome.mwt", tmp_path / "w.mwt")
    (tmp_path / "pl.csv").write_bytes("email,firstname\nanna@x.pl,Łucja Żółćńska\n".encode("cp1250"))
    result = mw("build", "w.mwt", "--data", "pl.csv", "--row", "1", "-o", "w.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "pl.csv: the file is not UTF-8; it was read as Windows-1250" in result.stderr
    assert "Łucja" in (tmp_path / "w.html").read_text(encoding="utf-8")
