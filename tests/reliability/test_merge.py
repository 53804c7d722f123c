"""bad-inputs.md rows 13-18: merge tags that try to run code, foreign template syntax, copy that
looks like a tag, and recipient data that tries to become markup, headers or a second render."""

from __future__ import annotations

import email
import email.policy
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mailwright.app.checks import check_document
from mailwright.app.document.model import Document
from mailwright.app.merge import MergeSyntaxError, parse
from mailwright.app.merge import render as render_module
from mailwright.app.build.personalise import CompiledEmail
from mailwright.app.build.pipeline import BuildError, build_document, build_mjml_text
from mailwright.app.recipients import load_recipients
from mailwright.app.send.sending import build_message

ROOT = Path(__file__).resolve().parents[2]
CLI = str(Path(sys.executable).parent / "mailwright")


def mjml_with(text: str) -> str:
    return f"<mjml><mj-body><mj-section><mj-column><mj-text>{text}</mj-text></mj-column></mj-section></mj-body></mjml>"


def text_doc(html: str, subject: str = "Hello") -> Document:
    return Document.model_validate(
        {
            "subject": subject,
            "rows": [
                {
                    "id": "r1",
                    "columns": [{"id": "c1", "blocks": [{"id": "b7", "type": "text", "props": {"html": html}}]}],
                }
            ],
        }
    )


HOSTILE_13 = [
    "<< ''.__class__ >>",
    "<< data.__class__.__mro__ >>",
    "<< data|attr('__class__') >>",
    "<< lipsum.__globals__ >>",
    "<< cycler.__init__.__globals__.os >>",
]
HOSTILE_14 = ["<< ('a' * 10**9) >>", "<< 2 ** 10**8 >>", "<< range(10**9) >>", "<< 'x'|center(10**9) >>"]


@pytest.fixture
def nothing_compiled(monkeypatch):
    """Fails the test if any template reaches the renderer (jinja) at all."""
    calls = []
    real = render_module.CompiledTemplate.__init__

    def spy(self, *args, **kwargs):
        calls.append(args)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(render_module.CompiledTemplate, "__init__", spy)
    return calls


# --- rows 13 and 14: code in a tag --------------------------------------------------------------


@pytest.mark.parametrize("tag", HOSTILE_13 + HOSTILE_14)
def test_rows13_14_code_in_a_tag_is_refused_at_validation_with_its_place(tag, nothing_compiled):
    start = time.monotonic()
    # In a .mjml source: the message names file, line and column.
    with pytest.raises(BuildError) as info:
        build_mjml_text(mjml_with(f"Hi {tag}"), source="evil.mjml")
    assert info.value.args[0].startswith("evil.mjml:1:"), str(info.value)
    # In a document's text block and in its subject: the message names the block or field.
    with pytest.raises(BuildError) as info:
        build_document(text_doc(f"<p>Hi {tag}</p>"), source="evil.mwt")
    assert str(info.value).startswith("evil.mwt: b7"), str(info.value)
    with pytest.raises(BuildError) as info:
        build_document(text_doc("<p>x</p>", subject=f"Hi {tag}"), source="evil.mwt")
    assert str(info.value).startswith("evil.mwt: subject"), str(info.value)
    # The check turns it into a finding instead of crashing.
    report = check_document(text_doc(f"<p>Hi {tag}</p>"), source="evil.mwt")
    assert any(
        f.code == "merge-syntax" and f.severity == "error" and f.location.startswith("b7") for f in report.findings
    )
    assert nothing_compiled == [], "a hostile tag reached the renderer"
    assert time.monotonic() - start < 5  # nothing was evaluated (10**9 would take minutes)


