"""Escaping as each ESP really does it (issue 12 item 6): SES inserts values raw, so its export
refuses them in the HTML unless the user vouches for the data; Django (Klaviyo, Brevo) escapes
every part, so their plain-text part and subject switch it off; Mailjet escapes nothing unless
asked (Escape()), so its HTML part asks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mailwright.app.build.personalise import export_for_esp
from mailwright.app.build.pipeline import build_file
from tests.support import django_engine, mailjet_engine

MJML = (
    "<mjml><mj-head><mj-title>Hi << data:firstname >></mj-title></mj-head><mj-body><mj-section><mj-column>"
    "<mj-text>Hi << data:firstname >>, see you.</mj-text></mj-column></mj-section></mj-body></mjml>\n"
)
NAME = 'Tom & "Jerry" <b>'


def _source(tmp_path: Path) -> Path:
    src = tmp_path / "hi.mjml"
    src.write_text(MJML, encoding="utf-8")
    return src


def _build(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mailwright", "build", "hi.mjml", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_ses_export_refuses_raw_values_and_names_the_way_out(tmp_path: Path) -> None:
    _source(tmp_path)
    run = _build(tmp_path, "--esp", "ses")
    assert run.returncode == 2
    assert "hi.mjml:1:" in run.stderr and "<< data:firstname >>" in run.stderr
    assert "unescaped" in run.stderr and "--allow-raw-values" in run.stderr
    assert "Traceback" not in run.stderr


def test_ses_export_with_allow_raw_values_says_what_to_do_before_sending(tmp_path: Path) -> None:
    _source(tmp_path)
    run = _build(tmp_path, "--esp", "ses", "--allow-raw-values")
    assert run.returncode == 0, run.stderr
    assert "Hi {{firstname}}, see you." in run.stdout
    assert "SES inserts recipient values into the HTML unescaped" in run.stderr


def test_klaviyo_and_brevo_plain_text_shows_the_value_not_entities(tmp_path: Path) -> None:
    result = build_file(_source(tmp_path))
    klaviyo = export_for_esp(result, "klaviyo")
    assert "Tom &amp;" not in django_engine.render(klaviyo.text, {"first_name": NAME})
    assert f"Hi {NAME}, see you." in django_engine.render(klaviyo.text, {"first_name": NAME})
    assert django_engine.render(klaviyo.subject, {"first_name": NAME}) == f"Hi {NAME}"
    brevo = export_for_esp(result, "brevo")
    assert f"Hi {NAME}, see you." in django_engine.render(brevo.text, {"contact": {"FIRSTNAME": NAME}})
    # The HTML part stays escaped by Django, as the ESPs do.
    assert "Tom &amp; &quot;Jerry&quot; &lt;b&gt;" in django_engine.render(klaviyo.html, {"first_name": NAME})


def test_mailjet_html_escapes_values_its_language_leaves_raw(tmp_path: Path) -> None:
    exported = export_for_esp(build_file(_source(tmp_path)), "mailjet")
    assert '{{Escape(var:firstname:"")}}' in exported.html
    html = mailjet_engine.render(exported.html, {"firstname": NAME})
    assert "Tom &amp; &quot;Jerry&quot; &lt;b&gt;" in html and "<b>" not in html
    assert f"Hi {NAME}, see you." in mailjet_engine.render(exported.text, {"firstname": NAME})
