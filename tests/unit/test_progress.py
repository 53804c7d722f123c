"""The progress bar of long per-recipient loops (app/progress.py): drawn on a terminal only,
erased when the loop ends, plain ASCII where the terminal cannot show block characters."""

from __future__ import annotations

import io

import pytest

from mailwright.app import progress


class FakeTerminal(io.StringIO):
    def __init__(self, tty: bool = True, encoding: str = "utf-8") -> None:
        super().__init__()
        self._tty, self._encoding = tty, encoding

    def isatty(self) -> bool:
        return self._tty

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding


@pytest.fixture(autouse=True)
def no_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")


def test_a_terminal_gets_a_bar_that_ends_erased() -> None:
    term = FakeTerminal()
    with progress.terminal_bar(term):
        assert [n for n, _ in progress.counted(list("abcd"), "checking recipients")] == [1, 2, 3, 4]
    text = term.getvalue()
    assert "checking recipients [" in text and "3/4" in text and "75%" in text and "█" in text
    assert text.endswith("\r\x1b[K")


def test_no_bar_without_a_terminal_or_outside_the_block(monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = FakeTerminal(tty=False)
    with progress.terminal_bar(pipe):
        list(progress.counted(range(5), "x"))
    assert pipe.getvalue() == ""
    assert list(progress.counted("ab", "x")) == [(1, "a"), (2, "b")]  # no bar installed: plain enumerate
    for name, value in (("TERM", "dumb"), ("CI", "true")):
        monkeypatch.setenv(name, value)
        term = FakeTerminal()
        with progress.terminal_bar(term):
            list(progress.counted(range(5), "x"))
        assert term.getvalue() == "", name
        monkeypatch.setenv("TERM", "xterm")
        monkeypatch.delenv("CI", raising=False)


def test_an_ascii_terminal_gets_an_ascii_bar() -> None:
    term = FakeTerminal(encoding="ascii")
    with progress.terminal_bar(term):
        list(progress.counted(range(4), "x"))
    assert "[######" in term.getvalue() and term.getvalue().isascii()


def test_a_loop_that_fails_still_erases_its_bar() -> None:
    term = FakeTerminal()
    with pytest.raises(RuntimeError), progress.terminal_bar(term):
        for n, _ in progress.counted(range(10), "x"):
            if n == 5:
                raise RuntimeError("row 5")
    assert term.getvalue().endswith("\r\x1b[K")
