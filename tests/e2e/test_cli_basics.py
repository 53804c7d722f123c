"""Issue 16 item 1: --version, a mistyped command, and help that says how to open the editor."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mailwright.app.cli.main import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_version_prints_the_installed_version() -> None:
    from importlib.metadata import version

    result = subprocess.run(
        [sys.executable, "-m", "mailwright", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and result.stdout.strip() == f"mailwright {version('mailwright')}"


@pytest.mark.parametrize("word, suggestion", [("biuld", "build"), ("chek", "check"), ("exprot", "export")])
def test_a_mistyped_command_is_named_with_a_suggestion(word: str, suggestion: str, capsys) -> None:
    assert main([word, "x.mwt"]) == 2
    assert capsys.readouterr().err.strip() == f"mailwright: unknown command {word!r} (did you mean {suggestion!r}?)"


def test_a_word_that_is_no_command_lists_the_commands(capsys) -> None:
    assert main(["frobnicate"]) == 2
    err = capsys.readouterr().err
    assert "unknown command 'frobnicate'; the commands are build, " in err and "mailwright FILE.mwt" in err


def test_help_says_that_a_file_opens_the_editor(capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    assert "`mailwright FILE` (a .mwt, .mjml or .html file) or `mailwright` alone opens" in " ".join(
        capsys.readouterr().out.split()
    )


@pytest.mark.parametrize("leading", [["-v"], ["--verbose"], ["--debug"], ["--debug", "-v"]])
def test_the_options_the_help_shows_before_a_command_work_there(leading: list[str], tmp_path, capsys) -> None:
    # `mailwright [-h] [-V] [--debug] [-v] COMMAND ...`: `-v build` fell through to the
    # editor's parser ("unrecognized arguments").
    out = tmp_path / "w.html"
    assert main([*leading, "build", str(EXAMPLES / "welcome.mwt"), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    err = capsys.readouterr().err
    assert "unrecognized" not in err and "mailwright: exit 0" in err  # said on stderr, as -v/--debug do


@pytest.mark.parametrize(
    "argv, word",
    [
        ([], None),
        (["--debug"], None),  # the editor, logging on stderr (was the command line's help, exit 2)
        (["-v", "--debug"], None),
        (["--debug", "news.mwt"], "news.mwt"),  # the editor on a file (was "invalid choice")
        (["-v", "build", "x.mwt"], "build"),
        (["--verbose", "--version"], "--version"),
        (["news.mwt", "-v"], "news.mwt"),
        (["--screenshot", "x.png", "news.mwt"], "--screenshot"),  # an editor option: the editor
    ],
)
def test_the_first_word_after_the_shared_options_chooses_command_or_editor(argv, word) -> None:
    from mailwright.app.cli.main import first_word

    assert first_word(argv) == word


def test_a_mistyped_command_after_a_leading_option_is_still_named(capsys) -> None:
    assert main(["-v", "biuld", "x.mwt"]) == 2
    assert "unknown command 'biuld' (did you mean 'build'?)" in capsys.readouterr().err


def test_a_verbose_run_leaves_the_next_in_process_run_quiet(tmp_path, capsys) -> None:
    out = tmp_path / "w.html"
    assert main(["-v", "build", str(EXAMPLES / "welcome.mwt"), "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["build", str(EXAMPLES / "welcome.mwt"), "-o", str(out)]) == 0
    assert "mailwright: exit 0" not in capsys.readouterr().err
