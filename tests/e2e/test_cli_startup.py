"""Issue 16 item 4: a command imports only what it needs (a start is mostly imports).

Each check runs a fresh interpreter and lists the heavy modules it ended up holding; no timing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

# Run main() like the `mailwright` script does, then say which heavy top-level packages loaded.
_PROBE = """
import json, sys
from mailwright.app.cli.main import main
try:
    code = main(sys.argv[1:])
except SystemExit as e:  # argparse's --version and --help exit
    code = e.code
heavy = {"pydantic", "jinja2", "premailer", "lxml", "mjml", "ssl", "PySide6", "cssutils"}
# the CSS inliner, the merge renderer, lxml's HTML layer (plain lxml reads the rich text)
ours = {"mailwright.app.build.inline", "mailwright.app.merge.render", "lxml.html"}
loaded = ({m.split(".")[0] for m in sys.modules} & heavy) | (set(sys.modules) & ours)
from mailwright.app.cli.main import COMMAND_MODULES
commands = sorted(f"mailwright.app.cli.{m}" for m in COMMAND_MODULES.values() if f"mailwright.app.cli.{m}" in sys.modules)
print(json.dumps({"code": code, "loaded": sorted(loaded), "commands": commands}), file=sys.stderr)
"""


def _report(*args: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, timeout=60, cwd=ROOT)
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, None), proc.stderr
    return report


def _loaded(*args: str) -> set[str]:
    return set(_report(*args)["loaded"])


def test_version_loads_no_model_compiler_or_network_stack() -> None:
    assert _loaded("--version") == set()


def test_a_build_loads_neither_the_merge_renderer_nor_the_css_inliner(tmp_path: Path) -> None:
    # The newsletter has merge tags: they are checked and kept, never rendered, in a build.
    loaded = _loaded("build", str(EXAMPLES / "newsletter.mwt"), "-o", str(tmp_path / "out.html"))
    assert (tmp_path / "out.html").stat().st_size > 10_000
    assert "jinja2" not in loaded and "premailer" not in loaded and "cssutils" not in loaded, loaded
    assert "ssl" not in loaded and "PySide6" not in loaded, loaded
    # It has no CSS to inline: the inliner (and the logging it sets up) stays out too.
    assert "mailwright.app.build.inline" not in loaded and "mailwright.app.merge.render" not in loaded, loaded
    assert "lxml.html" not in loaded, loaded


@pytest.mark.parametrize("starter", sorted(p.name for p in EXAMPLES.glob("*.mwt")))
def test_a_starter_build_without_text_loads_no_lxml(tmp_path: Path, starter: str) -> None:
    # Its rich text is all in the plain subset the editor writes (read without lxml), and no
    # plain-text part is made when --text is not asked for: ~9 ms of every start.
    loaded = _loaded("build", str(EXAMPLES / starter), "-o", str(tmp_path / "out.html"))
    assert "lxml" not in loaded, loaded


def test_the_plain_text_is_still_written_when_asked_for(tmp_path: Path) -> None:
    html, text = tmp_path / "out.html", tmp_path / "out.txt"
    _report("build", str(EXAMPLES / "newsletter.mwt"), "-o", str(html), "--text", str(text))
    alone = tmp_path / "alone.html"
    _report("build", str(EXAMPLES / "newsletter.mwt"), "-o", str(alone))
    assert html.read_bytes() == alone.read_bytes()  # the HTML does not depend on the text
    assert "View in your browser" in text.read_text(encoding="utf-8")


def test_an_mjml_build_loads_neither_the_merge_renderer_nor_qt(tmp_path: Path) -> None:
    loaded = _loaded("build", str(EXAMPLES / "hello.mjml"), "-o", str(tmp_path / "out.html"))
    assert "jinja2" not in loaded and "PySide6" not in loaded and "ssl" not in loaded, loaded
    assert "lxml" not in loaded, loaded  # no --text: no plain-text part, and nothing else needs it


def test_a_command_imports_only_its_own_command_module(tmp_path: Path) -> None:
    # `build` parses only its own arguments: check, preview, send, … stay unimported.
    commands = _report("build", str(EXAMPLES / "newsletter.mwt"), "-o", str(tmp_path / "out.html"))["commands"]
    assert set(commands) == {"mailwright.app.cli.build"}, commands
    assert _report("themes")["commands"] == []
    # The top-level help still lists every command.
    proc = subprocess.run(
        [sys.executable, "-m", "mailwright", "-h"], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    for command in ("build", "check", "preview", "send", "inbox", "import", "export", "themes", "blocks", "dialects"):
        assert f"    {command}" in proc.stdout, proc.stdout


_EXIT_PROBE = """
import atexit, gc, sys
import mailwright.app.build.pipeline  # the models freeze themselves when built: count what comes after
from mailwright.app.cli.main import main
before = gc.get_freeze_count()
atexit.register(lambda: print("frozen", gc.get_freeze_count() > before, file=sys.stderr))
if sys.argv[1] == "in-process":
    main(sys.argv[2:])
else:
    sys.argv = ["mailwright", *sys.argv[2:]]
    main()
"""


def test_a_finished_command_leaves_its_objects_out_of_the_exit_collection(tmp_path: Path) -> None:
    # The shutdown would walk every model and schema once more (~50 ms of a one-file build).
    def frozen(how: str) -> str:
        out = tmp_path / f"{how}.html"
        args = [how, "build", str(EXAMPLES / "newsletter.mwt"), "-o", str(out)]
        proc = subprocess.run([sys.executable, "-c", _EXIT_PROBE, *args], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0 and out.stat().st_size > 10_000, proc.stderr
        return proc.stderr.strip().splitlines()[-1]

    assert frozen("program") == "frozen True"
    # Called in-process (tests, other tools), main() leaves the collector alone.
    assert frozen("in-process") == "frozen False"


def test_building_the_document_models_runs_no_collection_and_leaves_the_collector_on() -> None:
    # The models are tens of thousands of objects that all live on: collecting meanwhile, or
    # walking them in later collections, is waste (they end up frozen).
    probe = (
        "import gc, sys\n"
        "import mailwright.blocks, mailwright.app.document.layout_fields\n"
        "runs = []\n"
        "gc.callbacks.append(lambda phase, info: runs.append(info['generation']) if phase == 'start' else None)\n"
        "import mailwright.app.document.model\n"
        "print(len(runs), gc.isenabled() and gc.get_freeze_count() > 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=ROOT)
    runs, enabled = proc.stdout.split()
    # A few may run while the module itself is read, before its first line (~50 ran before).
    assert int(runs) <= 5 and enabled == "True", proc.stdout + proc.stderr
