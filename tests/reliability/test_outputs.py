"""Issue 14 items 1 and 3: no command writes over one of its inputs, and output never fails.

`mailwright build news.mwt -o news.mwt` used to replace the template with HTML (exit 0, no
.bak). Every command that writes files refuses an output that is an input, however it is
spelled (same path, `./`, `dir/../`, a symlink, a hard link), with exit 2 and the input
byte-identical. Fuzzed over commands, output options and spellings.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailwright.app.cli.main import main
from tests.reliability.conftest import POSIX, ROOT
from tests.reliability.test_fuzz import FUZZ

NEWSLETTER = ROOT / "examples" / "newsletter.mwt"
HELLO = ROOT / "examples" / "hello.mjml"
RECIPIENTS = ROOT / "examples" / "recipients.csv"

# (command line with SRC/OUT placeholders, which input OUT stands for)
CASES = {
    "build -o": (["build", "{src}", "-o", "{out}"], "src"),
    "build --text": (["build", "{src}", "--text", "{out}"], "src"),
    "build --mjml": (["build", "{src}", "-o", "{other}", "--mjml", "{out}"], "src"),
    "build --data": (["build", "{src}", "--data", "{data}", "--row", "1", "-o", "{out}"], "data"),
    "import -o": (["import", "{src}", "-o", "{out}"], "src"),
    "export --bundle": (["export", "{src}", "--bundle", "{out}"], "src"),
}
SPELLINGS = ["same", "dot", "updown", "symlink", "hardlink"]


def _spell(target: Path, how: str, folder: Path, suffix: str) -> Path:
    """A path that names `target`, written the way `how` says."""
    if how == "same":
        return target
    if how == "dot":
        return Path(os.path.relpath(target))
    if how == "updown":
        (folder / "sub").mkdir(exist_ok=True)
        return folder / "sub" / ".." / target.name
    link = folder / f"link-{how}{suffix}"
    if link.exists() or link.is_symlink():
        link.unlink()
    if how == "symlink":
        link.symlink_to(target)
    else:
        os.link(target, link)
    return link


def _run_case(tmp: Path, case: str, how: str, source: Path) -> tuple[int, Path, bytes]:
    args, which = CASES[case]
    if case == "import -o":
        source = HELLO
    src = tmp / source.name
    shutil.copyfile(source, src)
    data = tmp / "people.csv"
    shutil.copyfile(RECIPIENTS, data)
    victim = src if which == "src" else data
    # the output's own suffix where the command insists on one (through a link it can have it)
    suffix = {"import -o": ".mwt", "export --bundle": ".zip"}.get(case, ".html")
    if how in ("symlink", "hardlink"):
        out = _spell(victim, how, tmp, suffix)
    else:
        if suffix != victim.suffix:
            how = "symlink"
            out = _spell(victim, how, tmp, suffix)
        else:
            out = _spell(victim, how, tmp, suffix)
    argv = [a.format(src=src, out=out, other=tmp / "other.html", data=data) for a in args]
    before = victim.read_bytes()
    cwd = os.getcwd()
    os.chdir(tmp)
    try:
        code = main(argv)
    finally:
        os.chdir(cwd)
    return code, victim, before


@pytest.mark.skipif(not POSIX, reason="symlinks and hard links")
@settings(FUZZ, max_examples=60)
@given(st.sampled_from(sorted(CASES)), st.sampled_from(SPELLINGS), st.sampled_from([NEWSLETTER, HELLO]))
def test_no_output_option_ever_overwrites_an_input(case, how, source):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder).resolve()
        code, victim, before = _run_case(tmp, case, how, source)
        assert code == 2, (case, how)
        assert victim.read_bytes() == before
        assert not list(tmp.glob("*.bak"))
        assert not (tmp / "other.html").exists(), "nothing is built before the refusal"


def test_build_over_its_own_source_is_refused_with_a_reason(tmp_path: Path) -> None:
    src = tmp_path / "news.mwt"
    shutil.copyfile(NEWSLETTER, src)
    before = src.read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "mailwright", "build", "news.mwt", "-o", "news.mwt"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "mailwright: news.mwt: -o is the source; writing it would destroy news.mwt. Choose another output name"
    )
    assert src.read_bytes() == before and not (tmp_path / "news.mwt.bak").exists()


def test_two_outputs_that_are_one_file_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["build", str(NEWSLETTER), "-o", str(tmp_path / "a.html"), "--text", str(tmp_path / "a.html")]) == 2
    assert "-o and --text are the same file" in capsys.readouterr().err
    assert not (tmp_path / "a.html").exists()


@pytest.mark.skipif(not POSIX, reason="a symlink named .png")
def test_preview_refuses_a_png_that_links_to_the_source(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    src = tmp_path / "news.mwt"
    shutil.copyfile(NEWSLETTER, src)
    (tmp_path / "shot.png").symlink_to(src)
    assert main(["preview", str(src), "-o", str(tmp_path / "shot.png")]) == 2
    assert "is the source (through a link)" in capsys.readouterr().err
    assert src.read_bytes() == NEWSLETTER.read_bytes()


@pytest.mark.parametrize(
    "argv",
    [
        ["build", "news.mwt", "-o", "{victim}"],
        ["build", "news.mwt", "-o", "out.html", "--text", "{victim}"],
        ["build", "news.mwt", "-o", "out.html", "--mjml", "{victim}"],
        ["build", "news.mwt", "--data", "people.csv", "--row", "1", "-o", "{victim}"],
        ["build", "news.mwt", "-o", "{link}"],  # a link to the picture is the picture
        ["preview", "news.mwt", "-o", "{victim}"],  # a PNG of the email over a PNG it shows
    ],
)
def test_no_output_overwrites_a_picture_the_email_shows(tmp_path: Path, capsys, argv: list[str]) -> None:
    # `build news.mwt -o assets/logo.png` replaced the newsletter's picture with its HTML (exit 0).
    if argv[0] == "preview":
        pytest.importorskip("PySide6.QtWebEngineWidgets")
    shutil.copyfile(NEWSLETTER, tmp_path / "news.mwt")
    shutil.copytree(ROOT / "examples" / "assets", tmp_path / "assets")
    shutil.copyfile(RECIPIENTS, tmp_path / "people.csv")
    victim = tmp_path / "assets" / "dry-border-600x480.png"
    (tmp_path / "pic.png").symlink_to(victim)
    before = victim.read_bytes()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        code = main([a.format(victim="assets/dry-border-600x480.png", link="pic.png") for a in argv])
    finally:
        os.chdir(cwd)
    assert code == 2
    err = capsys.readouterr().err
    assert "is an image the email shows (assets/dry-border-600x480.png)" in err and "writing it would destroy" in err
    assert victim.read_bytes() == before
    assert not (tmp_path / "out.html").exists(), "nothing is written before the refusal"


def test_no_output_overwrites_a_partial_the_template_includes(tmp_path: Path, capsys) -> None:
    (tmp_path / "parts").mkdir()
    header = tmp_path / "parts" / "header.mjml"
    header.write_text("<mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section>", encoding="utf-8")
    (tmp_path / "news.mjml").write_text(
        '<mjml><mj-body><mj-include path="./parts/header.mjml" /></mj-body></mjml>', encoding="utf-8"
    )
    before = header.read_bytes()
    assert main(["build", str(tmp_path / "news.mjml"), "-o", str(header)]) == 2
    assert "-o is a partial the template includes" in capsys.readouterr().err
    assert header.read_bytes() == before


def test_an_output_named_like_a_missing_picture_is_written(tmp_path: Path) -> None:
    # Only an existing file can be destroyed: no refusal, and no image reading, for a new output.
    shutil.copyfile(NEWSLETTER, tmp_path / "news.mwt")
    out = tmp_path / "assets" / "dry-border-600x480.png"
    out.parent.mkdir()
    assert main(["build", str(tmp_path / "news.mwt"), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_outputs_that_are_not_inputs_still_work(tmp_path: Path) -> None:
    src = tmp_path / "news.mwt"
    shutil.copyfile(NEWSLETTER, src)
    assert (
        main(
            [
                "build",
                str(src),
                "-o",
                str(tmp_path / "news.html"),
                "--text",
                str(tmp_path / "news.txt"),
                "--mjml",
                str(tmp_path / "news.mjml"),
            ]
        )
        == 0
    )
    assert (tmp_path / "news.html").read_text().startswith("<!doctype html>")
    assert src.read_bytes() == NEWSLETTER.read_bytes()


# --- item 3: output never fails once the work is done ------------------------------------------


def _cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "mailwright", *args],
        cwd=cwd,
        capture_output=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.skipif(not POSIX or sys.platform == "darwin", reason="a file name that is not UTF-8")
def test_a_file_name_that_is_not_utf8_is_printed_as_its_bytes(tmp_path: Path) -> None:
    name = b"\xff\xfe.mwt"
    shutil.copyfile(NEWSLETTER, os.path.join(os.fsencode(tmp_path), name))
    shutil.copytree(NEWSLETTER.parent / "assets", tmp_path / "assets")  # its pictures
    text = _cli("check", os.fsdecode(name), cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines()[-1].startswith(b"\xff\xfe.mwt: 0 errors")
    ascii_only = _cli("check", os.fsdecode(name), cwd=tmp_path, env={"PYTHONIOENCODING": "ascii"})
    assert ascii_only.returncode == 0, ascii_only.stderr
    as_json = _cli("check", os.fsdecode(name), "--format", "json", cwd=tmp_path)
    assert as_json.returncode == 0
    import json

    json.loads(as_json.stdout.decode("utf-8"))  # still valid UTF-8 JSON


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_delivered_send_in_a_narrow_console_encoding_exits_0(tmp_path: Path, encoding: str) -> None:
    """The send that arrived used to exit 1 (UnicodeEncodeError), so a retrying pipeline sent twice."""
    from mailwright.app.send.inbox import Inbox

    doc = tmp_path / "ünïcødé → 📧.mwt"
    shutil.copyfile(NEWSLETTER, doc)
    with Inbox(tmp_path / "store") as inbox:
        result = _cli(
            "send",
            doc.name,
            "--to",
            "zoë@example.com",
            "--smtp",
            f"127.0.0.1:{inbox.port}",
            "--security",
            "none",
            "--subject-prefix",
            "Tëst → ",
            cwd=tmp_path,
            env={"PYTHONIOENCODING": encoding},
        )
        arrived = inbox.list_messages()
    assert len(arrived) == 1, result.stderr
    assert result.returncode == 0, result.stderr
    assert b"internal error" not in result.stderr
    line = result.stdout.decode(encoding).strip()
    assert line.startswith("sent 'T") and line.endswith(f"via 127.0.0.1:{inbox.port}")
    assert "\\u2192" in line  # what the console cannot show is escaped, not fatal


# --- item 10: an internal error has its own exit code ----------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
def test_an_internal_error_exits_3_and_debug_prints_the_traceback(
    debug: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    import mailwright.app.cli.build as build_command

    def a_bug(args):  # stands in for any bug of ours inside a command
        raise ZeroDivisionError("x" * 10_000)

    monkeypatch.setattr(build_command, "run", a_bug)
    assert main(["build", str(NEWSLETTER), *(["--debug"] if debug else [])]) == 3
    err = capsys.readouterr().err
    assert "internal error (ZeroDivisionError: xxx" in err
    assert len(err.splitlines()[-1]) < 400, "the message quotes at most ~200 characters of the value"
    assert ("Traceback (most recent call last)" in err) is debug
    assert ("run again with --debug" in err) is not debug
