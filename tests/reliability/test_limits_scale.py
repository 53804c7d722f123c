"""Issue 14 item 5: CSS inlining and merge tags cost time in proportion to the input.

20,000 `mj-style inline` rules took 36 s (40,000: 140 s) and 83,000 merge tags in one text block
took 14 s. Rules that match nothing in the email are now left out before premailer (the HTML is
the same), what is left is bounded, and merge tags are placed in one pass.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mailwright.app.build import inline
from mailwright.app.document.model import Document
from mailwright.app.build.pipeline import BuildError, build_mjml_text
from mailwright.app.document.storage import dumps_document

PYTHON = sys.executable
BODY = "".join(
    f'<mj-text css-class="m{j}"><p class="m{j}" id="p{j}">Hello <span>w{j}</span></p></mj-text>' for j in range(10)
)


def mjml(css: str, body: str = BODY) -> str:
    return (
        f'<mjml><mj-head><mj-style inline="inline">\n{css}\n</mj-style></mj-head>'
        f"<mj-body><mj-section><mj-column>{body}</mj-column></mj-section></mj-body></mjml>"
    )


def realistic_rules(n: int) -> str:
    """A large stylesheet pasted into an email: a few rules for it, most for other pages."""
    rules = []
    for i in range(n):
        if i % 50 == 0:
            rules.append(f".m{i // 50 % 10} {{ color: #{i % 999:03d}; }}")
        elif i % 97 == 0:
            rules.append(f"p.m{i % 10} span, .c{i} {{ font-weight: bold }}")
        elif i % 113 == 0:
            rules.append(f"a:hover.c{i} {{ color: blue }}")
        elif i % 131 == 0:
            rules.append(f"#id{i} {{ margin: 0 }}")
        else:
            rules.append(f".c{i} {{ color: red; padding: {i % 7}px }}")
    return "\n".join(rules)


def run_build(*args: str, timeout: float = 30) -> tuple[subprocess.CompletedProcess, float]:
    start = time.monotonic()
    try:
        done = subprocess.run(
            [PYTHON, "-m", "mailwright", "build", *args], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"build took over {timeout} s")
    return done, time.monotonic() - start


# --- CSS inlining ------------------------------------------------------------------------------


def test_20000_inline_css_rules_build_in_under_5_seconds(tmp_path: Path) -> None:
    src = tmp_path / "styles.mjml"
    src.write_text(mjml(realistic_rules(20_000)), encoding="utf-8")
    done, elapsed = run_build(str(src), "-o", str(tmp_path / "out.html"))
    assert done.returncode == 0, done.stderr
    assert elapsed < 5, f"20,000 rules took {elapsed:.1f} s"
    html = (tmp_path / "out.html").read_text(encoding="utf-8")
    # The last of the rules for .m9 wins (rule 19,950), and the comma rules reach the spans.
    assert re.search(r'<p class="m9" id="p9" style="[^"]*color:#969', html)
    assert "font-weight:bold" in html


TRICKY_CSS = """
/* the email's own rules */
.m1 { color: #111 } p.m2 span { color: #222 !important } .m3, .nowhere { padding: 3px }
#p4 { margin: 4px } P.m5 { font-size: 15px } td > .m6 { color: #666 }
.m7:first-child { color: #777 } .m8:hover { color: #888 } a[href] { color: #999 }
@media (max-width: 480px) { .m1 { color: #000 } .nowhere { color: #fff } }
.m9 { content: "}" } .c\\31 { color: red } .m1.m2 { color: #121 }
"""


def interleaved_with_unmatched(css: str, n: int) -> str:
    lines, unmatched = css.strip().split("\n"), []
    for i in range(n):
        unmatched.append(f".other{i} {{ color: red }} div.m1 .absent{i} {{ x: y }} #nope{i}, em.m2 {{ z: 1 }}")
    step = max(1, n // len(lines))
    out = []
    for i, line in enumerate(lines):
        out.extend(unmatched[i * step : (i + 1) * step])
        out.append(line)
    out.extend(unmatched[len(lines) * step :])
    return "\n".join(out)


def test_rules_that_match_nothing_leave_the_inlined_html_as_without_them() -> None:
    raw_style = "<mj-raw><style>.m2 { letter-spacing: 1px } .m3:hover { color: red }</style></mj-raw>"
    plain = build_mjml_text(mjml(TRICKY_CSS, BODY + raw_style))
    padded_raw = raw_style.replace("<style>", "<style>" + " ".join(f".raw{i} {{ a: b }}" for i in range(500)))
    padded = build_mjml_text(mjml(interleaved_with_unmatched(TRICKY_CSS, 1500), BODY + padded_raw))
    assert padded.html == plain.html
    assert "color:#111" in plain.html and "letter-spacing:1px" in plain.html


def _random_css(r: random.Random) -> str:
    names, tags = ["m1", "m2", "M1", "p3", "x-y", "_z", "nope"], ["p", "span", "td", "P", "em", "div", "h1"]

    def selector() -> str:
        parts = []
        for _ in range(r.randint(1, 3)):
            part = r.choice(tags) if r.random() < 0.4 else ""
            for _ in range(r.randint(0 if part else 1, 2)):
                part += r.choice(".#.") + r.choice(names)
            parts.append(part)
        text = parts[0] + "".join(r.choice([" ", " > ", "+", " ~ "]) + p for p in parts[1:])
        return text + r.choice(["", "", "", "", ":hover", ":first-child", ":not(.m1)"])

    rules = []
    for _ in range(r.randint(0, 20)):
        k = r.random()
        if k < 0.06:
            rules.append("@media (max-width: 600px) { .m1 { color: blue } .nope { x: y } }")
        elif k < 0.09:
            rules.append(r.choice(["/* { } */", "<!--", ";", "}", '"open', ".a{.b{}}", "{color:red}"]))
        else:
            decl = r.choice(["color: red", "color: #123 !important", 'content: "}"', "width: 1px\\9", "margin:0"])
            rules.append(f"{', '.join(selector() for _ in range(r.randint(1, 3)))} {{ {decl} }}")
    return r.choice(["\n", " ", ""]).join(rules)


def test_dropping_unmatched_rules_never_changes_the_inlined_html(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seeded fuzz: every sheet inlines to the same HTML with and without the pruning."""
    html = (
        "<!doctype html><html><head><style>.m1{color:green}</style></head><body><style>.m2{color:#1}"
        '</style><table><tr><td><p class="m1 p3" id="m2">a<span class="x-y">b</span></p>'
        '<div class="_z"><em>c</em></div></td></tr></table></body></html>'
    )
    cases = [_random_css(random.Random(seed)) for seed in range(150)]
    pruned = [inline.inline_css(html, css) for css in cases]
    monkeypatch.setattr(inline, "_prune", lambda root, css: css)
    monkeypatch.setattr(inline, "_freeze_namespaces", lambda sheet: None)
    for css, got in zip(cases, pruned):
        assert got == inline.inline_css(html, css), css


def test_more_css_to_inline_than_the_limit_is_refused_with_file_count_and_limit(tmp_path: Path) -> None:
    n = inline.MAX_INLINE_SELECTORS + 1
    src = tmp_path / "huge.mjml"
    src.write_text(mjml("\n".join(f".m{i % 10} {{ padding: {i % 9}px }}" for i in range(n))), encoding="utf-8")
    done, _ = run_build(str(src), "-o", str(tmp_path / "out.html"))
    assert done.returncode == 2
    assert str(src) in done.stderr and f"{n:,}" in done.stderr and f"{inline.MAX_INLINE_SELECTORS:,}" in done.stderr
    assert "internal error" not in done.stderr and not (tmp_path / "out.html").exists()


def test_css_that_cannot_be_split_into_rules_still_meets_the_limit_and_says_why() -> None:
    css = ".m1 { color: red };\n" + "\n".join(f".c{i} {{ color: red }}" for i in range(inline.MAX_INLINE_SELECTORS))
    with pytest.raises(BuildError) as refused:
        build_mjml_text(mjml(css), source="stray.mjml")
    message = str(refused.value)
    assert message.startswith("stray.mjml: ") and "could not be read rule by rule" in message
    assert f"{inline.MAX_INLINE_SELECTORS:,}" in message


# --- merge tags ---------------------------------------------------------------------------------


def test_83000_merge_tags_in_one_text_block_build_and_every_one_comes_back(tmp_path: Path) -> None:
    n = 83_000
    html = "<p>" + " ".join(f"<< data:f{i} >>" for i in range(n)) + "</p>"
    doc = Document.model_validate(
        {
            "subject": "Hi",
            "rows": [
                {
                    "id": "r1",
                    "columns": [{"id": "c1", "blocks": [{"id": "b1", "type": "text", "props": {"html": html}}]}],
                }
            ],
        }
    )
    src = tmp_path / "tags.mwt"
    src.write_text(dumps_document(doc), encoding="utf-8")
    done, elapsed = run_build(str(src), "-o", str(tmp_path / "out.html"), "--text", str(tmp_path / "out.txt"))
    assert done.returncode == 0, done.stderr
    assert elapsed < 15, f"{n:,} merge tags took {elapsed:.1f} s"
    for out in ("out.html", "out.txt"):
        found = re.findall(r"<< data:f(\d+) >>", (tmp_path / out).read_text(encoding="utf-8"))
        assert sorted(map(int, found)) == list(range(n)), out


def test_83000_repeats_of_one_tag_in_an_mjml_text_build_and_every_one_comes_back(tmp_path: Path) -> None:
    n = 83_000
    src = tmp_path / "tags.mjml"
    src.write_text(
        "<mjml><mj-body><mj-section><mj-column><mj-text>"
        + " ".join(["<< data:first >>"] * n)
        + "</mj-text></mj-column></mj-section></mj-body></mjml>",
        encoding="utf-8",
    )
    done, elapsed = run_build(str(src), "-o", str(tmp_path / "out.html"))
    assert done.returncode == 0, done.stderr
    assert elapsed < 15, f"{n:,} merge tags took {elapsed:.1f} s"
    assert (tmp_path / "out.html").read_text(encoding="utf-8").count("<< data:first >>") == n


def test_more_different_merge_tags_than_tokens_can_number_is_refused_clearly(tmp_path: Path) -> None:
    from mailwright.app.build.tokens import MAX_TAGS

    src = tmp_path / "many.mjml"
    src.write_text(
        "<mjml><mj-body><mj-section><mj-column><mj-text>"
        + " ".join(f"<<data:f{i}>>" for i in range(MAX_TAGS + 1))
        + "</mj-text></mj-column></mj-section></mj-body></mjml>",
        encoding="utf-8",
    )
    done, _ = run_build(str(src), "-o", str(tmp_path / "out.html"))
    assert done.returncode == 2
    assert str(src) in done.stderr and f"{MAX_TAGS + 1:,}" in done.stderr and f"{MAX_TAGS:,}" in done.stderr
    assert "did not survive" not in done.stderr
