"""`build/preview --data … --esp NAME` personalise as that ESP would, and `check --data … --esp NAME`
warns about values that ESP (or every ESP) reads otherwise than they seem (issue 12 items 2-5)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EMAIL = """<mjml><mj-head><mj-title>Hi << data:firstname | default("there") >></mj-title></mj-head><mj-body>
<mj-section><mj-column><mj-text>
<p>Hello << data:firstname | default("there") >>, <% if data:vip %>VIP<% else %>member<% endif %>.</p>
<p><% if data:seats > 5 %>Team plan<% else %>Small plan<% endif %> in << data:city | title >></p>
<p><a href="https://example.com/u">Unsubscribe</a></p>
</mj-text></mj-column></mj-section></mj-body></mjml>
"""
CSV = 'email,firstname,vip,seats,city\na@x.com,Ann,no,7,jean.paul\nb@x.com,   ,yes,"1,234",paris\nc@x.com,Cy,,3,rome\n'


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mailwright", *args], capture_output=True, text=True, timeout=60)


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "t.mjml").write_text(EMAIL, encoding="utf-8")
    (tmp_path / "r.csv").write_text(CSV, encoding="utf-8")
    return str(tmp_path / "t.mjml"), str(tmp_path / "r.csv")


def test_build_with_data_and_esp_renders_as_that_esp(files) -> None:
    src, data = files
    ours = run("build", src, "--data", data, "--row", "1")
    klaviyo = run("build", src, "--data", data, "--row", "1", "--esp", "klaviyo")
    assert ours.returncode == 0 and klaviyo.returncode == 0, klaviyo.stderr
    # "7" from the CSV is more than 5 for Mailwright (and Jinja, Liquid); Klaviyo's Django
    # compares text with a number as false, and its title capitalises after the full stop.
    assert "Team plan" in ours.stdout and "Jean.paul" in ours.stdout and "VIP" in ours.stdout
    assert "Small plan" in klaviyo.stdout and "Jean.Paul" in klaviyo.stdout
    assert "as klaviyo shows it" in klaviyo.stderr
    liquid = run("build", src, "--data", data, "--row", "1", "--esp", "liquid")
    assert "Team plan" in liquid.stdout


def test_check_warns_about_a_no_flag_a_blank_name_and_a_number_with_a_comma(files) -> None:
    src, data = files
    r = run("check", src, "--data", data, "--format", "json")
    found = [f["message"] for f in json.loads(r.stdout)["findings"] if f["code"] == "data-meaning"]
    assert any('data:vip is "no" for 1 recipient (row 1)' in m for m in found), found
    assert any("data:firstname is blank" in m and "(row 2)" in m for m in found), found
    assert any('data:seats is "1,234"' in m and "comparison is false" in m for m in found), found
    assert r.returncode == 0  # warnings only


def test_check_with_esp_names_what_that_esp_reads_otherwise(files) -> None:
    src, data = files
    r = run("check", src, "--data", data, "--esp", "klaviyo", "--format", "json")
    found = [f["message"] for f in json.loads(r.stdout)["findings"] if f["code"] == "data-meaning"]
    assert any('the text "7"' in m and "Klaviyo compares text with a number as false" in m for m in found), found
    assert any(m.startswith("Klaviyo shows 1 recipient (row 1) a different email") for m in found), found
    jinja = run("check", src, "--data", data, "--esp", "jinja", "--format", "json")
    assert not any("different email" in f["message"] for f in json.loads(jinja.stdout)["findings"])


def test_esp_without_data_and_an_unknown_esp_are_usage_errors(files) -> None:
    src, data = files
    r = run("check", src, "--esp", "klaviyo")
    assert r.returncode == 2 and "--esp goes with --data" in r.stderr
    r = run("check", src, "--data", data, "--esp", "nope")
    assert r.returncode == 2 and "unknown ESP dialect 'nope'" in r.stderr
    r = run("preview", src, "-o", str(Path(src).with_suffix(".png")), "--esp", "klaviyo")
    assert r.returncode == 2 and "--esp goes with --data" in r.stderr
    r = run("build", src, "--data", data, "--row", "1", "--esp", "nope")
    assert r.returncode == 2 and "unknown ESP dialect" in r.stderr


def test_mailchimp_reads_a_json_false_as_the_text_its_audience_fields_hold(tmp_path: Path) -> None:
    # Mailchimp's fields hold text: JSON false arrives as "false", which has a value, so
    # *|IF:VIP|* shows the VIP branch. The preview as Mailchimp shows it; check says so.
    (tmp_path / "t.mjml").write_text(
        EMAIL.replace("<% if data:seats > 5 %>Team plan<% else %>Small plan<% endif %> in << data:city | title >>", ""),
        encoding="utf-8",
    )
    (tmp_path / "r.json").write_text(
        json.dumps([{"email": "a@x.com", "firstname": "Ann", "vip": False}]), encoding="utf-8"
    )
    src, data = str(tmp_path / "t.mjml"), str(tmp_path / "r.json")
    ours = run("build", src, "--data", data, "--row", "1")
    mailchimp = run("build", src, "--data", data, "--row", "1", "--esp", "mailchimp")
    assert ours.returncode == 0 and mailchimp.returncode == 0, mailchimp.stderr
    assert "member" in ours.stdout and "VIP" not in ours.stdout
    assert "VIP" in mailchimp.stdout
    r = run("check", src, "--data", data, "--esp", "mailchimp", "--format", "json")
    found = [f["message"] for f in json.loads(r.stdout)["findings"] if f["code"] == "data-meaning"]
    assert any("Mailchimp shows 1 recipient (row 1) a different email" in m and '"VIP' in m for m in found), found
