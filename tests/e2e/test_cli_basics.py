"""Issue 16 item 1: --version, a mistyped command, and help that says how to open the editor."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mailwright.app.cli.main import main


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
