"""Issue 16 item 6: the log file rotates at 1 MB and keeps three old copies."""

from __future__ import annotations

from pathlib import Path

from mailwright.app import logs


def test_a_full_log_is_rotated_keeping_three_old_copies(tmp_path: Path) -> None:
    log = tmp_path / "mailwright.log"
    for generation in range(5):
        log.write_text(f"generation {generation}\n" + "x" * logs.MAX_BYTES)
        logs._rotate(log)
    assert not log.exists()
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == ["mailwright.log.1", "mailwright.log.2", "mailwright.log.3"]
    assert (tmp_path / "mailwright.log.1").read_text().startswith("generation 4")
    assert (tmp_path / "mailwright.log.3").read_text().startswith("generation 2")


def test_a_small_log_is_left_alone(tmp_path: Path) -> None:
    log = tmp_path / "mailwright.log"
    log.write_text("one line\n")
    logs._rotate(log)
    assert log.read_text() == "one line\n"
