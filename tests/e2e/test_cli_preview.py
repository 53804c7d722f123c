"""`mailwright preview SRC -o OUT.png` as a user runs it: a real process, real PNGs.

Exact widths (device pixel ratio 1), columns that stack on a phone, dark pictures that are
dark, alt text with images off, no network ever, emails over 2 MB, and the CLI's exit rules.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.load import busy_cores
from tests.support.spy import Spy, hostile_mjml

pytest.importorskip("PySide6.QtWebEngineWidgets")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
MAILWRIGHT = Path(sys.executable).parent / "mailwright"
TIMEOUT = 120

COLUMNS_MJML = """<mjml>
  <mj-body background-color="#ffffff">
    <mj-section padding="0">
      <mj-column background-color="#ff0000"><mj-spacer height="120px"></mj-spacer></mj-column>
      <mj-column background-color="#0000ff"><mj-spacer height="120px"></mj-spacer></mj-column>
    </mj-section>
    <mj-section><mj-column><mj-text>Hello << data:firstname | default("friend") >></mj-text></mj-column></mj-section>
  </mj-body>
</mjml>
"""

DARK_MJML = """<mjml>
  <mj-head>
    <mj-style>
      @media (prefers-color-scheme: dark) {
        .page, .page > table, .card, .card > table, .card td { background: #101418 !important; background-color: #101418 !important; }
        .card div { color: #f3f4f6 !important; }
      }
    </mj-style>
  </mj-head>
  <mj-body background-color="#ffffff" css-class="page">
    <mj-section background-color="#ffffff" css-class="card">
      <mj-column>
        <mj-text font-size="20px" color="#111111">A light email with its own dark styles</mj-text>
        <mj-spacer height="500px"></mj-spacer>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""

IMAGES_MJML = """<mjml>
  <mj-body background-color="#ffffff">
    <mj-section><mj-column>
      <mj-image src="https://example.com/banner.png" alt="Spring sale banner" width="400px" height="200px"></mj-image>
      <mj-text>Below the banner</mj-text>
    </mj-column></mj-section>
  </mj-body>
</mjml>
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert MAILWRIGHT.exists(), f"console script missing: {MAILWRIGHT} (pip install -e .)"
    return subprocess.run(
        [str(MAILWRIGHT), *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    return result.stderr


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def image(path: Path):
    from PySide6.QtGui import QImage

    img = QImage(str(path))
    assert not img.isNull()
    return img


def luminance(img) -> float:
    total = n = 0
    for x in range(0, img.width(), 5):
        for y in range(0, img.height(), 5):
            c = img.pixelColor(x, y)
            total += 0.2126 * c.red() + 0.7152 * c.green() + 0.0722 * c.blue()
            n += 1
    return total / n


def colour_rows(img, name: str) -> list[int]:
    """y values (step 2) where the colour `name` appears."""
    return [
        y
        for y in range(0, img.height(), 2)
        if any(img.pixelColor(x, y).name() == name for x in range(0, img.width(), 4))
    ]


@pytest.fixture()
def work(tmp_path: Path) -> Path:
    (tmp_path / "columns.mjml").write_text(COLUMNS_MJML, encoding="utf-8")
    (tmp_path / "dark.mjml").write_text(DARK_MJML, encoding="utf-8")
    (tmp_path / "images.mjml").write_text(IMAGES_MJML, encoding="utf-8")
    return tmp_path


# --- widths -------------------------------------------------------------------------------------


def test_width_is_exact_and_the_picture_is_full_height(work: Path) -> None:
    err = ok(run("preview", str(EXAMPLES / "welcome.mwt"), "-o", "w375.png", "--width", "375", cwd=work))
    assert err.startswith("w375.png: 375x")
    w, h = png_size(work / "w375.png")
    assert w == 375 and h > 1200, "the whole email, not one screen"
    ok(run("preview", str(EXAMPLES / "welcome.mwt"), "-o", "w600.png", cwd=work))
    w600, h600 = png_size(work / "w600.png")
    assert w600 == 600
    assert h600 < h, "narrower means taller: columns stack on a phone"


def test_two_columns_side_by_side_at_600_and_stacked_at_375(work: Path) -> None:
    ok(run("preview", "columns.mjml", "-o", "wide.png", "--width", "600", cwd=work))
    ok(run("preview", "columns.mjml", "-o", "narrow.png", "--width", "375", cwd=work))
    wide, narrow = image(work / "wide.png"), image(work / "narrow.png")
    red, blue = "#ff0000", "#0000ff"
    # 600: one band holds both colours, red on the left, blue on the right.
    y = colour_rows(wide, red)[5]
    assert wide.pixelColor(150, y).name() == red and wide.pixelColor(450, y).name() == blue
    assert colour_rows(wide, red)[0] == colour_rows(wide, blue)[0]
    # 375: red above blue, each spanning the width.
    reds, blues = colour_rows(narrow, red), colour_rows(narrow, blue)
    assert reds and blues and max(reds) < min(blues)
    assert narrow.pixelColor(20, reds[5]).name() == red and narrow.pixelColor(355, reds[5]).name() == red


# --- dark and images off -----------------------------------------------------------------------------


def test_dark_uses_forced_inversion_for_an_email_without_dark_styles(work: Path) -> None:
    ok(run("preview", str(EXAMPLES / "welcome.mwt"), "-o", "light.png", "--width", "375", cwd=work))
    err = ok(run("preview", str(EXAMPLES / "welcome.mwt"), "-o", "dark.png", "--width", "375", "--dark", cwd=work))
    assert "forced inversion" in err
    light, dark = luminance(image(work / "light.png")), luminance(image(work / "dark.png"))
    assert dark < light - 80, (light, dark)


def test_dark_uses_the_emails_own_dark_styles(work: Path) -> None:
    ok(run("preview", "dark.mjml", "-o", "light.png", "--width", "375", cwd=work))
    err = ok(run("preview", "dark.mjml", "-o", "dark.png", "--width", "375", "--dark", cwd=work))
    assert "own dark styles" in err
    light, dark = image(work / "light.png"), image(work / "dark.png")
    assert luminance(light) > 200
    assert luminance(dark) < luminance(light) - 120
    # Its own colour, not an inversion of white: #101418.
    assert dark.pixelColor(187, 300).name() == "#101418"


def test_no_images_shows_alt_text_boxes(work: Path) -> None:
    ok(run("preview", "images.mjml", "-o", "on.png", "--width", "600", cwd=work))
    err = ok(run("preview", "images.mjml", "-o", "off.png", "--width", "600", "--no-images", cwd=work))
    assert "images off" in err
    on, off = image(work / "on.png"), image(work / "off.png")
    assert on != off
    # The alt box keeps the image's 400x200 size, drawn with a light grey fill.
    box = colour_rows(off, "#f3f4f6")
    assert box and max(box) - min(box) >= 190


def test_a_starters_local_pictures_are_drawn(work: Path) -> None:
    import shutil

    shutil.copy(EXAMPLES / "newsletter.mwt", work / "news.mwt")
    shutil.copytree(EXAMPLES / "assets", work / "assets", dirs_exist_ok=True)
    ok(run("preview", "news.mwt", "-o", "news.png", "--width", "600", cwd=work))
    img = image(work / "news.png")
    # the masthead picture (assets/…1200x720.png: flat #c8b898-ish with two soft circles) fills
    # the band under the menu; without its folder the PNG showed a broken-image alt line there
    band = {img.pixelColor(x, 300).name() for x in range(100, 500, 20)}
    assert not band & {"#fdfbf6", "#ffffff"}, band


# --- personalisation -----------------------------------------------------------------------------------


def test_data_row_personalises_the_picture(work: Path) -> None:
    csv = work / "people.csv"
    csv.write_text(
        "email,firstname\na@example.com,Alexandrina-Maximiliana Wolfeschlegelstein\nb@example.com,Bo\n",
        encoding="utf-8",
    )
    ok(run("preview", "columns.mjml", "-o", "one.png", "--data", "people.csv", "--row", "1", cwd=work))
    ok(run("preview", "columns.mjml", "-o", "two.png", "--data", "people.csv", "--row", "2", cwd=work))
    assert image(work / "one.png") != image(work / "two.png")


# --- never the network -----------------------------------------------------------------------------------


def test_no_request_reaches_a_loopback_spy(work: Path) -> None:
    with Spy() as spy:
        (work / "hostile.mjml").write_text(hostile_mjml(spy.base), encoding="utf-8")
        for extra in ([], ["--dark"], ["--no-images"], ["--width", "375"]):
            ok(run("preview", "hostile.mjml", "-o", "hostile.png", *extra, cwd=work))
        assert spy.requests == []
    assert png_size(work / "hostile.png")[0] == 375


MAGENTA = "#ff00ff"
END_BLOCK = (
    '<mj-section padding="0" background-color="#ff00ff"><mj-column><mj-spacer height="200px"></mj-spacer>'
    "</mj-column></mj-section>"
)


def big_mjml(sections: int = 300) -> str:
    """Over 2 MB of HTML (words in styled spans, as ESPs export them; small type so it fits one
    picture), ending in a 200 px magenta block."""
    words = " ".join(f'<span style="color:#{(i * 37) % 200:02x}3344">ipsum{i % 10}</span>' for i in range(180))
    body = "".join(
        f'<mj-section padding="0"><mj-column><mj-text font-size="4px" line-height="5px" padding="0 8px">'
        f"Section {i} {words}</mj-text></mj-column></mj-section>"
        for i in range(sections)
    )
    return f"<mjml><mj-body>{body}{END_BLOCK}</mj-body></mjml>"


def rows_all(img, colour: str, top: int, bottom: int) -> bool:
    return all(img.pixelColor(x, y).name() == colour for x in range(0, img.width(), 7) for y in range(top, bottom, 3))


def test_an_email_over_2_mb_renders(work: Path) -> None:
    """Painted to its last row even with every core busy: the bottom of the PNG is the magenta
    block that ends the email (a grab on a timer saved the frame from before the resize, or
    a picture whose bottom was blank, 1 run in 3 under load)."""
    (work / "big.mjml").write_text(big_mjml(), encoding="utf-8")
    ok(run("build", "big.mjml", "-o", "big.html", cwd=work))
    assert (work / "big.html").stat().st_size > 2 * 1024 * 1024
    with busy_cores(per_core=2):
        err = ok(run("preview", "big.mjml", "-o", "big.png", "--width", "600", cwd=work))
    assert "cut at" not in err
    w, h = png_size(work / "big.png")
    assert w == 600 and 5000 < h < 20000, (w, h)
    img = image(work / "big.png")
    colours = {img.pixelColor(x, y).name() for x in range(0, 600, 7) for y in range(0, 600, 7)}
    assert len(colours) > 2, "text is drawn, not a blank page"
    assert rows_all(img, MAGENTA, h - 198, h), "the block that ends the email is the bottom of the picture"
    above = {img.pixelColor(x, y).name() for x in range(0, 600, 3) for y in range(h - 260, h - 202)}
    assert len(above) > 2, "the text just above the block is drawn too"


def test_a_taller_email_is_cut_at_20000_px_and_painted_to_the_cut(work: Path) -> None:
    (work / "tall.mjml").write_text(
        '<mjml><mj-body><mj-section padding="0"><mj-column><mj-spacer height="19800px"></mj-spacer></mj-column>'
        '</mj-section><mj-section padding="0" background-color="#ff00ff"><mj-column><mj-spacer height="400px">'
        "</mj-spacer></mj-column></mj-section><mj-section><mj-column><mj-text>After the cut</mj-text></mj-column>"
        "</mj-section></mj-body></mjml>",
        encoding="utf-8",
    )
    err = ok(run("preview", "tall.mjml", "-o", "tall.png", cwd=work))
    assert "cut at 20000 px of 2" in err
    assert png_size(work / "tall.png") == (600, 20000)
    img = image(work / "tall.png")
    assert rows_all(img, "#ffffff", 19600, 19798) and rows_all(img, MAGENTA, 19802, 20000)


# --- bad input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, name",
    [
        (["missing.mwt", "-o", "x.png"], "missing.mwt"),
        (["columns.mjml", "-o", "x.jpg"], "x.jpg"),
        (["columns.mjml", "-o", "x.png", "--width", "50"], "--width 50"),
        (["columns.mjml", "-o", "x.png", "--row", "2"], "--row"),
        (["columns.mjml", "-o", "x.png", "--data", "people.csv"], "--data"),
        (["notes.txt", "-o", "x.png"], "notes.txt"),
        (["columns.mjml", "-o", "nowhere/x.png"], "nowhere/x.png"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(work: Path, args: list[str], name: str) -> None:
    (work / "notes.txt").write_text("hi", encoding="utf-8")
    result = run("preview", *args, cwd=work)
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    message = result.stderr.strip()
    assert message.count("\n") == 0, result.stderr
    assert message.startswith(f"mailwright: {name}"), message
    assert not (work / "x.png").exists()


def test_broken_mjml_is_bad_input(work: Path) -> None:
    (work / "broken.mjml").write_text("<mjml><mj-body><mj-section></mj-body>", encoding="utf-8")
    result = run("preview", "broken.mjml", "-o", "x.png", cwd=work)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("mailwright: broken.mjml")


def test_row_out_of_range_is_bad_input(work: Path) -> None:
    (work / "people.json").write_text(json.dumps([{"firstname": "A"}]), encoding="utf-8")
    result = run("preview", "columns.mjml", "-o", "x.png", "--data", "people.json", "--row", "5", cwd=work)
    assert result.returncode == 2
    assert "row 5 does not exist" in result.stderr and "Traceback" not in result.stderr
