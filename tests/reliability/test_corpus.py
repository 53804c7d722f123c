"""Replays every input in tests/corpus/ (see its README): each one once broke something, or is a
known-dangerous input from bad-inputs.md, and must keep getting a clean outcome forever.

Large inputs are generator specs (`*.gen.json`) expanded here at test time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.reliability import oracles
from tests.reliability.conftest import CORPUS

AREAS = ("mjml", "merge", "csv", "mwt", "import")


@dataclass(frozen=True)
class Case:
    area: str
    path: Path
    name: str
    data: bytes
    expect: str | None


def _expand(spec: dict) -> bytes:
    encoding = spec.get("encoding", "utf-8")
    out = bytearray()
    for part in spec["parts"]:
        kind = part[0]
        if kind == "text":
            out += part[1].encode(encoding)
        elif kind == "repeat":
            out += (part[1] * part[2]).encode(encoding)
        elif kind == "hex":
            out += bytes.fromhex(part[1])
        else:
            raise ValueError(f"unknown part {kind!r}")
    return bytes(out)


def load_case(area: str, path: Path) -> Case:
    if path.name.endswith(".gen.json"):
        spec = json.loads(path.read_text(encoding="utf-8"))
        return Case(area, path, spec["name"], _expand(spec), spec.get("expect"))
    meta_path = path.with_name(path.name + ".meta.json")
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    return Case(area, path, path.name, path.read_bytes(), meta.get("expect"))


def corpus_files() -> list[tuple[str, Path]]:
    files = []
    for area in AREAS:
        for path in sorted((CORPUS / area).iterdir()):
            if path.name.endswith(".meta.json") or path.name.startswith("."):
                continue
            files.append((area, path))
    return files


def test_the_corpus_has_every_area_and_no_stray_files():
    assert {p.name for p in CORPUS.iterdir() if p.is_dir()} == set(AREAS)
    counts = {area: sum(1 for a, _ in corpus_files() if a == area) for area in AREAS}
    assert all(counts.values()), counts
    for area, path in corpus_files():
        load_case(area, path)  # every spec parses


@pytest.mark.parametrize("area, path", corpus_files(), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_corpus_case(area, path, compile_worker, import_worker, tmp_path):
    case = load_case(area, path)
    source = f"corpus/{area}/{case.name}"
    errors: list[str] = []
    if area == "merge":
        outcome = _capture(errors, lambda: oracles.merge(case.data.decode("utf-8"), source))
    elif area == "csv":
        outcome = _capture(errors, lambda: oracles.csv(case.data, source))
    elif area == "mwt":
        text = case.data.decode("utf-8")
        outcome = _capture(errors, lambda: oracles.mwt(text, source))
        if outcome == "ok":  # it loads: the editor would compile it next
            outcome = _capture(errors, lambda: oracles.mwt_build(compile_worker, text, source))
    elif area == "mjml":
        outcome = _capture(errors, lambda: oracles.mjml_build(compile_worker, case.data.decode("utf-8"), source))
    else:
        target = tmp_path / case.name
        target.write_bytes(case.data)
        outcome = _capture(errors, lambda: oracles.import_path(import_worker, target))
    if case.expect is not None:
        assert outcome == "refused", f"{source}: expected a refusal mentioning {case.expect!r}, got {outcome}"
        assert case.expect in errors[0], f"{source}: {case.expect!r} not in {errors[0]!r}"


def _capture(errors: list[str], run) -> str:
    """Run an oracle; keep its rejection message. Any exception type an oracle does not accept
    escapes it and fails the test with its traceback."""
    oracles.LAST_ERROR.clear()
    outcome = run()
    if outcome == "refused":
        errors.append(oracles.LAST_ERROR["message"])
    return outcome
