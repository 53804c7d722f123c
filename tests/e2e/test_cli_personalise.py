"""`mailwright build --data/--row/--email/--var/--link/--esp` as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLI = str(Path(sys.executable).parent / "mailwright")


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_each_recipient_gets_their_own_email(tmp_path):
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    ra = run(
        "build",
        "examples/welcome.mwt",
        "--data",
        "examples/recipients.csv",
        "--row",
        "1",
        "-o",
        str(a),
        "--text",
        str(tmp_path / "a.txt"),
    )
    rb = run("build", "examples/welcome.mwt", "--data", "examples/recipients.csv", "--row", "4", "-o", str(b))
    assert ra.returncode == 0 and rb.returncode == 0, ra.stderr + rb.stderr
    assert "Hi Zoë, welcome to Tally" in a.read_text(encoding="utf-8")
    assert "Hi there, welcome to Tally" in b.read_text(encoding="utf-8")  # empty first name: the default
    assert "<<" not in a.read_text(encoding="utf-8")
    text = (tmp_path / "a.txt").read_text(encoding="utf-8")
    assert "Hi Zoë, welcome to Tally\n========================\n" in text
    assert "subject: Welcome to Tally, Zoë" in ra.stderr


def test_select_by_email_and_nested_json_loops(tmp_path):
    out = tmp_path / "o.html"
    r = run(
        "build",
        "examples/order_confirmation.mwt",
        "--data",
        "examples/recipients.json",
        "--email",
        "ZOE.MARTIN@example.com",
        "-o",
        str(out),
    )
    assert r.returncode == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    assert "HC-20417" in html and "Lighthouse Espresso" in html and "Ceramic pour-over cone" in html


def test_missing_fields_are_listed_on_stderr(tmp_path):
    r = run(
        "build",
        "examples/order_confirmation.mwt",
        "--data",
        "examples/recipients.csv",
        "--row",
        "2",
        "-o",
        str(tmp_path / "x.html"),
    )
    assert r.returncode == 0
    assert "lacks" in r.stderr and "data:order.items" in r.stderr


def test_links_and_variables(tmp_path):
    src = tmp_path / "v.mjml"
    src.write_text(
        "<mjml><mj-body><mj-section><mj-column><mj-text>Sale: << var:campaign >> "
        '<a href="<< link:unsubscribe >>">Unsubscribe</a></mj-text></mj-column></mj-section>'
        "</mj-body></mjml>",
        encoding="utf-8",
    )
    data = tmp_path / "p.csv"
    data.write_text("email\nann@example.com\n", encoding="utf-8")
    r = run(
        "build",
        str(src),
        "--var",
        "campaign=Spring <Deals>",
        "--data",
        str(data),
        "--row",
        "1",
        "--link",
        "unsubscribe=https://t.test/u?x=1&y=2",
    )
    assert r.returncode == 0, r.stderr
    assert "Sale: Spring &lt;Deals&gt;" in r.stdout
    assert 'href="https://t.test/u?x=1&amp;y=2"' in r.stdout


def test_bad_recipient_choices_exit_2_without_traceback():
    for args in (
        ["--data", "examples/recipients.csv", "--row", "99"],
        ["--data", "examples/recipients.csv", "--email", "nobody@example.com"],
        ["--data", "examples/recipients.csv"],
        ["--row", "1"],
        ["--data", "examples/missing.csv", "--row", "1"],
        ["--var", "oops"],
        ["--data", "examples/recipients.csv", "--row", "1", "--link", "home=https://x"],
    ):
        r = run("build", "examples/welcome.mwt", *args)
        assert r.returncode == 2, (args, r.stderr)
        assert "Traceback" not in r.stderr and r.stderr.startswith("mailwright: "), r.stderr


def test_hostile_tags_exit_2_with_line_and_column(tmp_path):
    src = tmp_path / "evil.mjml"
    src.write_text(
        "<mjml><mj-body><mj-section><mj-column>\n<mj-text>Hi << ''.__class__ >></mj-text>\n"
        "</mj-column></mj-section></mj-body></mjml>",
        encoding="utf-8",
    )
    r = run("build", str(src))
    assert r.returncode == 2
    assert f"{src}:2:" in r.stderr and "Traceback" not in r.stderr


def test_dialects_lists_every_esp():
    r = run("dialects")
    names = r.stdout.split()
    for esp in (
        "mailjet",
        "mailchimp",
        "sendgrid",
        "ses",
        "postmark",
        "mailgun",
        "brevo",
        "hubspot",
        "klaviyo",
        "campaignmonitor",
        "customerio",
        "braze",
        "iterable",
        "liquid",
        "handlebars",
        "jinja",
    ):
        assert esp in names


def test_an_esp_export_writes_its_syntax_in_the_text_part_too(tmp_path):
    html, text = tmp_path / "e.html", tmp_path / "e.txt"
    r = run("build", "examples/welcome.mwt", "--esp", "mailchimp", "-o", str(html), "--text", str(text))
    assert r.returncode == 0, r.stderr
    written = text.read_text(encoding="utf-8")
    assert "*|FNAME|*" in written and "<<" not in written  # the text part is exported, not left empty
    alone = tmp_path / "alone.html"
    assert run("build", "examples/welcome.mwt", "--esp", "mailchimp", "-o", str(alone)).returncode == 0
    assert alone.read_bytes() == html.read_bytes()  # without --text no text is made; the HTML is the same
