"""What counts as a clean outcome for each kind of hostile input, shared by the fuzz tests and
the corpus replay: a result, or the area's own error whose message names the source (and the
place, where the area has one). Anything else (another exception type, a crash of the worker,
a hang) fails the test with the input attached."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

WAIT = 90  # seconds for one worker job; the worker's own timeout is 30 s
LAST_ERROR: dict[str, str] = {}  # the message of the last refusal (the corpus checks its wording)

_MERGE_MESSAGE = re.compile(r"^(?P<source>[^\n]+?):(?P<line>\d+):(?P<col>-?\d+): \S")


def merge(text: str, source: str = "fuzz.mwt") -> str:
    """Parse, and when it parses, render it: MergeSyntaxError/RenderError only, located."""
    from mailwright.app.merge import CompiledTemplate, MergeSyntaxError, RenderError, parse

    try:
        nodes = parse(text, source)
    except MergeSyntaxError as e:
        m = _MERGE_MESSAGE.match(str(e))
        assert m and m.group("source") == source, f"unlocated merge error: {e}"
        assert e.pos.line >= 1, e.pos
        LAST_ERROR["message"] = str(e)
        return "refused"
    for mode in ("html", "text", "header"):
        try:
            CompiledTemplate(nodes, mode).render({"a": "1", "l": [{"x": 1}], "x": "<b>"})
        except RenderError as e:
            assert str(e), "an empty render error"
    return "ok"


def csv(data: bytes, source: str = "fuzz.csv") -> str:
    from mailwright.app.recipients import RecipientsError, parse_csv

    try:
        rows = parse_csv(data, source)
    except RecipientsError as e:
        assert str(e).startswith(f"{source}: ") and len(str(e)) > len(source) + 10, str(e)
        LAST_ERROR["message"] = str(e)
        return "refused"
    for row in rows.rows:  # what the app does next: every value is text, every key a column
        assert set(row) <= set(rows.fields) and all(isinstance(v, str) for v in row.values())
    return "ok"


def mwt(text: str, source: str = "fuzz.mwt") -> str:
    from mailwright.app.document.storage import DocumentError, dumps_document, loads_document

    try:
        doc = loads_document(text, source)
    except DocumentError as e:
        message = str(e)
        assert message.startswith(source), message
        rest = message[len(source) :]
        assert re.match(r"^(:\d+:\d+: |: \S)", rest), f"unlocated: {message}"
        LAST_ERROR["message"] = message
        return "refused"
    again = loads_document(dumps_document(doc), source)  # what loads must also save and reload
    assert dumps_document(again) == dumps_document(doc)
    return "ok"


def _worker_outcome(future: Any, source: str, allowed: tuple[type, ...]) -> str:
    from mailwright.app.worker import JobTimeout, WorkerCrashed

    try:
        future.result(WAIT)
    except (WorkerCrashed, JobTimeout) as e:
        raise AssertionError(f"the worker did not survive: {e}") from None
    except allowed as e:
        assert str(e).startswith(source), f"the message does not name the source: {e}"
        assert len(str(e)) > len(source) + 10, str(e)
        LAST_ERROR["message"] = str(e)
        return "refused"
    return "ok"


def mjml_build(worker: Any, text: str, source: str = "fuzz.mjml") -> str:
    """An MJML source through the editor's compile worker."""
    from mailwright.app.build.pipeline import BuildError

    return _worker_outcome(worker.submit("mjml", text, source), source, (BuildError,))


def mwt_build(worker: Any, text: str, source: str = "fuzz.mwt") -> str:
    """A document (JSON text) through the editor's compile worker."""
    from mailwright.app.build.pipeline import BuildError
    from mailwright.app.document.storage import DocumentError

    return _worker_outcome(worker.submit("mwt", text, source, True), source, (BuildError, DocumentError))


def import_path(worker: Any, path: Path) -> str:
    """`import_file` on a file in a child process (any bytes, .mjml or .html)."""
    from mailwright.app.document.storage import DocumentError

    return _worker_outcome(worker.submit(str(path)), str(path), (DocumentError,))
