"""Every shipped starter, exported for each of the 16 dialects, rendered in that dialect's real
engine (or tests/support's documented interpreter) for every row of examples/recipients.csv and
examples/recipients.json: the visible text of the HTML part, the plain-text part and the subject
equals Mailwright's preview as that ESP (issue 12: the preview is what the ESP sends).

A starter an ESP honestly refuses (the export lists what it cannot express) passes: the refusal
is what the user gets, and REFUSED lists every one with what it names (the test ids say so). SES is
exported with --allow-raw-values (its default refuses recipient values in the HTML: SES does
not escape them), so its engine runs too. The engines are the matrix's (test_merge_matrix).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from mailwright.app.merge.dialects import DIALECTS, get_dialect
from mailwright.app.merge.ast import iter_refs
from mailwright.app.build.personalise import CompiledEmail, EspExport, email_trees, export_for_esp
from mailwright.app.build.pipeline import BuildError, BuildResult, build_file
from mailwright.app.recipients import load_recipients
from tests.e2e.test_merge_matrix import ENGINES, HANDLEBARS, LINKS, visible
from tests.support import campaignmonitor_engine, handlebars_engine

ROOT = Path(__file__).resolve().parents[2]
STARTERS = sorted(p.stem for p in (ROOT / "examples").glob("*.mwt"))
DATA = ("recipients.csv", "recipients.json")
PREVIEW_LINKS = {name.removesuffix("_url"): url for name, url in LINKS.items()}
PARTS = (("html", "html"), ("text", "text"), ("subject", "header"))
# A heading's underline in the text part is fitted to the filled-in heading by the preview
# (fit_underlines), not by an ESP: the comparison reads any rule as one.
_RULE = re.compile(r"(?<![^\s])[=-]{3,}(?![^\s])")


@lru_cache(maxsize=None)
def _build(starter: str) -> BuildResult:
    return build_file(ROOT / "examples" / f"{starter}.mwt")


@lru_cache(maxsize=None)
def _rows(data: str) -> tuple[dict[str, Any], ...]:
    recipients = load_recipients(ROOT / "examples" / data)
    return tuple(recipients.row(n) for n in range(1, len(recipients) + 1))


@lru_cache(maxsize=None)
def _export(starter: str, dialect: str) -> EspExport | BuildError:
    try:
        return export_for_esp(_build(starter), dialect, allow_raw_values=dialect == "ses")
    except BuildError as e:
        return e


def _key(row: dict[str, Any]) -> str:
    return repr(sorted(row.items()))


@lru_cache(maxsize=None)
def _hb_batch() -> dict[tuple[str, str, str], Any]:
    """Every handlebars starter render in one node process."""
    jobs = []
    for esp in sorted(HANDLEBARS):
        for starter in STARTERS:
            exported = _export(starter, esp)
            if isinstance(exported, BuildError):
                continue
            for name, _part in PARTS:
                for data in DATA:
                    for row in _rows(data):
                        jobs.append((esp, getattr(exported, name), {**row, **_links(esp)}))
    results = handlebars_engine.render_many(jobs)
    return {
        (esp, code, _key({k: v for k, v in d.items() if k not in _links(esp)})): r
        for (esp, code, d), r in zip(jobs, results)
    }


def _links(esp: str) -> dict[str, str]:
    """The link values the ESP fills in at send time, under its own names (Iterable's
    unsubscribeUrl, SES's amazonSESUnsubscribeUrl), and the generic ones."""
    own = {var: LINKS[f"{which}_url"] for which, var in get_dialect(esp).link_vars.items()}
    return {**LINKS, **own}


@lru_cache(maxsize=None)
def _list_fields(starter: str, data: str) -> frozenset[str]:
    """A Campaign Monitor list's custom fields: the file's columns and every field the email
    uses (its editor has the user create those)."""
    trees = email_trees(_build(starter))
    used = {
        r.path[0]
        for part in (trees.html, trees.text, trees.subject, trees.preheader)
        for r in iter_refs(part)
        if r.ns == "data"
    }
    return frozenset(used | {k for row in _rows(data) for k in row})


def _engine(dialect: str, code: str, row: dict[str, Any], part: str, fields: frozenset[str]) -> str:
    if dialect in HANDLEBARS:
        out = _hb_batch()[(dialect, code, _key(row))]
    elif dialect == "campaignmonitor":
        out = campaignmonitor_engine.render(code, row, part, set(fields))
    else:
        out = ENGINES[dialect](code, row, part)
    if isinstance(out, Exception):
        raise out
    return out


def _seen(markup: str, part: str) -> str:
    return _RULE.sub("---", visible(markup, "html" if part == "html" else "text"))


# What each ESP honestly refuses of the starters (the export lists it with the block), with the
# construct its message names. Every other pair must export and render.
_NO_WEB_VERSION = "<< link:view_online >>"  # no hosted web version (or campaigns only)
_NO_URLENCODE = "the filter 'urlencode'"
_FLAT = "data:order.number"  # flat fields: a field map is needed
REFUSED: dict[tuple[str, str], str] = {
    **{("event_invitation", d): _NO_WEB_VERSION for d in ("mailjet", "braze")},
    **{
        ("event_invitation", d): _NO_URLENCODE
        for d in ("sendgrid", "ses", "postmark", "mailgun", "handlebars", "campaignmonitor")
    },
    **{("order_confirmation", d): _FLAT for d in ("mailchimp", "hubspot", "campaignmonitor")},
    **{("order_confirmation", d): _NO_URLENCODE for d in ("sendgrid", "ses", "postmark", "mailgun", "handlebars")},
    **{
        (s, d): _NO_WEB_VERSION
        for s in ("newsletter", "promotion", "welcome")
        for d in ("mailjet", "sendgrid", "ses", "postmark", "mailgun", "braze")
    },
}


def _params():
    for starter in STARTERS:
        for dialect in DIALECTS:
            refused = REFUSED.get((starter, dialect))
            for data in DATA:
                tail = f"-refused {refused}" if refused else ""
                yield pytest.param(starter, dialect, data, id=f"{starter}-{dialect}-{data}{tail}")


@pytest.mark.parametrize(("starter", "dialect", "data"), list(_params()))
def test_each_starter_renders_in_the_esps_engine_as_the_preview_as_that_esp(
    starter: str, dialect: str, data: str
) -> None:
    if dialect in HANDLEBARS and handlebars_engine.unavailable():
        pytest.skip(handlebars_engine.unavailable())
    exported = _export(starter, dialect)
    refused = REFUSED.get((starter, dialect))
    if refused:  # an honest refusal, naming what and where
        assert isinstance(exported, BuildError), (
            f"{starter} now exports for {dialect}: render it (drop it from REFUSED)"
        )
        assert "cannot express" in str(exported) and refused in str(exported)
        return
    assert not isinstance(exported, BuildError), str(exported)
    preview = CompiledEmail(_build(starter))
    bad = []
    for n, row in enumerate(_rows(data), start=1):
        ours = preview.render(row, links=PREVIEW_LINKS, esp=dialect)
        for name, part in PARTS:
            code = getattr(exported, name)
            try:
                theirs = _seen(_engine(dialect, code, row, part, _list_fields(starter, data)), part)
            except Exception as e:  # the engine failing for a recipient is a disagreement too
                theirs = f"<{type(e).__name__}: {str(e)[:300]}>"
            mine = _seen(getattr(ours, name), part)
            if theirs != mine:
                at = next((i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b), min(len(mine), len(theirs)))
                bad.append(
                    f"{starter} · {dialect} · {data} row {n} · {name}: preview …{mine[max(0, at - 60) : at + 80]!r}, "
                    f"engine …{theirs[max(0, at - 60) : at + 80]!r}"
                )
        if len(visible(ours.html, "html")) < 100:
            bad.append(f"{starter} · row {n}: the preview shows almost nothing")
    assert bad == []
