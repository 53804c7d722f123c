"""`make corpus DIR=folder`: how faithfully Mailwright builds and imports real MJML templates.

For every .mjml file under the folder (recursively; partials that other files mj-include, and
fragments without an <mjml> root, are not measured on their own), this

  (a) builds it with Mailwright (`build_file`, what `mailwright build` runs),
  (b) builds it with node `mjml` (the version bench/run.py pins, in bench/node/; installed there
      with npm when missing; skipped with the reason when node or npm is not there),
  (c) imports it to a document (`import_report`, what `mailwright import` runs) and builds that,

and compares (tests/support/fidelity.py): visible text and tag sequence equal to node's, the
share of elements whose inline style equals node's, literal `\\n` in attribute values (must be
0), the editable share of the import (editable blocks / all blocks) and whether the rebuilt
document keeps the direct build's text and tags. It prints a table and writes
bench/corpus-results.json. It fetches nothing itself (node `mjml` aside, as `make bench` does).

    .venv/bin/python bench/corpus.py /path/to/templates [--no-node] [--diff] [--out FILE]

The JSON holds figures, file names and error messages only, never text of the templates
(a corpus may not be ours to copy); `--diff` prints the first difference to the terminal.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS = BENCH / "corpus-results.json"
ERROR_CHARS = 240  # error messages in the table and JSON are cut to this

sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.support.fidelity import (  # noqa: E402 - needs ROOT on sys.path
    literal_breaks,
    style_agreement,
    tag_sequence,
    visible_text,
)

# One node process compiles every file, each with its own path so that mj-include resolves
# relative to it (mjml 5 ignores includes unless asked).
NODE_SCRIPT = r"""
const fs = require("fs"), path = require("path");
const [modules, ...files] = process.argv.slice(1);
const mjmlDir = path.join(path.resolve(modules), "mjml");
const mjml2html = require(mjmlDir);
(async () => {
  const out = {version: JSON.parse(fs.readFileSync(path.join(mjmlDir, "package.json"), "utf8")).version,
               results: {}};
  for (const file of files) {
    try {
      const r = await mjml2html(fs.readFileSync(file, "utf8"), {validationLevel: "soft", filePath: file,
        ignoreIncludes: false, includePath: [path.dirname(file)]});
      out.results[file] = {html: r.html, errors: (r.errors || []).map(e => e.formattedMessage || e.message)};
    } catch (e) {
      out.results[file] = {html: null, errors: [String(e && e.message || e)]};
    }
  }
  process.stdout.write(JSON.stringify(out));
})();
"""

_INCLUDE_PATH = re.compile(r"<mj-include\b[^>]*?\bpath\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.I)
_ROOT_TAG = re.compile(r"<mjml\b", re.I)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def short(message: str) -> str:
    message = " ".join(str(message).split())
    return message if len(message) <= ERROR_CHARS else message[: ERROR_CHARS - 1] + "…"


# --- which files -----------------------------------------------------------------------------


def templates(folder: Path) -> tuple[list[Path], list[Path]]:
    """(files to measure, partials left out): a partial is a file another one includes, or a
    fragment without an <mjml> root."""
    files = sorted(p for p in folder.rglob("*.mjml") if p.is_file())
    included: set[Path] = set()
    texts: dict[Path, str] = {}
    for p in files:
        texts[p] = p.read_text(encoding="utf-8", errors="replace")
        for m in _INCLUDE_PATH.finditer(texts[p]):
            ref = m.group(1) or m.group(2) or ""
            target = (p.parent / ref).resolve()
            included.add(target)
            if target.suffix == "":
                included.add(target.with_suffix(".mjml"))
    keep = [p for p in files if p.resolve() not in included and _ROOT_TAG.search(texts[p])]
    return keep, [p for p in files if p not in keep]


# --- node mjml -----------------------------------------------------------------------------------


def _bench_run():
    """bench/run.py as a module (its pinned version and npm install live there)."""
    spec = importlib.util.spec_from_file_location("mailwright_bench_run", BENCH / "run.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def node_builds(files: list[Path]) -> tuple[dict[str, Any], str | None, str | None]:
    """({file: {"html", "errors"}}, mjml version, reason when node mjml is not available)."""
    modules, version, reason = _bench_run().ensure_node_mjml()
    if modules is None:
        return {}, version, reason
    try:
        proc = subprocess.run(
            ["node", "-e", NODE_SCRIPT, str(modules), *map(str, files)], capture_output=True, text=True, timeout=900
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        return {}, version, f"node mjml did not run: {e}"
    if proc.returncode != 0:
        return {}, version, f"node mjml failed: {short(proc.stderr)}"
    data = json.loads(proc.stdout)
    return data["results"], data["version"], None


# --- one file ------------------------------------------------------------------------------------


def _first_difference(a: str, b: str) -> int:
    n = min(len(a), len(b))
    return next((i for i in range(n) if a[i] != b[i]), n)


def _excerpt(a: str, b: str) -> str:
    at = _first_difference(a, b)
    lo = max(at - 40, 0)
    return f"…{a[lo : at + 60]!r}\n      vs …{b[lo : at + 60]!r}"


def _tags_equal(a: str, b: str) -> bool:
    return tag_sequence(a) == tag_sequence(b)


def measure(path: Path, node: dict[str, Any] | None, diffs: list[str]) -> dict[str, Any]:
    """The figures for one template; `node` is node mjml's result for it (None: not run)."""
    from mailwright.app.importer import import_report
    from mailwright.app.build.pipeline import BuildError, build_document, build_file

    res: dict[str, Any] = {"builds": False, "build_error": None}
    html = None
    t0 = time.perf_counter()
    try:
        html = build_file(path).html
        res["builds"] = True
    except BuildError as e:
        res["build_error"] = short(str(e))
    except Exception as e:  # noqa: BLE001 - a crash is a finding, not the end of the run
        res["build_error"] = short(f"crash: {type(e).__name__}: {e}")
    res["build_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    res["literal_breaks"] = literal_breaks(html) if html is not None else None

    node_html = node.get("html") if node else None
    res["node_builds"] = None if node is None else node_html is not None
    res["node_errors"] = None if node is None else len(node.get("errors") or [])
    res["text_equal"] = res["tags_equal"] = res["styles_equal_pct"] = None
    if html is not None and node_html:
        text, node_text = visible_text(html), visible_text(node_html)
        res["text_equal"] = text == node_text
        if not res["text_equal"]:
            diffs.append(
                f"{path.name}: text differs from node's at character {_first_difference(text, node_text)}:"
                f"\n      {_excerpt(text, node_text)}"
            )
        res["tags_equal"] = _tags_equal(html, node_html)
        styles = style_agreement(node_html, html)
        res["styles_equal_pct"] = round(styles.percent, 1)
        res["elements"], res["elements_equal"] = styles.total, styles.equal
        res["style_differences"] = dict(styles.properties.most_common(5))

    res.update(
        imports=False,
        import_error=None,
        blocks=None,
        editable=None,
        editable_pct=None,
        rebuild_text_equal=None,
        rebuild_tags_equal=None,
        rebuild_literal_breaks=None,
    )
    try:
        report = import_report(path)  # what `mailwright import FILE` runs
        doc = report.document
        res["imports"] = True
        res["blocks"] = sum(1 for _ in doc.iter_blocks())
        res["editable"] = sum(report.editable.values())
        res["editable_pct"] = round(100 * res["editable"] / res["blocks"], 1) if res["blocks"] else None
        res["raw_reasons"] = dict(Counter(_reason(why) for _id, _el, why in report.raw).most_common(5))
        rebuilt = build_document(doc, source=str(path)).html
    except (BuildError, ValueError) as e:  # ImportFailed is a ValueError
        res["import_error"] = short(str(e))
        return res
    except Exception as e:  # noqa: BLE001
        res["import_error"] = short(f"crash: {type(e).__name__}: {e}")
        return res
    res["rebuild_literal_breaks"] = literal_breaks(rebuilt)
    if html is not None:
        a, b = visible_text(html), visible_text(rebuilt)
        res["rebuild_text_equal"] = a == b
        if a != b:
            diffs.append(
                f"{path.name}: the imported document's text differs from the direct build at character "
                f"{_first_difference(a, b)}:\n      {_excerpt(b, a)}"
            )
        res["rebuild_tags_equal"] = _tags_equal(html, rebuilt)
        res["rebuild_styles_equal_pct"] = round(style_agreement(html, rebuilt).percent, 1)
    return res


def _reason(why: str) -> str:
    """An import reason without its particulars (`a Text block cannot hold it (line-height)` →
    `a Text block cannot hold it`), so reasons add up across files."""
    return why.split(" (", 1)[0]


# --- totals and the table ------------------------------------------------------------------------


def _count(results: dict[str, dict[str, Any]], key: str) -> tuple[int, int]:
    values = [r[key] for r in results.values() if r.get(key) is not None]
    return sum(1 for v in values if v), len(values)


def totals(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    rs = list(results.values())
    elements = sum(r.get("elements") or 0 for r in rs)
    styled = sum(r.get("elements_equal") or 0 for r in rs)
    blocks = sum(r["blocks"] or 0 for r in rs)
    editable = sum(r["editable"] or 0 for r in rs)
    reasons: Counter = Counter()
    styles: Counter = Counter()
    for r in rs:
        reasons.update(r.get("raw_reasons") or {})
        styles.update(r.get("style_differences") or {})

    def pair(key: str) -> list[int]:
        return list(_count(results, key))

    return {
        "files": len(rs),
        "builds": pair("builds"),
        "node_builds": pair("node_builds"),
        "text_equal": pair("text_equal"),
        "tags_equal": pair("tags_equal"),
        "styles_equal_pct": round(100 * styled / elements, 1) if elements else None,
        "elements_compared": elements,
        "literal_breaks": sum(r["literal_breaks"] or 0 for r in rs),
        "imports": pair("imports"),
        "blocks": blocks,
        "editable": editable,
        "editable_pct": round(100 * editable / blocks, 1) if blocks else None,
        "rebuild_text_equal": pair("rebuild_text_equal"),
        "rebuild_tags_equal": pair("rebuild_tags_equal"),
        "rebuild_literal_breaks": sum(r["rebuild_literal_breaks"] or 0 for r in rs),
        "top_raw_reasons": dict(reasons.most_common(6)),
        "top_style_differences": dict(styles.most_common(6)),
    }


def _yes(value: Any) -> str:
    return "–" if value is None else ("yes" if value else "NO")


def _pct(value: Any) -> str:
    return "–" if value is None else f"{value:g}%"


def print_table(results: dict[str, dict[str, Any]], total: dict[str, Any]) -> None:
    head = ("file", "build", "node", "text", "tags", "styles", "\\n", "editable", "re-text", "re-tags")
    rows = [head]
    for name, r in results.items():
        editable = "–" if r["editable"] is None else f"{r['editable']}/{r['blocks']}"
        rows.append(
            (
                name,
                _yes(r["builds"]),
                _yes(r["node_builds"]),
                _yes(r["text_equal"]),
                _yes(r["tags_equal"]),
                _pct(r["styles_equal_pct"]),
                "–" if r["literal_breaks"] is None else str(r["literal_breaks"]),
                editable if r["imports"] else "NO",
                _yes(r["rebuild_text_equal"]),
                _yes(r["rebuild_tags_equal"]),
            )
        )

    def frac(key: str) -> str:
        n, d = total[key]
        return f"{n}/{d}"

    rows.append(
        (
            "TOTAL",
            frac("builds"),
            frac("node_builds"),
            frac("text_equal"),
            frac("tags_equal"),
            _pct(total["styles_equal_pct"]),
            str(total["literal_breaks"]),
            f"{total['editable']}/{total['blocks']}",
            frac("rebuild_text_equal"),
            frac("rebuild_tags_equal"),
        )
    )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    for n, row in enumerate(rows):
        if n in (1, len(rows) - 1):
            print("  ".join("-" * w for w in widths))
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
    print(
        f"\neditable share {_pct(total['editable_pct'])}; inline styles equal to node's on "
        f"{_pct(total['styles_equal_pct'])} of {total['elements_compared']} elements; literal \\n in attribute "
        f"values: {total['literal_breaks']} (rebuilt documents: {total['rebuild_literal_breaks']})"
    )
    if total["top_style_differences"]:
        print(
            "style properties differing most (elements):",
            ", ".join(f"{k} {v}" for k, v in total["top_style_differences"].items()),
        )
    if total["top_raw_reasons"]:
        reasons = "; ".join(f"{k}: {v}" for k, v in total["top_raw_reasons"].items())
        print("blocks kept as written, top reasons:", reasons)
    worst = sorted((r["styles_equal_pct"], name) for name, r in results.items() if r["styles_equal_pct"] is not None)
    if worst:
        print("lowest style agreement:", ", ".join(f"{name} {pct:g}%" for pct, name in worst[:5]))
    least = sorted((r["editable_pct"], name) for name, r in results.items() if r["editable_pct"] is not None)
    if least:
        print("least editable:", ", ".join(f"{name} {pct:g}%" for pct, name in least[:5]))
    for name, r in results.items():
        for key in ("build_error", "import_error"):
            if r.get(key):
                print(f"{name}: {key.replace('_', ' ')}: {r[key]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="a folder of .mjml templates (searched recursively)")
    parser.add_argument("--no-node", action="store_true", help="do not build with node mjml (no comparison)")
    parser.add_argument("--diff", action="store_true", help="print where texts differ (template text: not saved)")
    parser.add_argument(
        "--out", default=str(RESULTS), help="where to write the JSON (default bench/corpus-results.json)"
    )
    args = parser.parse_args(argv)
    folder = Path(args.folder).expanduser()
    if not folder.is_dir():
        print(f"corpus: {folder}: not a folder; give a folder of .mjml files (make corpus DIR=path)", file=sys.stderr)
        return 2
    files, partials = templates(folder)
    if not files:
        print(f"corpus: {folder}: no .mjml file with an <mjml> root in it", file=sys.stderr)
        return 2
    started = time.perf_counter()
    node, version, reason = ({}, None, "--no-node") if args.no_node else node_builds(files)
    if reason:
        log(f"corpus: no comparison with node mjml: {reason}")
    diffs: list[str] = []
    results: dict[str, dict[str, Any]] = {}
    for path in files:
        name = str(path.relative_to(folder))
        log(f"corpus: {name} …")
        results[name] = measure(path, node.get(str(path)) if not reason else None, diffs)
    total = totals(results)
    out = {
        "folder": str(folder.resolve()),
        "partials_not_measured": [str(p.relative_to(folder)) for p in partials],
        "reference": {"package": "mjml", "version": version, "unavailable_because": reason},
        "totals": total,
        "files": results,
        "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration_s": round(time.perf_counter() - started, 1),
    }
    target = Path(args.out)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    print_table(results, total)
    if args.diff and diffs:
        print("\n" + "\n".join(diffs))
    shown = target.relative_to(ROOT) if target.resolve().is_relative_to(ROOT) else target
    print(
        f"\n{len(files)} files measured ({len(partials)} partials left out) against node mjml "
        f"{version or '(none)'}; wrote {shown} in {out['duration_s']} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
