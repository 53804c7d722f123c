#!/usr/bin/env python3
"""Derive app/checks/caniemail.json from the MIT-licensed npm package `caniemail`.

The package (shellscape/caniemail) bundles the caniemail.com dataset (hteumeuleu/caniemail) as
`data/caniemail.json`. This script fetches the package tarball with `npm pack` into a temporary
directory (no node_modules, nothing installed), reads the dataset and writes a compact,
facts-only file: for each feature, the latest support level per major client/platform
(`y`, `n` or `a` with note numbers, e.g. "a 1 6"), the notes those levels refer to, and the
package version and licence attribution. The output is deterministic (sorted keys).

    python tools/caniemail_to_json.py                  # npm pack caniemail@latest
    python tools/caniemail_to_json.py --version 2.0.2  # a given version
    python tools/caniemail_to_json.py --package DIR    # an unpacked package (or a .tgz) already at hand

Run it to refresh the data, then review the diff and commit the JSON.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "app" / "checks" / "caniemail.json"
DATASET_URL = "https://www.caniemail.com/api/data.json"
FEATURE_URL = "https://www.caniemail.com/features/{slug}/"

# The client families kept (the dataset has ~20; these are the ones people test against).
FAMILIES = ("gmail", "outlook", "apple-mail", "yahoo", "samsung-email", "aol", "thunderbird", "protonmail", "fastmail")
MAX_NOTE = 400  # characters; longer notes are cut (the feature page has the full text)


def _npm_pack(spec: str, workdir: Path) -> Path:
    try:
        out = subprocess.run(
            ["npm", "pack", spec, "--silent", "--pack-destination", str(workdir)],
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        ).stdout
    except FileNotFoundError:
        sys.exit("caniemail_to_json: npm is not installed (or give --package DIR)")
    except subprocess.CalledProcessError as e:
        sys.exit(f"caniemail_to_json: npm pack {spec} failed: {e.stderr.strip()}")
    name = out.strip().splitlines()[-1].strip()
    return workdir / name


def _unpack(tgz: Path, workdir: Path) -> Path:
    with tarfile.open(tgz, "r:gz") as tar:
        wanted = [
            m
            for m in tar.getmembers()
            if m.name in ("package/package.json", "package/LICENSE", "package/data/caniemail.json")
        ]
        tar.extractall(workdir, members=wanted, filter="data")
    return workdir / "package"


def _latest(versions: dict[str, str]) -> str | None:
    """The newest result of a platform: the dataset lists versions oldest first (a string
    sort would put Outlook for Mac "16.80" before "2011")."""
    if not versions:
        return None
    return list(versions.values())[-1]


_LEVEL = re.compile(r"^\s*([ynau])\b(.*)$")


def _compact(value: str) -> tuple[str, list[str]] | None:
    m = _LEVEL.match(value or "")
    if not m or m.group(1) == "u":
        return None  # unknown: left out
    notes = re.findall(r"#(\d+)", m.group(2))
    return m.group(1), notes


def _clean_note(text: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)  # markdown links → their text
    text = " ".join(text.split())
    return text if len(text) <= MAX_NOTE else text[: MAX_NOTE - 1].rstrip() + "…"


def derive(dataset: dict, package: dict, license_text: str) -> dict:
    platforms = dataset.get("nicenames", {}).get("platform", {})
    families = dataset.get("nicenames", {}).get("family", {})
    clients: dict[str, str] = {}
    features: dict[str, dict] = {}
    for feature in dataset["data"]:
        support: dict[str, str] = {}
        used_notes: set[str] = set()
        for family in FAMILIES:
            for platform, versions in (feature.get("stats") or {}).get(family, {}).items():
                level = _compact(_latest(versions) or "")
                if level is None:
                    continue
                key = f"{family}.{platform}"
                clients[key] = f"{families.get(family, family)} ({platforms.get(platform, platform)})"
                support[key] = " ".join([level[0], *level[1]])
                used_notes.update(level[1])
        notes = {n: _clean_note(t) for n, t in (feature.get("notes_by_num") or {}).items() if n in used_notes and t}
        entry = {"title": feature["title"], "category": feature["category"], "support": support}
        if notes:
            entry["notes"] = notes
        features[feature["slug"]] = entry
    copyright_lines = [line.strip() for line in license_text.splitlines() if line.strip().startswith("Copyright")]
    return {
        "source": {
            "package": package.get("name", "caniemail"),
            "version": package.get("version", ""),
            "license": package.get("license", "MIT"),
            "copyright": copyright_lines,
            "repository": "https://github.com/shellscape/caniemail",
            "dataset": DATASET_URL,
            "dataset_license": "MIT, Copyright (c) 2019 Rémi Parmentier (https://github.com/hteumeuleu/caniemail)",
            "api_version": dataset.get("api_version", ""),
            "last_update_date": dataset.get("last_update_date", ""),
            "feature_url": FEATURE_URL,
            "levels": {"y": "supported", "n": "not supported", "a": "partial (see notes)"},
        },
        "clients": dict(sorted(clients.items())),
        "features": dict(sorted(features.items())),
    }


def dumps(data: dict) -> str:
    """Compact JSON with one feature per line, so a refresh diffs feature by feature."""

    def one(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    lines = ["{", f'"source":{one(data["source"])},', f'"clients":{one(data["clients"])},', '"features":{']
    items = list(data["features"].items())
    for i, (slug, entry) in enumerate(items):
        lines.append(f"{one(slug)}:{one(entry)}{',' if i < len(items) - 1 else ''}")
    lines += ["}", "}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", default="latest", help="npm version of caniemail (default: latest)")
    parser.add_argument(
        "--package", metavar="DIR_OR_TGZ", help="use this unpacked package or tarball instead of npm pack"
    )
    parser.add_argument("-o", "--output", default=str(DEFAULT_OUT), help=f"default: {DEFAULT_OUT.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="caniemail-") as tmp:
        work = Path(tmp)
        if args.package:
            given = Path(args.package)
            pkg = _unpack(given, work) if given.is_file() else given
        else:
            pkg = _unpack(_npm_pack(f"caniemail@{args.version}", work), work)
        package = json.loads((pkg / "package.json").read_text(encoding="utf-8"))
        dataset = json.loads((pkg / "data" / "caniemail.json").read_text(encoding="utf-8"))
        license_path = pkg / "LICENSE"
        license_text = license_path.read_text(encoding="utf-8") if license_path.exists() else ""
    data = derive(dataset, package, license_text)
    text = dumps(data)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(
        f"{out}: {len(data['features'])} features, {len(data['clients'])} clients, "
        f"caniemail {data['source']['version']} (data of {data['source']['last_update_date']}), "
        f"{len(text.encode('utf-8')) / 1024:.0f} KB",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
