"""Issue 16 item 2: many inputs in one build or check, standard input, the worst exit code."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def mw(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "mailwright", *args], cwd=cwd, input=stdin, capture_output=True, timeout=60
    )


@pytest.fixture
def work(tmp_path: Path) -> Path:
    for name in ("welcome.mwt", "newsletter.mwt", "hello.mjml"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    (tmp_path / "templates").mkdir()
    shutil.copy(EXAMPLES / "promotion.mwt", tmp_path / "templates" / "promotion.mwt")
    return tmp_path


def test_files_and_a_folder_build_into_an_output_folder_as_one_file_builds(work: Path) -> None:
    result = mw("build", "welcome.mwt", "hello.mjml", "templates", "-o", "out/", "--text", "txt/", cwd=work)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (work / "out").iterdir()) == ["hello.html", "promotion.html", "welcome.html"]
    assert sorted(p.name for p in (work / "txt").iterdir()) == ["hello.txt", "promotion.txt", "welcome.txt"]
    assert b"built 3 inputs into out/" in result.stderr
    single = mw("build", "welcome.mwt", "-o", "single.html", cwd=work)
    assert single.returncode == 0
    assert (work / "single.html").read_bytes() == (work / "out" / "welcome.html").read_bytes()


def test_a_glob_is_expanded(work: Path) -> None:
    result = mw("build", "*.mwt", "-o", "out/", cwd=work)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (work / "out").iterdir()) == ["newsletter.html", "welcome.html"]


def test_two_inputs_with_one_name_are_refused_before_anything_is_written(work: Path) -> None:
    shutil.copy(work / "welcome.mwt", work / "templates" / "welcome.mwt")
    result = mw("build", "welcome.mwt", "templates", "-o", "out/", cwd=work)
    assert result.returncode == 2
    err = result.stderr.decode()
    assert "welcome.mwt" in err and "templates/welcome.mwt" in err and "welcome.html" in err
    assert not (work / "out").exists()


def test_an_output_folder_that_holds_an_input_name_is_refused(work: Path) -> None:
    (work / "x.html").mkdir()
    shutil.copy(work / "welcome.mwt", work / "x.html" / "welcome.html.mwt")
    bad = work / "src"
    bad.mkdir()
    # out/welcome.html would be the input itself, through a link
    (work / "out").mkdir()
    (work / "out" / "welcome.html").symlink_to(work / "welcome.mwt")
    result = mw("build", "welcome.mwt", "newsletter.mwt", "-o", "out/", cwd=work)
    assert result.returncode == 2
    assert b"would destroy" in result.stderr
    assert (work / "welcome.mwt").read_bytes() == (EXAMPLES / "welcome.mwt").read_bytes()


def test_one_bad_input_fails_the_run_but_the_others_are_built(work: Path) -> None:
    (work / "templates" / "broken.mwt").write_text("{not json")
    result = mw("build", "welcome.mwt", "templates", "-o", "out/", cwd=work)
    assert result.returncode == 2
    assert b"broken.mwt:1:" in result.stderr
    assert sorted(p.name for p in (work / "out").iterdir()) == ["promotion.html", "welcome.html"]


def test_several_inputs_need_a_folder_output(work: Path) -> None:
    result = mw("build", "welcome.mwt", "newsletter.mwt", "-o", "both.html", cwd=work)
    assert result.returncode == 2 and b"end it with /" in result.stderr


def test_standard_input_builds_as_the_file_does(work: Path) -> None:
    from_file = mw("build", "welcome.mwt", cwd=work)
    piped = mw("build", "-", cwd=work, stdin=(work / "welcome.mwt").read_bytes())
    assert piped.returncode == 0 and piped.stdout == from_file.stdout
    mjml = mw("build", "-", "--from", "mjml", cwd=work, stdin=(work / "hello.mjml").read_bytes())
    assert mjml.returncode == 0 and mjml.stdout == mw("build", "hello.mjml", cwd=work).stdout


def test_check_takes_many_inputs_with_one_summary_and_the_worst_exit_code(work: Path) -> None:
    (work / "templates" / "broken.mwt").write_text("{not json")
    result = mw("check", "welcome.mwt", "hello.mjml", "templates", cwd=work)
    assert result.returncode == 2
    out = result.stdout.decode()
    assert "== welcome.mwt" in out and "== hello.mjml" in out
    assert out.strip().splitlines()[-1].startswith("checked 4 files: ")
    assert "1 could not be checked" in out
    as_json = mw("check", "welcome.mwt", "templates/promotion.mwt", "--format", "json", cwd=work)
    data = json.loads(as_json.stdout)
    assert as_json.returncode == (1 if data["summary"]["errors"] else 0)
    assert [f["file"] for f in data["files"]] == ["welcome.mwt", "templates/promotion.mwt"]
    assert data["summary"]["files"] == 2


def test_html_written_away_from_its_local_images_says_so(work: Path) -> None:
    """The HTML names local images relative to the source (assets/…): written into another
    folder they do not show there, and `build` says so, with the way out; beside the source, or
    for an email with no local image, it says nothing more."""
    (work / "out").mkdir()
    away = mw("build", "newsletter.mwt", "-o", "out/newsletter.html", cwd=work)
    assert away.returncode == 0, away.stderr
    note = away.stderr.decode()
    assert "4 local images (assets/dry-border-600x480.png, …) are named relative to newsletter.mwt's folder" in note
    assert "export --bundle` carries them" in note
    beside = mw("build", "newsletter.mwt", "-o", "newsletter.html", cwd=work)
    assert beside.returncode == 0 and b"local image" not in beside.stderr
    remote = mw("build", "hello.mjml", "-o", "out/hello.html", cwd=work)
    assert remote.returncode == 0 and b"local image" not in remote.stderr
    mjml = mw("build", "newsletter.mwt", "-o", "newsletter.html", "--mjml", "out/newsletter.mjml", cwd=work)
    assert mjml.returncode == 0, mjml.stderr
    assert "out/newsletter.mjml: 4 local images" in mjml.stderr.decode()


def test_many_inputs_written_away_from_their_images_say_so_once(work: Path) -> None:
    shutil.copy(EXAMPLES / "password_reset.mwt", work / "password_reset.mwt")
    result = mw("build", "newsletter.mwt", "password_reset.mwt", "hello.mjml", "-o", "out/", cwd=work)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.decode().splitlines()
    assert [line for line in lines if "local image" in line] == [
        "2 of the files written name local images relative to their source's folder (e.g. out/newsletter.html), "
        "so there they do not show: `mailwright export --bundle` carries them, or host them and use https:// addresses"
    ]


@pytest.mark.parametrize("folder", ["welcome.mwt/", "welcome.mwt/sub/"])
def test_an_output_folder_where_a_file_is_is_bad_input_not_a_crash(work: Path, folder: str) -> None:
    # mkdir raised FileExistsError / NotADirectoryError: "internal error", exit 3.
    before = (work / "welcome.mwt").read_bytes()
    result = mw("build", "welcome.mwt", "newsletter.mwt", "-o", folder, cwd=work)
    assert result.returncode == 2
    assert result.stderr.decode().strip() == (
        f"mailwright: {folder}: welcome.mwt is a file, not a folder; give another output folder"
    )
    assert (work / "welcome.mwt").read_bytes() == before


@pytest.mark.parametrize("flag", ["--text", "--mjml"])
def test_a_folder_for_text_beside_a_file_output_is_refused_before_anything_is_written(work: Path, flag: str) -> None:
    # -o out.html was written, then --text txt/ failed with "Nothing was written".
    (work / "txt").mkdir()
    result = mw("build", "welcome.mwt", "-o", "out.html", flag, "txt/", cwd=work)
    assert result.returncode == 2
    assert f"{flag} txt/: a folder; give a file name, or write into folders: -o FOLDER/ {flag} FOLDER/" in (
        result.stderr.decode()
    )
    assert not (work / "out.html").exists()
