"""handlebars.js, the real engine, for the tests: SendGrid, Mailgun, SES, Iterable, Handlebars.

`make test` installs handlebars.js with npm into tests/.node/; `unavailable()` says why a test
must skip when node or that install is missing. `render_many` renders a batch in one node
process (handlebars_render.js), with each ESP's documented helpers registered as shims.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
MODULES = ROOT / "tests" / ".node" / "node_modules"
SCRIPT = Path(__file__).with_name("handlebars_render.js")


def unavailable() -> str | None:
    """Why handlebars.js cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed (handlebars.js runs in node)"
    if not (MODULES / "handlebars" / "package.json").is_file():
        return "handlebars.js is not in tests/.node/ (make test installs it with npm)"
    return None


class HandlebarsError(RuntimeError):
    pass


def render_many(jobs: list[tuple[str, str, dict[str, Any]]]) -> list[str | HandlebarsError]:
    """[(esp, template, data)] -> the rendered text, or the engine's error, for each."""
    payload = json.dumps([{"esp": e, "template": t, "data": d} for e, t, d in jobs])
    proc = subprocess.run(
        ["node", str(SCRIPT), str(MODULES)], input=payload, capture_output=True, text=True, timeout=120, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"handlebars_render.js failed: {proc.stderr.strip()[-500:]}")
    return [r["out"] if "out" in r else HandlebarsError(r["error"]) for r in json.loads(proc.stdout)]


def render(esp: str, template: str, data: dict[str, Any]) -> str:
    result = render_many([(esp, template, data)])[0]
    if isinstance(result, HandlebarsError):
        raise result
    return result