def test_rows13_14_the_cli_refuses_with_exit_code_2_and_no_traceback(tmp_path):
    src = tmp_path / "evil.mjml"
    src.write_text(mjml_with("\n".join(f"<p>{t}</p>" for t in HOSTILE_13 + HOSTILE_14)), encoding="utf-8")
    r = subprocess.run(
        [CLI, "build", str(src), "--data", str(ROOT / "examples" / "recipients.csv"), "--row", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith(f"mailwright: {src}:1:") and "Traceback" not in r.stderr


# --- row 15: a field missing for some recipients -----------------------------------------------


def test_row15_missing_fields_are_marked_in_previews_and_listed_per_row(tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(
        "email,firstname,lastname\na@example.com,Ann,Lee\nb@example.com,Bo,\nc@example.com,,\n", encoding="utf-8"
    )
    rows = load_recipients(people)
    doc = text_doc('<p>Dear << data:firstname >> << data:lastname >>, << data:title | default("friend") >></p>')
    result = build_document(doc, source="m.mwt")
    email_ = CompiledEmail(result)
    preview = email_.render(rows.row(3), mark_missing=True)
    assert preview.html.count('<mark class="mw-missing"') == 2
    assert email_.render(rows.row(2)).missing == ("data:lastname",)
    assert email_.render(rows.row(1)).missing == ()
    assert "data:title" in email_.render(rows.row(1)).defaulted  # a default() covers it
    report = check_document(doc, source="m.mwt", recipients=rows)
    missing = [f for f in report.findings if f.code == "missing-field"]
    assert {f.location for f in missing} == {"b7"}
    text = " | ".join(f.message for f in missing)
    assert "data:lastname" in text and "rows 2 and 3" in text
    assert "data:firstname" in text and "row 3" in text
    assert "data:title" not in text


def test_row15_a_test_send_names_the_missing_fields(tmp_path):
    """Mailwright only sends tests: a gap is reported on stderr (the email shows it empty), and
    `mailwright check --data` is the gate that fails (exit 1) when a field is missing for all."""
    r = subprocess.run(
        [
            CLI,
            "build",
            "examples/order_confirmation.mwt",
            "--data",
            "examples/recipients.csv",
            "--row",
            "2",
            "-o",
            str(tmp_path / "x.html"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert r.returncode == 0 and "lacks" in r.stderr and "data:order.items" in r.stderr
    people = tmp_path / "people.csv"
    people.write_text("email\na@example.com\nb@example.com\n", encoding="utf-8")
    src = tmp_path / "m.mjml"
    src.write_text(mjml_with("Order << data:order_number >>"), encoding="utf-8")
    r = subprocess.run(
        [CLI, "check", str(src), "--data", str(people)], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "missing-field" in r.stdout and "data:order_number" in r.stdout


# --- row 16: other systems' template syntax ---------------------------------------------------

FOREIGN = [
    "{% for x in items %}{{ x }}{% endfor %}",
    "{{ handlebars }}",
    "{{#if vip}}VIP{{/if}}",
    "{# a jinja comment #}",
    "*|FNAME|*",
    "%recipient.first%",
    "{{{ raw }}}",
    "[[name]]",
    "${name}",
    "%%Name%%",
    "[firstname,fallback=there]",
]


@pytest.mark.parametrize("foreign", FOREIGN)
def test_row16_foreign_merge_syntax_passes_through_literally(foreign):
    assert [n.value for n in parse(f"Hi {foreign}!", "t")] == [f"Hi {foreign}!"]
    result = build_mjml_text(mjml_with(f"Hi {foreign}!"), source="foreign.mjml")
    personal = CompiledEmail(result).render({"firstname": "Ann"})
    import html as htmllib

    assert f"Hi {foreign}!" in htmllib.unescape(personal.html)
    assert f"Hi {foreign}!" in personal.text
    doc_result = build_document(text_doc(f"<p>Hi {foreign}!</p>"), source="foreign.mwt")
    assert f"Hi {foreign}!" in htmllib.unescape(CompiledEmail(doc_result).render({}).html)


# --- row 17: copy that looks like a tag ----------------------------------------------------------


def test_row17_arrows_in_copy_are_literal_or_refused_with_the_escape_hint():
    # Literal pass-through when it is not a tag at all.
    for copy in ("Read more >>", "Next >>", "a >> b", "5 > 3 and 2 < 4"):
        assert [n.value for n in parse(copy, "t")] == [copy]
        import html as htmllib

        built = build_document(text_doc(f"<p>{copy.replace('<', '&lt;')}</p>"), source="c.mwt")
        assert copy in htmllib.unescape(CompiledEmail(built).render({}).html)
    # A clear message (with how to write it) when it would be read as a tag.
    for copy, where in (("<< Prev | Next >>", "1:4"), ("<< Back", "1:1"), ("<<- arrows ->>", "1:1")):
        with pytest.raises(MergeSyntaxError) as info:
            parse(copy, "copy.mwt")
        message = str(info.value)
        assert message.startswith(f"copy.mwt:{where}: "), message
        assert "\\<<" in message, f"no hint how to write '<<' as text: {message}"
    # The escape works and the output is exactly the copy.
    result = build_mjml_text(mjml_with("\\<< Prev | Next >>"), source="c.mjml")
    assert "&lt;&lt; Prev | Next >>" in CompiledEmail(result).render({}).html
    assert "<< Prev | Next >>" in CompiledEmail(result).render({}).text


# --- row 18: recipient data that tries to be markup or a header ----------------------------------


def test_row18_csv_values_are_literal_escaped_and_never_rendered_twice(tmp_path):
    csv = tmp_path / "evil.csv"
    csv.write_bytes(
        b"email,firstname,password,url\r\n"
        b'bob@example.com,"<< data:password >><script>alert(1)</script>"" onmouseover=""x",'
        b'SECRET-PW,"javascript:alert(1)"" onmouseover=""y"\r\n'
        b'eve@example.com,"Bob\r\nBcc: x@evil.test",pw,https://example.com\r\n'
    )
    rows = load_recipients(csv)
    result = build_mjml_text(
        mjml_with('Hi << data:firstname >> <a href="<< data:url >>" title="<< data:firstname >>">link</a>').replace(
            "<mjml>", "<mjml><mj-head><mj-title>Hi << data:firstname >></mj-title></mj-head>"
        ),
        source="e.mjml",
    )
    compiled = CompiledEmail(result)
    one = compiled.render(rows.row(1))
    assert "SECRET-PW" not in one.html + one.text + one.subject  # never rendered twice
    assert "&lt;&lt; data:password &gt;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in one.html
    assert "<script>" not in one.html and ' onmouseover="' not in one.html
    assert "<< data:password >><script>alert(1)</script>" in one.text  # plain text: literal
    two = compiled.render(rows.row(2))
    assert "\r" not in two.subject and "\n" not in two.subject
    msg = build_message(two, from_addr="a@example.com", to=[(rows.row(2)["firstname"], rows.row(2)["email"])])
    parsed = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    assert parsed.get_all("Bcc") is None
    assert [a.addr_spec for a in parsed["To"].addresses] == ["eve@example.com"]
    assert parsed["Subject"] == "[TEST] Hi BobBcc: x@evil.test"  # one line, no header of its own
